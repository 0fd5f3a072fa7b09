//! The transport: the only code that calls `fetch`.
//!
//! It adds the client's headers, runs each attempt under its own timeout (an AbortController
//! armed with `setTimeout`), forwards the caller's `AbortSignal`, reads the body, and turns
//! every failure into one of the error classes of `errors`. Retries wrap `attempt` in `send`.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Method, RequestBuilder, Response};
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal, FormData};

use crate::args::Args;
use crate::config::{endpoint, ClientConfig};
use crate::errors::{api_error, api_message, reducto_error, Detail, ErrorClass};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Closure<dyn FnMut()>, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// The request body; each kind can be sent again unchanged, which retries rely on.
pub enum Body {
    Empty,
    /// Already serialized JSON.
    Json(String),
    /// Multipart form: the browser streams any `File`/`Blob` in it, so bytes never enter wasm.
    Form(FormData),
}

/// One API call: what to send, independent of how many attempts it takes.
pub struct Call<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: Vec<(&'static str, String)>,
    pub body: Body,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, path: &'a str) -> Self {
        Self { method, path, query: Vec::new(), body: Body::Empty }
    }

    /// A POST of `body` serialized as JSON.
    pub fn post_json(path: &'a str, body: &JsValue) -> Result<Self, JsValue> {
        let json = JSON::stringify(body)?.as_string().unwrap_or_default();
        Ok(Self { body: Body::Json(json), ..Self::new(Method::POST, path) })
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
        let signal = match args.get("signal") {
            None => None,
            Some(value) => Some(
                value
                    .dyn_into::<AbortSignal>()
                    .map_err(|v| args.wrong_type("signal", "an AbortSignal", &v))?,
            ),
        };
        Ok(Self {
            timeout_ms: args.non_negative_number("timeout")?,
            max_retries: args.non_negative_number("maxRetries")?.map(|n| n as u32),
            headers: args.string_map("headers")?,
            signal,
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

    /// Sends `call` and resolves with the parsed JSON body of a successful response.
    pub async fn send(&self, call: &Call<'_>, options: &RequestOptions) -> Result<JsValue, JsValue> {
        self.attempt(call, options).await
    }

    async fn attempt(&self, call: &Call<'_>, options: &RequestOptions) -> Result<JsValue, JsValue> {
        let timeout_ms = options.timeout_ms.unwrap_or(self.config.timeout_ms);
        let guard = AttemptGuard::arm(timeout_ms, options.signal.as_ref())?;
        let url = endpoint(&self.config.base_url, call.path);

        let mut request = RequestBuilder::new(&url)
            .method(call.method.clone())
            .query(call.query.iter().map(|(name, value)| (*name, value)))
            .header("accept", "application/json")
            .abort_signal(Some(&guard.controller.signal()));
        if let Some(key) = &self.config.api_key {
            request = request.header("authorization", &format!("Bearer {key}"));
        }
        if let Body::Json(_) = call.body {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in self.config.default_headers.iter().chain(&options.headers) {
            request = request.header(name, value);
        }
        let request = match &call.body {
            Body::Empty => request.build(),
            Body::Json(json) => request.body(json.as_str()),
            Body::Form(form) => request.body(form),
        }
        .map_err(|error| reducto_error(ErrorClass::Reducto, &format!("Invalid request to {url}: {error}")))?;

        let outcome = async {
            let response = request.send().await?;
            let text = response.text().await?;
            Ok::<_, gloo_net::Error>((response, text))
        }
        .await;
        let (response, text) = outcome.map_err(|error| guard.failure(&url, &error))?;

        let body = parse_json(&text);
        if response.ok() {
            return Ok(body.unwrap_or(JsValue::from_str(&text)));
        }
        Err(error_for_response(&response, body, &text))
    }
}

/// Arms one attempt: a timeout, and the caller's signal forwarded to our own controller (so
/// fetch only ever sees our signal, and we know which of the two fired).
struct AttemptGuard {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    timeout_ms: f64,
    timer: JsValue,
    _on_timeout: Closure<dyn FnMut()>,
    user_signal: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl AttemptGuard {
    fn arm(timeout_ms: f64, user_signal: Option<&AbortSignal>) -> Result<Self, JsValue> {
        if user_signal.is_some_and(AbortSignal::aborted) {
            return Err(reducto_error(ErrorClass::UserAbort, "Request was aborted."));
        }
        let controller = AbortController::new()?;
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            Closure::<dyn FnMut()>::new(move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        // setTimeout fires at once for delays beyond 2^31 - 1 ms; such a timeout means "never".
        let timer = set_timeout(&on_timeout, timeout_ms.min(i32::MAX as f64));
        let user_signal = user_signal.map(|signal| {
            let controller = controller.clone();
            let on_abort = Closure::<dyn FnMut()>::new(move || controller.abort());
            let _ = signal.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
            (signal.clone(), on_abort)
        });
        Ok(Self { controller, timed_out, timeout_ms, timer, _on_timeout: on_timeout, user_signal })
    }

    /// The error for a request that got no response, by what stopped it.
    fn failure(&self, url: &str, error: &gloo_net::Error) -> JsValue {
        if self.timed_out.get() {
            let message = format!("Request to {url} timed out after {} ms.", self.timeout_ms);
            reducto_error(ErrorClass::ConnectionTimeout, &message)
        } else if self.controller.signal().aborted() {
            reducto_error(ErrorClass::UserAbort, "Request was aborted.")
        } else {
            reducto_error(
                ErrorClass::Connection,
                &format!("Connection error: could not reach {url} ({error})."),
            )
        }
    }
}

impl Drop for AttemptGuard {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let Some((signal, on_abort)) = &self.user_signal {
            let _ = signal.remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
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
fn error_for_response(response: &Response, body: Option<JsValue>, text: &str) -> JsValue {
    let headers = Object::new();
    for (name, value) in response.headers().entries() {
        let _ = Reflect::set(&headers, &name.to_lowercase().into(), &value.into());
    }
    let detail = body.as_ref().and_then(detail_of).unwrap_or_else(|| Detail::Unstructured {
        content_type: response.headers().get("content-type").unwrap_or_default(),
        snippet: text.chars().take(200).collect(),
    });
    let message = api_message(response.status(), &response.status_text(), &detail);
    let body = body.unwrap_or_else(|| JsValue::from_str(text));
    api_error(response.status(), &message, &headers, &body)
}

/// Reads `{"detail": "…"}` or FastAPI's `{"detail": [{"loc", "msg"}]}`.
fn detail_of(body: &JsValue) -> Option<Detail> {
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
                    parts
                        .iter()
                        .map(|part| {
                            part.as_string().unwrap_or_else(|| format!("{}", part.as_f64().unwrap_or(0.0)))
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            (loc, field("msg").as_string().unwrap_or_default())
        })
        .collect();
    Some(Detail::Validation(problems))
}
