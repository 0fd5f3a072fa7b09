//! Bindings of `js/platform.js`: one HTTP attempt (fetch, or XMLHttpRequest for upload
//! progress, under a timeout and the caller's signal), an abortable sleep, and what the runtime
//! says about itself (environment variables, whether this is a page). The JS side only runs
//! them; every decision about them is made here in Rust.

use alloc::string::String;

use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/platform.js")]
extern "C" {
    /// One attempt; resolves with an [`Outcome`] and never rejects.
    #[allow(clippy::too_many_arguments)]
    pub fn attempt(
        method: &str,
        url: &str,
        headers: &Object,
        body: &JsValue,
        timeout_ms: f64,
        signal: Option<&AbortSignal>,
        on_progress: Option<&Function>,
        total: f64,
    ) -> Promise;

    /// Resolves with `true` after `ms`, or with `false` as soon as `signal` aborts.
    pub fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Promise;

    /// `process.env[name]` in Node.js when set and not empty; `None` elsewhere.
    #[wasm_bindgen(js_name = environmentVariable)]
    pub fn environment_variable(name: &str) -> Option<String>;

    /// True in a page (a `document` exists); false in Node.js and workers, where keys are private.
    #[wasm_bindgen(js_name = inPage)]
    pub fn in_page() -> bool;

    /// How an attempt ended: a response read in full, or a `failure` with no response.
    pub type Outcome;

    /// "timeout", "aborted" or "connection" when no response came.
    #[wasm_bindgen(method, getter)]
    pub fn failure(this: &Outcome) -> Option<String>;
    /// Why no response came, as the platform put it.
    #[wasm_bindgen(method, getter)]
    pub fn message(this: &Outcome) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn status(this: &Outcome) -> u16;
    #[wasm_bindgen(method, getter, js_name = statusText)]
    pub fn status_text(this: &Outcome) -> String;
    /// The response headers, with lower-case names.
    #[wasm_bindgen(method, getter)]
    pub fn headers(this: &Outcome) -> Object;
    #[wasm_bindgen(method, getter)]
    pub fn text(this: &Outcome) -> String;
    /// The body parsed as JSON; the text itself when it is not JSON; null when it is empty.
    #[wasm_bindgen(method, getter)]
    pub fn body(this: &Outcome) -> JsValue;
}
