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
//! - [`client`]: the exported `Reducto` class, its options and its resource groups.
//! - [`pipeline`], [`documents`] (parse/extract/split), [`jobs`], [`uploads`]: one thin module
//!   per API group; [`input`] turns their params into request bodies.
//! - [`transport`]: the only code that sends requests: headers, timeouts, abort, retries,
//!   error mapping; [`xhr`] is its upload-progress path, [`timers`] its clock.
//! - [`retry`], [`errors`], [`config`]: pure policy (when to retry and how long to wait, which
//!   error class and message, base URLs), unit-tested natively.
//! - [`args`]: reading and checking the JS arguments callers pass in.
//! - [`types`]: the TypeScript interfaces of every param and response.

mod args;
pub mod client;
pub mod config;
pub mod documents;
pub mod errors;
mod input;
pub mod jobs;
pub mod pipeline;
pub mod retry;
mod timers;
mod transport;
mod types;
pub mod uploads;
mod xhr;

pub use client::Reducto;
