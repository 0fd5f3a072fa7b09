//! The transport: the only code that sends requests.
//!
//! `send` runs the retry policy of `retry` around attempts of `attempt` (each under its own
//! timeout and the caller's `AbortSignal`, see `abort`), waits between them as the server or
//! the backoff says, and turns every failure into one of the error classes of `errors`.

use std::collections::BTreeMap;

use gloo_net::http::Method;
use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::abort::{sleep, AttemptSignal, Stop};
use crate::args::js_text;
use crate::attempt::{self, Body, Progress, Reply, Request};
use crate::config::{endpoint, ClientConfig};
use crate::errors::{api_error, api_message, reducto_error, snippet, Detail, ErrorClass};
use crate::options::RequestOptions;
use crate::retry::{backoff_ms, server_delay_ms, should_retry_status};

/// Where a call goes. A capability URL (a presigned upload, a result too large to inline) is
/// its own credential and may belong to a storage host, not the API: it gets neither the API
/// key nor any header of the client's or the caller's.
pub enum Target {
    /// A path under the client's base URL, e.g. "/pipeline".
    Api(String),
    /// An absolute URL returned by the API.
    Capability(String),
}

/// One API call: what to send, however many attempts it takes.
pub struct Call {
    pub method: Method,
    pub target: Target,
    pub query: Vec<(&'static str, String)>,
    pub body: Body,
    pub progress: Option<Progress>,
}

impl Call {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
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
        Ok(Self { body: Body::Json(JSON::stringify(body)?), ..Self::new(Method::POST, path) })
    }

    /// Adds `value` to the query as `name`.
    pub fn with_query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }
}

/// How an attempt that did not succeed failed.
enum Failure {
    Response(Reply),
    /// A success whose body says it is JSON and is not: a broken server, not retried.
    NotJson {
        status: u16,
        why: String,
    },
    TimedOut,
    Connection(String),
}

const ABORTED: &str = "Request was aborted.";

pub struct Transport {
    config: ClientConfig,
}

impl Transport {
    pub fn new(config: ClientConfig) -> Self {
        Self { config }
    }

    /// Sends `call`, retrying as the official SDKs do, and resolves with the body's JSON.
    pub async fn send(&self, call: &Call, options: &RequestOptions) -> Result<JsValue, JsValue> {
        let url = match &call.target {
            Target::Api(path) => endpoint(&self.config.base_url, path),
            Target::Capability(url) => url.clone(),
        };
        let url = with_query(&url, &call.query);
        let headers = self.headers_for(call, options);
        let request = Request {
            method: call.method.clone(),
            url: &url,
            headers: &headers,
            body: &call.body,
            progress: call.progress.as_ref(),
        };
        let timeout_ms = options.timeout.unwrap_or(self.config.timeout_ms);
        let max_retries = options.max_retries.unwrap_or(self.config.max_retries);
        let caller_signal = options.signal.as_ref();
        let mut retries = 0;
        loop {
            let signal = AttemptSignal::new(timeout_ms, caller_signal)?;
            let outcome = attempt::send(&request, &signal.signal()).await;
            let failure = match (outcome, signal.stop()) {
                (Ok(reply), _) if attempt::is_success(reply.status) => match reply.body() {
                    Ok(body) => return Ok(body),
                    Err(why) => Failure::NotJson { status: reply.status, why },
                },
                (_, Some(Stop::Aborted)) => return Err(reducto_error(ErrorClass::UserAbort, ABORTED)),
                (Ok(reply), _) => Failure::Response(reply),
                (Err(_), Some(Stop::TimedOut)) => Failure::TimedOut,
                (Err(why), None) => Failure::Connection(why),
            };
            let retryable = match &failure {
                Failure::Response(reply) => {
                    should_retry_status(reply.status, reply.header("x-should-retry").as_deref())
                }
                Failure::NotJson { .. } => false,
                Failure::TimedOut | Failure::Connection(_) => true,
            };
            if !retryable || retries >= max_retries {
                return Err(error_for(failure, &url, timeout_ms));
            }
            retries += 1;
            let server_delay = match &failure {
                Failure::Response(reply) => server_delay_ms(
                    reply.header("retry-after-ms").as_deref(),
                    reply.header("retry-after").as_deref(),
                    js_sys::Date::now(),
                    js_sys::Date::parse,
                ),
                _ => None,
            };
            let delay = server_delay.unwrap_or_else(|| backoff_ms(retries, js_sys::Math::random()));
            if !sleep(delay, caller_signal).await {
                return Err(reducto_error(ErrorClass::UserAbort, ABORTED));
            }
        }
    }

    /// The headers of `call`, with lower-case names so that a later one replaces an earlier one:
    /// the call's own headers win over the client's `defaultHeaders`, which win over ours.
    fn headers_for(&self, call: &Call, options: &RequestOptions) -> BTreeMap<String, String> {
        let mut headers = BTreeMap::new();
        if let Body::Json(_) = call.body {
            headers.insert("content-type".into(), "application/json".into());
        }
        if let Target::Api(_) = call.target {
            headers.insert("accept".into(), "application/json".into());
            if let Some(key) = &self.config.api_key {
                headers.insert("authorization".into(), format!("Bearer {key}"));
            }
            for (name, value) in self.config.default_headers.iter().chain(&options.headers) {
                headers.insert(name.to_ascii_lowercase(), value.clone());
            }
        }
        headers
    }
}

/// The one error mapper: the error for an attempt that did not succeed.
fn error_for(failure: Failure, url: &str, timeout_ms: f64) -> JsValue {
    match failure {
        Failure::Response(reply) => error_for_response(&reply),
        Failure::NotJson { status, why } => reducto_error(
            ErrorClass::Reducto,
            &format!("{url} answered {status} with a JSON content type, but its body is not JSON ({why})."),
        ),
        Failure::TimedOut => reducto_error(
            ErrorClass::ConnectionTimeout,
            &format!("Request to {url} timed out after {} ms.", js_text(&timeout_ms.into())),
        ),
        Failure::Connection(why) => reducto_error(
            ErrorClass::Connection,
            &format!("Connection error: could not reach {url} ({why})."),
        ),
    }
}

/// An HTTP error response, JSON or not, as its `APIError` subclass.
fn error_for_response(reply: &Reply) -> JsValue {
    // An error response's body is read as text, which always reads.
    let body = reply.body().unwrap_or(JsValue::NULL);
    let detail = detail_of(&body).unwrap_or_else(|| Detail::Unstructured {
        content_type: reply.header("content-type").unwrap_or_default(),
        snippet: snippet(&reply.text(), 200),
    });
    let message = api_message(reply.status, &reply.status_text, &detail);
    api_error(reply.status, &message, &reply.headers_object(), &body)
}

/// Reads `{"detail": "…"}` or FastAPI's `{"detail": [{"loc", "msg"}]}`.
fn detail_of(body: &JsValue) -> Option<Detail> {
    if !body.is_object() {
        return None;
    }
    let detail = get(body, "detail").filter(|detail| !detail.is_undefined())?;
    if let Some(text) = detail.as_string() {
        return Some(Detail::Text(text));
    }
    let problems = detail.dyn_into::<Array>().ok()?;
    let problems = problems.iter().map(|problem| {
        let loc = get(&problem, "loc")
            .and_then(|loc| loc.dyn_into::<Array>().ok())
            .map(|parts| parts.join(".").into())
            .unwrap_or_default();
        (loc, get(&problem, "msg").and_then(|msg| msg.as_string()).unwrap_or_default())
    });
    Some(Detail::Validation(problems.collect()))
}

fn with_query(url: &str, query: &[(&'static str, String)]) -> String {
    if query.is_empty() {
        return url.into();
    }
    let pairs: Vec<String> = query
        .iter()
        .map(|(name, value)| format!("{name}={}", String::from(js_sys::encode_uri_component(value))))
        .collect();
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{}", pairs.join("&"))
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &key.into()).ok()
}
