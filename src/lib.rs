//! reducto-wasm: run Reducto document pipelines by Pipeline ID from any browser or TypeScript app.
//!
//! ```ts
//! import { Reducto } from "reducto-wasm";
//! const client = new Reducto({ apiKey });
//! const upload = await client.upload(file);
//! const result = await client.pipeline.run({ input: upload, pipeline_id: "k9…" });
//! ```
//!
//! Map of the crate (data flows top to bottom):
//! - [`client`]: the exported `Reducto` class and what its resources share.
//! - [`pipeline`], [`documents`] (parse/extract/split/classify/edit), [`jobs`], [`uploads`],
//!   [`webhook`]: one thin module per API group; [`input`] resolves the document a call is
//!   about, [`results`] fetches parse results that come as a URL.
//! - [`options`], [`params`], [`responses`]: what callers pass and get, as Rust types whose
//!   TypeScript interfaces tsify generates; [`args`] is the one reading of JS values into them.
//! - [`transport`]: the only code that sends requests: headers, retries, error mapping, around
//!   [`attempt`] (one request through gloo-net's fetch, or XMLHttpRequest for upload progress)
//!   and [`abort`] (per-attempt timeouts, the caller's signal, waits).
//! - [`retry`], [`errors`], [`config`]: pure policy (when to retry and how long to wait, which
//!   error class and message, base URLs), unit-tested natively. The error classes themselves
//!   are `js/errors.js`, because only JS classes can extend `Error`.
//! - [`host`]: what the JS host offers (Node's environment, a page or not, XMLHttpRequest).

pub mod abort;
pub mod args;
pub mod attempt;
pub mod client;
pub mod config;
mod core;
pub mod documents;
pub mod errors;
mod host;
mod input;
pub mod jobs;
mod json;
pub mod options;
pub mod params;
pub mod pipeline;
pub mod responses;
mod results;
pub mod retry;
pub mod transport;
pub mod uploads;
pub mod webhook;

pub use client::Reducto;
