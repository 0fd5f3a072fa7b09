//! Fault injection for tests (`--enable-faults`; without the flag none of this is mounted and
//! `/_faults*` is a 404). A test scripts the next responses of any route, so a client's
//! transport (retries, `Retry-After`, timeouts, dropped connections, error mapping) meets a
//! real server misbehaving on cue:
//!
//! - `POST /_faults {method, path, responses: [...]}` appends to the queue of (method, exact
//!   path without query); each matching request pops one scripted response: after `delay_ms`
//!   it is dropped (`drop`: the connection closes with no response), handed to the real route
//!   (`passthrough`), or answered with `status`, `headers` and `body`.
//! - `DELETE /_faults` clears the queues, the request log and the engine settings.
//! - `GET /_faults/requests` lists the requests seen since the last clear (not `/_faults*`,
//!   not CORS preflights): whether an `Authorization` header came, never its value.
//! - `POST /_faults/engine {page_delay_ms}` slows the job workers down per page.
//!
//! The layer wraps the API routes only, so a scripted response never stands in for a page the
//! server serves; it sits inside CORS (so browsers can read scripted responses) and in front of
//! the API-key check (so a scripted 401 or 503 needs no key). `/_faults*` itself is an API route:
//! with `--api-key` it needs the key, and no page of another origin is granted CORS for it (the
//! flag is refused off loopback in any case). While faults are enabled every response says
//! `Connection: close`: a browser silently resends a request whose reused keep-alive
//! connection closes without an answer, which would turn one scripted drop into two requests.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRef, Request, State};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::body::JsonBody;
use crate::error::{AppError, AppResult, ValidationError};
use crate::loc;

/// Where the control API lives; requests under it are neither scripted nor logged.
const PREFIX: &str = "/_faults";

/// The log keeps the newest entries only, so a long run cannot grow it without bound.
const MAX_LOGGED: usize = 10_000;

/// The fault state. It exists even when faults are off (then nothing reads or changes it),
/// so the job runner can always ask for the page delay.
pub struct Faults {
    started: Instant,
    queues: Mutex<HashMap<(Method, String), VecDeque<Scripted>>>,
    log: Mutex<VecDeque<Logged>>,
    page_delay_ms: AtomicU64,
}

/// One scripted response.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scripted {
    #[serde(default = "ok")]
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON value is sent as `application/json`; a string as `content_type` or text/plain.
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub delay_ms: u64,
    /// Close the connection without a response.
    #[serde(default)]
    pub drop: bool,
    /// Let the real route answer (after the delay).
    #[serde(default)]
    pub passthrough: bool,
}

fn ok() -> u16 {
    200
}

/// The body of `POST /_faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Script {
    method: String,
    path: String,
    responses: Vec<Scripted>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EngineSettings {
    #[serde(default)]
    page_delay_ms: u64,
}

/// One entry of `GET /_faults/requests`.
#[derive(Debug, Clone, Serialize)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Milliseconds since the server started.
    pub at_ms: f64,
    /// Every request header, names in lower case; the values of credentials are replaced by
    /// `[redacted]` (`Bearer [redacted]` for a bearer token), so tests can check exactly which
    /// headers each target got without the log ever holding a secret.
    pub headers: BTreeMap<String, String>,
    pub content_length: Option<u64>,
    /// Whether a scripted response was used.
    pub faulted: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            started: Instant::now(),
            queues: Mutex::new(HashMap::new()),
            log: Mutex::new(VecDeque::new()),
            page_delay_ms: AtomicU64::new(0),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing here can be left half-updated by a panic.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Faults {
    /// How long the job workers pause after each page.
    pub fn page_delay(&self) -> Duration {
        Duration::from_millis(self.page_delay_ms.load(Ordering::Relaxed))
    }

    fn pop(&self, method: &Method, path: &str) -> Option<Scripted> {
        let mut queues = lock(&self.queues);
        let key = (method.clone(), path.to_owned());
        let queue = queues.get_mut(&key)?;
        let next = queue.pop_front();
        if queue.is_empty() {
            queues.remove(&key);
        }
        next
    }

    fn record(&self, entry: Logged) {
        let mut log = lock(&self.log);
        if log.len() == MAX_LOGGED {
            log.pop_front();
        }
        log.push_back(entry);
    }

    fn clear(&self) {
        lock(&self.queues).clear();
        lock(&self.log).clear();
        self.page_delay_ms.store(0, Ordering::Relaxed);
    }
}

/// The control routes; mounted only with `--enable-faults`, behind the API-key check.
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Faults>: FromRef<S>,
{
    Router::new()
        .route(PREFIX, post(script).delete(clear))
        .route(&format!("{PREFIX}/requests"), get(requests))
        .route(&format!("{PREFIX}/engine"), post(engine))
}

async fn script(
    State(faults): State<Arc<Faults>>,
    JsonBody(script): JsonBody<Script>,
) -> AppResult<Json<Value>> {
    let method = Method::from_bytes(script.method.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| AppError::invalid(loc!["body", "method"], "not an HTTP method", "value_error"))?;
    let path = script.path;
    if !path.starts_with('/') || path.contains('?') || path.starts_with(PREFIX) {
        return Err(AppError::invalid(
            loc!["body", "path"],
            format!("path must be a route's path without query, like '/version', and not under {PREFIX}"),
            "value_error",
        ));
    }
    let errors: Vec<ValidationError> =
        script.responses.iter().enumerate().flat_map(|(i, r)| problems(r, i)).collect();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut queues = lock(&faults.queues);
    let queue = queues.entry((method, path)).or_default();
    queue.extend(script.responses);
    Ok(Json(json!({ "queued": queue.len() })))
}

/// What is wrong with scripted response `index`, as validation errors.
fn problems(r: &Scripted, index: usize) -> Vec<ValidationError> {
    let at = |field: &str| loc!["body", "responses", index, field];
    let mut errors = Vec::new();
    if r.drop && r.passthrough {
        errors.push(ValidationError::new(
            at("drop"),
            "drop and passthrough exclude each other",
            "value_error",
        ));
    }
    // An informational (1xx) status is not an answer: the client would wait for the real one.
    if !(200..=599).contains(&r.status) {
        errors.push(ValidationError::new(at("status"), "status must be from 200 to 599", "value_error"));
    }
    if r.delay_ms > MAX_DELAY_MS {
        let msg = format!("delay_ms must be at most {MAX_DELAY_MS} (10 minutes)");
        errors.push(ValidationError::new(at("delay_ms"), msg, "value_error"));
    }
    for (name, value) in &r.headers {
        if HeaderName::from_bytes(name.as_bytes()).is_err() || HeaderValue::from_str(value).is_err() {
            let msg = format!("'{name}: {value}' is not a valid header");
            errors.push(ValidationError::new(
                loc!["body", "responses", index, "headers", name.as_str()],
                msg,
                "value_error",
            ));
        }
    }
    if r.content_type.as_deref().is_some_and(|ct| HeaderValue::from_str(ct).is_err()) {
        errors.push(ValidationError::new(at("content_type"), "not a valid header value", "value_error"));
    }
    errors
}

async fn clear(State(faults): State<Arc<Faults>>) -> Json<Value> {
    faults.clear();
    Json(json!({ "cleared": true }))
}

async fn requests(State(faults): State<Arc<Faults>>) -> Json<Vec<Logged>> {
    Json(lock(&faults.log).iter().cloned().collect())
}

async fn engine(
    State(faults): State<Arc<Faults>>,
    JsonBody(settings): JsonBody<EngineSettings>,
) -> Json<Value> {
    let page_delay_ms = settings.page_delay_ms.min(MAX_DELAY_MS);
    faults.page_delay_ms.store(page_delay_ms, Ordering::Relaxed);
    Json(json!({ "page_delay_ms": page_delay_ms }))
}

/// The longest a scripted response or a page may be held back: a delay past any client's
/// timeout tests nothing, and one of u64::MAX would hold its request for ever.
const MAX_DELAY_MS: u64 = 600_000;

/// Headers that carry credentials: logged by name only.
const SECRET_HEADERS: [&str; 6] =
    ["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"];

/// `query` with the values of parameters that look like credentials (`api_key`, `token`,
/// `password`, …) as `[redacted]`: a client may wrongly put its key in a URL.
fn logged_query(query: &str) -> String {
    let secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["key", "token", "secret", "password", "auth", "signature"].iter().any(|word| name.contains(word))
    };
    let parameters = query.split('&').map(|parameter| match parameter.split_once('=') {
        Some((name, _)) if secret(name) => format!("{name}=[redacted]"),
        _ => parameter.to_owned(),
    });
    parameters.collect::<Vec<_>>().join("&")
}

fn logged_headers(headers: &axum::http::HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if SECRET_HEADERS.contains(&name.as_str()) {
                let bearer =
                    value.as_bytes().len() > 7 && value.as_bytes()[..7].eq_ignore_ascii_case(b"bearer ");
                if bearer { "Bearer [redacted]" } else { "[redacted]" }.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}

/// Whether `path` is one of the control routes.
pub fn is_control_path(path: &str) -> bool {
    path.strip_prefix(PREFIX).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The middleware: log the request, then play its next scripted response, if any.
pub async fn layer(State(faults): State<Arc<Faults>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut response = if is_control_path(&path) {
        next.run(req).await
    } else {
        let scripted = faults.pop(req.method(), &path);
        if req.method() != Method::OPTIONS {
            faults.record(Logged {
                method: req.method().to_string(),
                path,
                query: req.uri().query().map(logged_query),
                at_ms: faults.started.elapsed().as_secs_f64() * 1000.0,
                headers: logged_headers(req.headers()),
                content_length: req
                    .headers()
                    .get(CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok()),
                faulted: scripted.is_some(),
            });
        }
        match scripted {
            None => next.run(req).await,
            Some(scripted) => {
                tokio::time::sleep(Duration::from_millis(scripted.delay_ms)).await;
                if scripted.passthrough {
                    next.run(req).await
                } else if scripted.drop {
                    Response::new(Body::new(Abort))
                } else {
                    render(scripted)
                }
            }
        }
    };
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A scripted response as HTTP; [`problems`] has already checked every part of it.
fn render(scripted: Scripted) -> Response {
    let status = StatusCode::from_u16(scripted.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (body, default_type) = match scripted.body {
        None | Some(Value::Null) => (Body::empty(), None),
        Some(Value::String(text)) => (Body::from(text), Some("text/plain; charset=utf-8")),
        Some(json) => (Body::from(json.to_string()), Some("application/json")),
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Some(content_type) = scripted.content_type.as_deref().or(default_type) {
        if let Ok(value) = HeaderValue::from_str(content_type) {
            headers.insert(CONTENT_TYPE, value);
        }
    }
    for (name, value) in &scripted.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value))
        {
            headers.insert(name, value);
        }
    }
    response
}

/// A body that fails on first read: hyper then closes the connection before the response
/// head is flushed, and the client sees a network error rather than a status.
struct Abort;

impl HttpBody for Abort {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "scripted drop"))))
    }
}
