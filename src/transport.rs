//! The transport: the only code that sends requests.
//!
//! `send` runs the retry loop of `retry` around `attempt`. Each attempt gets its own timeout
//! (an AbortController armed with `setTimeout`), follows the caller's `AbortSignal`, goes
//! through `fetch` (or XMLHttpRequest when upload progress is wanted, see `xhr`), and reads the
//! whole body. Every failure leaves here as one of the error classes of `errors`.

use alloc::{string::String, vec::Vec};

use js_sys::futures::JsFuture;
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal, Blob, FormData, Response};

use crate::args::{plain_text, Args};
use crate::config::{endpoint, ClientConfig};
use crate::errors::{api_error, api_message, number_text, reducto_error, Detail, ErrorClass};
use crate::retry::{backoff_ms, server_delay_ms, should_retry_status};
use crate::timers::{clamp_delay, clear_timeout, set_timeout, sleep};
use crate::xhr;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` of pages, workers and Node.js alike.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> Promise;
}

/// The request body; each kind can be sent again unchanged, which retries rely on.
pub enum Body {
    Empty,
    /// Already serialized JSON.
    Json(String),
    /// Multipart form: the browser streams any `File`/`Blob` in it, so bytes never enter wasm.
    Form(FormData),
    /// Raw bytes for a presigned `PUT`, streamed by the browser in the same way.
    Blob(Blob),
}

impl Body {
    /// The value `fetch` and XMLHttpRequest take as a body.
    pub fn to_js(&self) -> JsValue {
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
        let json = JSON::stringify(body)?.as_string().unwrap_or_default();
        Ok(Self { body: Body::Json(json), ..Self::new("POST", path) })
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

/// A response as read off the wire, whichever API sent it.
pub struct RawResponse {
    pub status: u16,
    pub status_text: String,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Why an attempt did not succeed.
enum Failure {
    Status(RawResponse),
    Connection(String),
    Timeout,
    Aborted,
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
            Target::Api(path) => endpoint(&self.config.base_url, path.as_str()),
            Target::Presigned(url) => url.clone(),
        };
        let max_retries = options.max_retries.unwrap_or(self.config.max_retries);
        let mut retries = 0;
        loop {
            let failure = match self.attempt(call, &url, options).await {
                Ok(response) => return Ok(parse_json(&response.text).unwrap_or(response.text.into())),
                Err(failure) => failure,
            };
            let retryable = match &failure {
                Failure::Status(response) => {
                    should_retry_status(response.status, response.header("x-should-retry"))
                }
                Failure::Connection(_) | Failure::Timeout => true,
                Failure::Aborted => false,
            };
            if !retryable || retries >= max_retries {
                return Err(self.error_for(failure, &url, options));
            }
            retries += 1;
            let server_delay = match &failure {
                Failure::Status(response) => server_delay_ms(
                    response.header("retry-after-ms"),
                    response.header("retry-after"),
                    js_sys::Date::now(),
                ),
                _ => None,
            };
            let delay = server_delay.unwrap_or_else(|| backoff_ms(retries, js_sys::Math::random()));
            if sleep(delay, options.signal.as_ref()).await.is_err() {
                return Err(self.error_for(Failure::Aborted, &url, options));
            }
        }
    }

    async fn attempt(
        &self,
        call: &Call,
        url: &str,
        options: &RequestOptions,
    ) -> Result<RawResponse, Failure> {
        let guard =
            AttemptGuard::arm(options.timeout_ms.unwrap_or(self.config.timeout_ms), options.signal.as_ref())
                .ok_or(Failure::Aborted)?;
        let url = with_query(url, &call.query);
        let headers = self.headers_for(call, options);
        let outcome = match &call.progress {
            Some((on_progress, total)) => {
                let signal = guard.controller.signal();
                xhr::send(call.method, &url, &headers, &call.body.to_js(), &signal, on_progress, *total).await
            }
            None => fetch(call, &url, &headers, &guard.controller.signal()).await,
        };
        let response = outcome.map_err(|reason| guard.failure(reason))?;
        if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            Err(Failure::Status(response))
        }
    }

    fn headers_for(&self, call: &Call, options: &RequestOptions) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if let Body::Json(_) = call.body {
            headers.push(("content-type".into(), "application/json".into()));
        }
        if let Target::Api(_) = call.target {
            headers.push(("accept".into(), "application/json".into()));
            if let Some(key) = &self.config.api_key {
                headers.push(("authorization".into(), text!("Bearer ", key)));
            }
            headers.extend(self.config.default_headers.iter().chain(&options.headers).cloned());
        }
        headers
    }

    fn error_for(&self, failure: Failure, url: &str, options: &RequestOptions) -> JsValue {
        match failure {
            Failure::Status(response) => error_for_response(&response),
            Failure::Connection(reason) => reducto_error(
                ErrorClass::Connection,
                &text!("Connection error: could not reach ", url, " (", reason, ")."),
            ),
            Failure::Timeout => {
                let timeout = options.timeout_ms.unwrap_or(self.config.timeout_ms) as u64;
                reducto_error(
                    ErrorClass::ConnectionTimeout,
                    &text!("Request to ", url, " timed out after ", number_text(timeout), " ms."),
                )
            }
            Failure::Aborted => reducto_error(ErrorClass::UserAbort, "Request was aborted."),
        }
    }
}

/// One attempt through `fetch`; `Err` carries the reason no response came.
async fn fetch(
    call: &Call,
    url: &str,
    headers: &[(String, String)],
    signal: &AbortSignal,
) -> Result<RawResponse, String> {
    let header_object = Object::new();
    for (name, value) in headers {
        set(&header_object, name, &value.into());
    }
    let init = Object::new();
    set(&init, "method", &call.method.into());
    set(&init, "headers", &header_object);
    set(&init, "body", &call.body.to_js());
    set(&init, "signal", signal);
    let reason = |error: JsValue| plain_text(&error);
    let response: Response = JsFuture::from(global_fetch(url, &init)).await.map_err(reason)?.unchecked_into();
    let text = JsFuture::from(response.text().map_err(reason)?).await.map_err(reason)?;
    let headers = Array::from(&response.headers())
        .iter()
        .map(|pair| {
            let pair: Array = pair.unchecked_into();
            (plain_text(&pair.get(0)), plain_text(&pair.get(1)))
        })
        .collect();
    Ok(RawResponse {
        status: response.status(),
        status_text: response.status_text(),
        headers,
        text: text.as_string().unwrap_or_default(),
    })
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

fn with_query(url: &str, query: &[(&'static str, String)]) -> String {
    if query.is_empty() {
        return url.into();
    }
    let pairs: Vec<String> = query
        .iter()
        .map(|(name, value)| text!(name, "=", String::from(js_sys::encode_uri_component(value))))
        .collect();
    let separator = if url.contains('?') { "&" } else { "?" };
    text!(url, separator, pairs.join("&"))
}

/// Arms one attempt: a timeout, and the caller's signal forwarded to our own controller (so the
/// request only ever sees our signal, and we can tell which of the two fired).
struct AttemptGuard {
    controller: AbortController,
    /// The abort reason of a timeout. An `Error`, because fetch rejects with the reason as is.
    timeout_reason: JsValue,
    timer: JsValue,
    user_signal: Option<(AbortSignal, Function)>,
}

impl AttemptGuard {
    /// `None` when the caller's signal has already aborted.
    fn arm(timeout_ms: f64, user_signal: Option<&AbortSignal>) -> Option<Self> {
        if user_signal.is_some_and(AbortSignal::aborted) {
            return None;
        }
        let controller = AbortController::new().ok()?;
        let abort: Function = Reflect::get(&controller, &"abort".into()).ok()?.unchecked_into();
        let timeout_reason: JsValue = js_sys::Error::new("timed out").into();
        let on_timeout: Function = abort.bind1(&controller, &timeout_reason).unchecked_into();
        let timer = set_timeout(&on_timeout, clamp_delay(timeout_ms));
        // Bound to `undefined` so the listener's Event is not taken as the abort reason.
        let user_signal = user_signal.map(|signal| {
            let abort: Function = abort.bind1(&controller, &JsValue::UNDEFINED).unchecked_into();
            let _ = signal.add_event_listener_with_callback("abort", &abort);
            (signal.clone(), abort)
        });
        Some(Self { controller, timeout_reason, timer, user_signal })
    }

    fn failure(&self, reason: String) -> Failure {
        let signal = self.controller.signal();
        match signal.aborted() {
            true if signal.reason() == self.timeout_reason => Failure::Timeout,
            true => Failure::Aborted,
            false => Failure::Connection(reason),
        }
    }
}

impl Drop for AttemptGuard {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some((signal, abort)) = &self.user_signal {
            let _ = signal.remove_event_listener_with_callback("abort", abort);
        }
    }
}

fn parse_json(text: &str) -> Option<JsValue> {
    if text.trim().is_empty() {
        return Some(JsValue::NULL);
    }
    JSON::parse(text).ok()
}

/// The one error mapper for HTTP error responses, JSON or not.
fn error_for_response(response: &RawResponse) -> JsValue {
    let headers = Object::new();
    for (name, value) in &response.headers {
        set(&headers, name, &value.into());
    }
    let body = parse_json(&response.text);
    let detail = body.as_ref().and_then(detail_of).unwrap_or_else(|| Detail::Unstructured {
        content_type: response.header("content-type").unwrap_or_default().into(),
        snippet: response.text.chars().take(200).collect(),
    });
    let message = api_message(response.status, &response.status_text, &detail);
    let body = body.unwrap_or_else(|| JsValue::from_str(&response.text));
    api_error(response.status, &message, &headers, &body)
}

/// Reads `{"detail": "…"}` or FastAPI's `{"detail": [{"loc", "msg"}]}`.
fn detail_of(body: &JsValue) -> Option<Detail> {
    if !body.is_object() {
        return None;
    }
    let detail = Reflect::get(body, &"detail".into()).ok().filter(|d| !d.is_undefined())?;
    if let Some(text) = detail.as_string() {
        return Some(Detail::Text(text));
    }
    let items: js_sys::Array = detail.dyn_into().ok()?;
    let problems = items
        .iter()
        .map(|item| {
            let field = |key: &str| Reflect::get(&item, &key.into()).unwrap_or(JsValue::UNDEFINED);
            let loc = field("loc")
                .dyn_into::<js_sys::Array>()
                .map(|parts| {
                    let parts: Vec<String> = parts.iter().map(|part| plain_text(&part)).collect();
                    parts.join(".")
                })
                .unwrap_or_default();
            (loc, field("msg").as_string().unwrap_or_default())
        })
        .collect();
    Some(Detail::Validation(problems))
}
