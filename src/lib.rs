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
//! - [`pipeline`], [`uploads`]: one thin module per API group; they build requests.
//! - [`transport`]: the only code that calls `fetch`: headers, timeouts, abort, error mapping.
//! - [`errors`]: which error class a failure becomes, and its message.
//! - [`config`]: pure option logic (base URLs, limits), unit-tested natively.
//! - [`args`]: reading and checking the JS arguments callers pass in.
//! - [`types`]: the TypeScript interfaces of every param and response.

mod args;
pub mod client;
pub mod config;
pub mod errors;
pub mod pipeline;
mod transport;
mod types;
pub mod uploads;

pub use client::Reducto;
