//! The transport: the only code that sends requests.
//!
//! `send` runs the retry policy of `retry` around attempts of `platform` (each one a fetch, or
//! an XMLHttpRequest when upload progress is wanted, under its own timeout and the caller's
//! `AbortSignal`), and turns every failure into one of the error classes of `errors`.

use alloc::{string::String, vec::Vec};

use js_sys::futures::JsFuture;
use js_sys::{Function, JsString, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, Blob, FormData};

use crate::args::{plain_text, Args};
use crate::ascii;
use crate::config::{endpoint, ClientConfig};
use crate::errors::{api_error, api_message, join, number_text, reducto_error, Detail, ErrorClass};
use crate::platform::{self, Outcome};
use crate::retry::{backoff_ms, server_delay_ms, should_retry_status};

/// The request body; each kind can be sent again unchanged, which retries rely on.
pub enum Body {
    Empty,
    /// Already serialized JSON.
    Json(JsString),
    /// Multipart form: the browser streams any `File`/`Blob` in it, so bytes never enter wasm.
    Form(FormData),
    /// Raw bytes for a presigned `PUT`, streamed by the browser in the same way.
    Blob(Blob),
}

impl Body {
    /// The value fetch and XMLHttpRequest take as a body.
    fn to_js(&self) -> JsValue {
        match self {
            Body::Empty => JsValue::UNDEFINED,
            Body::Json(json) => json.into(),
            Body::Form(form) => form.into(),
            Body::Blob(blob) => blob.into(),
        }
    }
}

/// Where a call goes. A presigned URL belongs to a storage host, not the API: it gets neither
/// the API key nor any header of the client's or the caller's.
pub enum Target {
    /// A path under the client's base URL, e.g. "/pipeline".
    Api(String),
    /// An absolute URL returned by the API.
    Presigned(String),
}

/// One API call: what to send, independent of how many attempts it takes.
pub struct Call {
    pub method: &'static str,
    pub target: Target,
    pub query: Vec<(&'static str, String)>,
    pub body: Body,
    /// Upload progress: `(callback, total bytes)`; sends through XMLHttpRequest.
    pub progress: Option<(Function, f64)>,
}

impl Call {
    pub fn new(method: &'static str, path: impl Into<String>) -> Self {
        Self {
            method,
            target: Target::Api(path.into()),
            query: Vec::new(),
            body: Body::Empty,
            progress: None,
        }
    }

    /// A POST of `body` serialized as JSON.
    pub fn post_json(path: &str, body: &JsValue) -> Result<Self, JsValue> {
        Ok(Self { body: Body::Json(JSON::stringify(body)?), ..Self::new("POST", path) })
    }
}

/// The per-request `RequestOptions` of the contract, checked.
#[derive(Default)]
pub struct RequestOptions {
    pub timeout_ms: Option<f64>,
    pub max_retries: Option<u32>,
    pub headers: Vec<(String, String)>,
    pub signal: Option<AbortSignal>,
}

impl RequestOptions {
    pub fn from_args(args: &Args) -> Result<Self, JsValue> {
        Ok(Self {
            timeout_ms: args.non_negative_number("timeout")?,
            max_retries: args.non_negative_number("maxRetries")?.map(|n| n as u32),
            headers: args.string_map("headers")?,
            signal: args.abort_signal("signal")?,
        })
    }
}

pub struct Transport {
    config: ClientConfig,
}

impl Transport {
    pub fn new(config: ClientConfig) -> Self {
        Self { config }
    }

    /// Sends `call`, retrying as the official SDKs do, and resolves with the parsed JSON body.
    pub async fn send(&self, call: &Call, options: &RequestOptions) -> Result<JsValue, JsValue> {
        let url = match &call.target {
            Target::Api(path) => endpoint(&self.config.base_url, path),
            Target::Presigned(url) => url.clone(),
        };
        let url = with_query(&url, &call.query);
        let headers = self.headers_for(call, options);
        let body = call.body.to_js();
        let timeout_ms = options.timeout_ms.unwrap_or(self.config.timeout_ms);
        let max_retries = options.max_retries.unwrap_or(self.config.max_retries);
        let signal = options.signal.as_ref();
        let (on_progress, total) = call.progress.as_ref().map_or((None, 0.0), |(f, total)| (Some(f), *total));
        let mut retries = 0;
        loop {
            let attempt =
                platform::attempt(call.method, &url, &headers, &body, timeout_ms, signal, on_progress, total);
            let outcome: Outcome = JsFuture::from(attempt).await?.unchecked_into();
            let failure = outcome.failure();
            let retryable = match failure.as_deref() {
                None if (200..300).contains(&outcome.status()) => return Ok(outcome.body()),
                None => should_retry_status(outcome.status(), header(&outcome, "x-should-retry").as_deref()),
                Some(failure) => failure != ABORTED,
            };
            if !retryable || retries >= max_retries {
                return Err(error_for(&outcome, &url, timeout_ms));
            }
            retries += 1;
            let server_delay = failure.is_none().then(|| {
                let (after_ms, after) = (header(&outcome, "retry-after-ms"), header(&outcome, "retry-after"));
                server_delay_ms(after_ms.as_deref(), after.as_deref(), js_sys::Date::now())
            });
            let delay = server_delay.flatten().unwrap_or_else(|| backoff_ms(retries, js_sys::Math::random()));
            if JsFuture::from(platform::sleep(delay, signal)).await? != JsValue::TRUE {
                return Err(reducto_error(ErrorClass::UserAbort, ABORTED_MESSAGE));
            }
        }
    }

    fn headers_for(&self, call: &Call, options: &RequestOptions) -> Object {
        let headers = Object::new();
        let add = |name: &str, value: &str| set(&headers, name, &value.into());
        if let Body::Json(_) = call.body {
            add("content-type", "application/json");
        }
        if let Target::Api(_) = call.target {
            add("accept", "application/json");
            if let Some(key) = &self.config.api_key {
                add("authorization", &text!("Bearer ", key));
            }
            for (name, value) in self.config.default_headers.iter().chain(&options.headers) {
                add(name, value);
            }
        }
        headers
    }
}

/// The `failure` of an attempt that the caller's signal ended: never retried.
const ABORTED: &str = "aborted";
const ABORTED_MESSAGE: &str = "Request was aborted.";

/// The one error mapper: the error for an attempt that did not succeed, response or not.
fn error_for(outcome: &Outcome, url: &str, timeout_ms: f64) -> JsValue {
    match outcome.failure().as_deref() {
        None => error_for_response(outcome),
        Some(ABORTED) => reducto_error(ErrorClass::UserAbort, ABORTED_MESSAGE),
        Some("timeout") => reducto_error(
            ErrorClass::ConnectionTimeout,
            &text!("Request to ", url, " timed out after ", number_text(timeout_ms as u64), " ms."),
        ),
        Some(_) => reducto_error(
            ErrorClass::Connection,
            &text!("Connection error: could not reach ", url, " (", outcome.message(), ")."),
        ),
    }
}

/// An HTTP error response, JSON or not, as its `APIError` subclass.
fn error_for_response(response: &Outcome) -> JsValue {
    let body = response.body();
    let detail = detail_of(&body).unwrap_or_else(|| Detail::Unstructured {
        content_type: header(response, "content-type").unwrap_or_default(),
        snippet: ascii::prefix(&response.text(), 200).into(),
    });
    let status = response.status();
    let message = api_message(status, &response.status_text(), &detail);
    api_error(status, &message, &response.headers(), &body)
}

/// Reads `{"detail": "…"}` or FastAPI's `{"detail": [{"loc", "msg"}]}`.
fn detail_of(body: &JsValue) -> Option<Detail> {
    if !body.is_object() {
        return None;
    }
    let detail = get(body, "detail").filter(|d| !d.is_undefined())?;
    if let Some(text) = detail.as_string() {
        return Some(Detail::Text(text));
    }
    let items: js_sys::Array = detail.dyn_into().ok()?;
    let problems = items
        .iter()
        .map(|item| {
            let loc = get(&item, "loc")
                .and_then(|loc| loc.dyn_into::<js_sys::Array>().ok())
                .map(|parts| join(&parts.iter().map(|part| plain_text(&part)).collect::<Vec<_>>(), "."))
                .unwrap_or_default();
            (loc, get(&item, "msg").and_then(|msg| msg.as_string()).unwrap_or_default())
        })
        .collect();
    Some(Detail::Validation(problems))
}

fn with_query(url: &str, query: &[(&'static str, String)]) -> String {
    if query.is_empty() {
        return url.into();
    }
    let pairs: Vec<String> = query
        .iter()
        .map(|(name, value)| text!(name, "=", String::from(js_sys::encode_uri_component(value))))
        .collect();
    let separator = if url.bytes().any(|b| b == b'?') { "&" } else { "?" };
    text!(url, separator, join(&pairs, "&"))
}

fn header(response: &Outcome, name: &str) -> Option<String> {
    get(&response.headers(), name)?.as_string()
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &key.into()).ok()
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}
