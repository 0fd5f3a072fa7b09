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
//! - [`transport`]: the only code that sends requests: headers, retries, error mapping;
//!   [`platform`] binds `js/platform.js`, which runs each attempt (fetch, or XMLHttpRequest for
//!   upload progress, under a timeout and the caller's signal) and the waits between them.
//! - [`retry`], [`errors`], [`config`]: pure policy (when to retry and how long to wait, which
//!   error class and message, base URLs), unit-tested natively.
//! - [`args`]: reading and checking the JS arguments callers pass in.
//! - [`types`]: the TypeScript interfaces of every param and response.
//! - `runtime`: the allocator of every wasm build, and the panic handler of the shipped `no_std` one.

// The shipped client is `no_std` (see `runtime`); tests build it with `std`.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

/// Joins string pieces into a `String`: `text!("params.", key, " is required")`. Messages are
/// built with this instead of `format!`, whose machinery would add kilobytes to the download.
macro_rules! text {
    ($($part:expr),+ $(,)?) => {{
        let mut text = ::alloc::string::String::new();
        $(text.push_str(::core::convert::AsRef::<str>::as_ref(&$part));)+
        text
    }};
}

mod args;
mod ascii;
pub mod client;
pub mod config;
pub mod documents;
pub mod errors;
mod input;
pub mod jobs;
pub mod pipeline;
mod platform;
pub mod retry;
#[cfg(target_arch = "wasm32")]
mod runtime;
mod transport;
mod types;
pub mod uploads;

pub use client::Reducto;
