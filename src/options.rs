//! The options callers pass: to the client (`new Reducto(options)`), to every call (the last
//! argument), to `upload` and to `job.wait`. Rust types read by `args::read`, whose TypeScript
//! interfaces tsify generates from these definitions.

use std::collections::BTreeMap;

use js_sys::Function;
use serde::Deserialize;
use tsify::Tsify;
use web_sys::AbortSignal;

use crate::args::{self, js_object, js_text};
use crate::config::Environment;
use crate::errors::argument_error;

/// Options of `new Reducto(…)`.
#[derive(Deserialize, Tsify, Default)]
#[serde(rename_all = "camelCase")]
#[tsify(hashmap_as_object)]
pub struct ReductoOptions {
    /// Sent as `Authorization: Bearer <apiKey>`; never logged, never put in a URL. In Node.js,
    /// defaults to `REDUCTO_API_KEY`. Required for Reducto's cloud; a `baseURL` of your own
    /// (reducto-local, your proxy) needs none.
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// Where requests go, e.g. `http://127.0.0.1:8080` for reducto-local. Wins over
    /// `environment`. In Node.js, defaults to `REDUCTO_BASE_URL`.
    #[serde(rename = "baseURL")]
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Reducto's region. Default "production".
    #[tsify(optional)]
    pub environment: Option<Environment>,
    /// Milliseconds per attempt. Default 3 600 000 (one hour).
    #[tsify(optional)]
    pub timeout: Option<f64>,
    /// Retries of connection errors, timeouts, 408, 409, 429 and ≥ 500. Default 2.
    #[tsify(optional)]
    pub max_retries: Option<u32>,
    /// Headers sent with every API request (never to presigned or result URLs).
    #[serde(default)]
    pub default_headers: BTreeMap<String, String>,
    /// Allow sending `apiKey` from a browser page to a reducto.ai host, where anyone who opens
    /// the page can read it.
    #[tsify(optional)]
    pub dangerously_allow_browser: Option<bool>,
    /// Fetch a parse result that comes as `{type: "url"}` and return it in place. Default true.
    #[tsify(optional)]
    pub resolve_url_results: Option<bool>,
}

/// Options of a single request; they override the client's.
#[derive(Deserialize, Tsify, Default)]
#[serde(rename_all = "camelCase")]
#[tsify(hashmap_as_object)]
pub struct RequestOptions {
    /// Aborts the call, also during the wait between attempts; an abort is never retried.
    #[serde(default, deserialize_with = "js_object")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<AbortSignal>,
    /// Milliseconds per attempt.
    #[tsify(optional)]
    pub timeout: Option<f64>,
    #[tsify(optional)]
    pub max_retries: Option<u32>,
    /// Headers for this call's API requests; they win over `defaultHeaders`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

impl RequestOptions {
    /// The options a call was given, read and checked.
    pub fn read(options: &wasm_bindgen::JsValue) -> Result<Self, wasm_bindgen::JsValue> {
        let options: Self = args::read(options, "options")?;
        non_negative("options.timeout", options.timeout)?;
        Ok(options)
    }
}

/// What `upload` takes besides the `RequestOptions`.
#[derive(Deserialize, Tsify, Default)]
#[serde(rename_all = "camelCase")]
pub struct UploadOptions {
    /// File extension without the dot ("pdf"); from the file name or its first bytes when omitted.
    #[tsify(optional)]
    pub extension: Option<String>,
    /// Name sent with the file; a `File`'s own name when omitted.
    #[tsify(optional)]
    pub filename: Option<String>,
    /// Called as the file's bytes are sent (once, at the end, where there is no XMLHttpRequest).
    #[serde(default, deserialize_with = "js_object")]
    #[tsify(optional, type = "(progress: UploadProgress) => void")]
    pub on_progress: Option<Function>,
}

/// What `onProgress` of an upload receives: bytes of the file sent so far, and in all.
#[derive(Tsify)]
pub struct UploadProgress {
    pub loaded: f64,
    pub total: f64,
}

/// Options of `job.wait`.
#[derive(Deserialize, Tsify, Default)]
#[serde(rename_all = "camelCase")]
pub struct JobWaitOptions {
    /// Called whenever the job's progress (0 to 1) changes.
    #[serde(default, deserialize_with = "js_object")]
    #[tsify(optional, type = "(progress: number, job: JobResponse) => void")]
    pub on_progress: Option<Function>,
    /// Stops waiting (the job goes on; `job.cancel` stops it).
    #[serde(default, deserialize_with = "js_object")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: Option<AbortSignal>,
    /// The first wait between polls in ms (default 250); it grows 1.5× per poll to 5 s.
    #[tsify(optional)]
    pub poll_interval: Option<f64>,
    /// Gives up after this many ms with a `ReductoError`; the job goes on.
    #[tsify(optional)]
    pub timeout: Option<f64>,
}

/// `value` of `name` when it is a finite number ≥ 0, such as a timeout in ms.
pub fn non_negative(name: &str, value: Option<f64>) -> Result<Option<f64>, wasm_bindgen::JsValue> {
    match value {
        Some(n) if !(n.is_finite() && n >= 0.0) => {
            Err(argument_error(&format!("{name} must be a finite number ≥ 0, got {}", js_text(&n.into()))))
        }
        _ => Ok(value),
    }
}
