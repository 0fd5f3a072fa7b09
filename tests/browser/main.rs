//! The client in headless Chromium against real `reducto-local` processes.
//!
//! `tests/run.mjs` starts the servers on free ports with fresh data dirs and passes their
//! addresses at compile time: REDUCTO_TEST_URL (open), REDUCTO_TEST_AUTH_URL (needs
//! REDUCTO_TEST_API_KEY) and REDUCTO_TEST_FAULTS_URL (started with --enable-faults, so a test
//! can script the next responses of a route). Run everything with `npm test`.
#![cfg(target_arch = "wasm32")]

mod arguments;
mod documents;
mod jobs;
mod resources;
mod story;
mod transport;
mod uploads;

use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Array, Reflect, Uint8Array, JSON};
use reducto_wasm::Reducto;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The exported error classes, so tests check real `instanceof`.
#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    pub type ReductoError;
    pub type APIError;
    pub type BadRequestError;
    pub type AuthenticationError;
    pub type PermissionDeniedError;
    pub type NotFoundError;
    pub type ConflictError;
    pub type UnprocessableEntityError;
    pub type RateLimitError;
    pub type InternalServerError;
    pub type APIConnectionError;
    pub type APIConnectionTimeoutError;
    pub type APIUserAbortError;
    pub type JobFailedError;
    pub type JobWaitTimeoutError;
}

pub const FOUR_PAGES_PDF: &[u8] = include_bytes!("../fixtures/pdfs/pdflatex-4-pages.pdf");

pub fn server_url() -> &'static str {
    option_env!("REDUCTO_TEST_URL")
        .expect("REDUCTO_TEST_URL is not set: run the browser tests with `npm test`")
}

pub fn faults_url() -> &'static str {
    option_env!("REDUCTO_TEST_FAULTS_URL").expect("REDUCTO_TEST_FAULTS_URL is not set: run with `npm test`")
}

pub fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|_| panic!("test JSON is valid: {text}"))
}

/// `value.a.b.c`, panicking with the path when a step is missing.
pub fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |value, key| {
        Reflect::get(&value, &key.into()).unwrap_or_else(|_| panic!("no {key} in {path}"))
    })
}

pub fn client_with(options: &str) -> Reducto {
    Reducto::new(json(options)).expect("client options are valid")
}

pub fn local_client() -> Reducto {
    client_with(&format!(r#"{{"baseURL": "{}"}}"#, server_url()))
}

pub async fn resolve(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

pub fn message(error: &JsValue) -> String {
    get(error, "message").as_string().unwrap_or_default()
}

pub fn options(text: &str) -> JsValue {
    json(text)
}

/// Aborts `controller` after `ms`, while the call under test is under way.
pub fn abort_after(controller: &web_sys::AbortController, ms: u32) {
    let controller = controller.clone();
    gloo_timers::callback::Timeout::new(ms, move || controller.abort()).forget();
}

/// A JSON call to the server outside the client (Studio, faults); panics on errors.
pub async fn call_server(base: &str, method: Method, path: &str, body: Option<&str>) -> JsValue {
    let request = RequestBuilder::new(&format!("{base}{path}"))
        .method(method)
        .header("content-type", "application/json");
    let request = match body {
        Some(body) => request.body(body).unwrap(),
        None => request.build().unwrap(),
    };
    let response = request.send().await.expect("the call reaches the server");
    let text = response.text().await.unwrap();
    assert!(response.ok(), "{path} failed with {}: {text}", response.status());
    if text.is_empty() {
        JsValue::NULL
    } else {
        json(&text)
    }
}

pub async fn studio(base: &str, method: Method, path: &str, body: &str) -> JsValue {
    call_server(base, method, &format!("/studio/pipelines{path}"), Some(body)).await
}

/// Creates and deploys a pipeline on `base`; returns its Pipeline ID.
pub async fn deployed_pipeline(base: &str, steps: &str) -> String {
    let pipeline =
        studio(base, Method::POST, "", &format!(r#"{{"name": "browser test", "steps": {steps}}}"#)).await;
    let id = get(&pipeline, "id").as_string().expect("pipeline id is a string");
    studio(base, Method::POST, &format!("/{id}/deploy"), "{}").await;
    id
}

pub fn file(bytes: &[u8], name: &str) -> web_sys::File {
    web_sys::File::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)), name).unwrap()
}

pub fn pdf_file() -> web_sys::File {
    file(FOUR_PAGES_PDF, "pdflatex-4-pages.pdf")
}

/// Scripts the next responses of `method path` on the faults server.
pub async fn script(method: &str, path: &str, responses: &str) {
    let body = format!(r#"{{"method": "{method}", "path": "{path}", "responses": {responses}}}"#);
    call_server(faults_url(), Method::POST, "/_faults", Some(&body)).await;
}

/// Forgets scripted responses, the request log and engine settings.
pub async fn reset_faults() {
    call_server(faults_url(), Method::DELETE, "/_faults", None).await;
}

/// The requests the faults server received for `path` since the last reset.
pub async fn requests_to(path: &str) -> Vec<JsValue> {
    let log: Array = call_server(faults_url(), Method::GET, "/_faults/requests", None).await.unchecked_into();
    log.iter().filter(|request| get(request, "path").as_string().as_deref() == Some(path)).collect()
}

/// The headers a logged request carried that the client chose: the log's `headers` without
/// those the browser adds to every request on its own (and without its default `accept`).
pub fn client_headers(request: &JsValue) -> std::collections::BTreeMap<String, String> {
    const BROWSER_OWN: [&str; 11] = [
        "host",
        "connection",
        "user-agent",
        "accept-encoding",
        "accept-language",
        "origin",
        "referer",
        "content-length",
        "priority",
        "pragma",
        "cache-control",
    ];
    let headers = get(request, "headers");
    js_sys::Object::keys(headers.unchecked_ref::<js_sys::Object>())
        .iter()
        .map(|name| name.as_string().unwrap())
        .filter(|name| !BROWSER_OWN.contains(&name.as_str()) && !name.starts_with("sec-"))
        .map(|name| (name.clone(), get(&headers, &name).as_string().unwrap()))
        .filter(|(name, value)| !(name == "accept" && value == "*/*"))
        .collect()
}

pub fn faults_client(extra: &str) -> Reducto {
    let extra = if extra.is_empty() { String::new() } else { format!(", {extra}") };
    client_with(&format!(r#"{{"baseURL": "{}"{extra}}}"#, faults_url()))
}
