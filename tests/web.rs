//! The client in headless Chromium against a real `reducto-local`.
//!
//! `tests/run.mjs` starts the servers on free ports with fresh data dirs and passes their
//! addresses at compile time: REDUCTO_TEST_URL (open) and REDUCTO_TEST_AUTH_URL (needs
//! REDUCTO_TEST_API_KEY). Run everything with `npm test`.
#![cfg(target_arch = "wasm32")]

use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use reducto_wasm::Reducto;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    type ReductoError;
    type APIError;
    type ConflictError;
    type NotFoundError;
    type AuthenticationError;
    type APIConnectionError;
}

const FOUR_PAGES_PDF: &[u8] = include_bytes!("fixtures/pdfs/pdflatex-4-pages.pdf");

fn server_url() -> &'static str {
    option_env!("REDUCTO_TEST_URL")
        .expect("REDUCTO_TEST_URL is not set: run the browser tests with `npm test`")
}

fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON is valid")
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |value, key| {
        Reflect::get(&value, &key.into()).unwrap_or_else(|_| panic!("no {key} in {path}"))
    })
}

fn client_with(options: &str) -> Reducto {
    Reducto::new(Some(json(options).unchecked_into())).expect("client options are valid")
}

fn local_client() -> Reducto {
    client_with(&format!(r#"{{"baseURL": "{}"}}"#, server_url()))
}

async fn resolve(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// Calls a Studio endpoint (not part of the client) and returns its JSON; panics on errors.
async fn studio(method: Method, path: &str, body: &str) -> JsValue {
    let url = format!("{}/studio/pipelines{path}", server_url());
    let request = RequestBuilder::new(&url).method(method).header("content-type", "application/json");
    let response = request.body(body).unwrap().send().await.expect("studio call reaches the server");
    let text = response.text().await.unwrap();
    assert!(response.ok(), "studio {path} failed with {}: {text}", response.status());
    json(&text)
}

async fn create_pipeline(steps: &str) -> String {
    let pipeline =
        studio(Method::POST, "", &format!(r#"{{"name": "browser test", "steps": {steps}}}"#)).await;
    get(&pipeline, "id").as_string().expect("pipeline id is a string")
}

fn pdf_file() -> web_sys::File {
    let bytes = Array::of1(&Uint8Array::from(FOUR_PAGES_PDF));
    web_sys::File::new_with_u8_array_sequence(&bytes, "pdflatex-4-pages.pdf").unwrap()
}

fn run_params(input: &JsValue, pipeline_id: &str) -> JsValue {
    let params = Object::new();
    Reflect::set(&params, &"input".into(), input).unwrap();
    Reflect::set(&params, &"pipeline_id".into(), &pipeline_id.into()).unwrap();
    params.into()
}

async fn run(client: &Reducto, input: &JsValue, pipeline_id: &str) -> Result<JsValue, JsValue> {
    resolve(client.pipeline().run(run_params(input, pipeline_id), None)).await
}

fn chunk_count(result: &JsValue) -> u32 {
    Array::from(&get(result, "result.parse.result.chunks")).length()
}

fn message(error: &JsValue) -> String {
    get(error, "message").as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_deployed_pipeline_runs_by_id_and_only_deploys_change_what_callers_get() {
    let client = local_client();
    let pipeline_id =
        create_pipeline(r#"{"parse": {"options": {"chunking": {"chunk_mode": "disabled"}}}}"#).await;
    let upload = resolve(client.upload(pdf_file().into(), None)).await.expect("upload succeeds");
    assert!(get(&upload, "file_id").as_string().unwrap().starts_with("reducto://"));

    let never_deployed =
        run(&client, &upload, &pipeline_id).await.expect_err("a never-deployed pipeline cannot run");
    assert!(
        never_deployed.has_type::<ConflictError>(),
        "expected ConflictError, got {}",
        message(&never_deployed)
    );
    assert_eq!(get(&never_deployed, "status"), 409);
    assert!(
        message(&never_deployed).contains("deploy"),
        "409 message says to deploy: {}",
        message(&never_deployed)
    );

    studio(Method::POST, &format!("/{pipeline_id}/deploy"), r#"{"version_name": "one chunk"}"#).await;
    let v1 = run(&client, &upload, &pipeline_id).await.expect("v1 runs");
    assert_eq!(get(&v1, "usage.num_pages"), 4);
    assert_eq!(get(&v1, "result.parse.usage.num_pages"), 4);
    assert_eq!(chunk_count(&v1), 1, "v1 returns the whole document as one chunk");

    let draft = r#"{"steps": {"parse": {"options": {"chunking": {"chunk_mode": "page"}}}}}"#;
    studio(Method::PUT, &format!("/{pipeline_id}/draft"), draft).await;
    let after_edit = run(&client, &upload, &pipeline_id).await.expect("still runs v1");
    assert_eq!(chunk_count(&after_edit), 1, "an edit that was not deployed is never seen by callers");

    let v2 = studio(Method::POST, &format!("/{pipeline_id}/deploy"), r#"{"version_name": "per page"}"#).await;
    assert_eq!(get(&v2, "version"), 2);
    let after_redeploy = run(&client, &upload, &pipeline_id).await.expect("v2 runs");
    assert_eq!(chunk_count(&after_redeploy), 4, "the redeploy is live under the same ID: one chunk per page");

    let unknown = run(&client, &upload, "0000000000000000000000000000zzzz").await.expect_err("unknown id");
    assert!(unknown.has_type::<NotFoundError>(), "expected NotFoundError, got {}", message(&unknown));
    assert_eq!(get(&unknown, "status"), 404);
}

#[wasm_bindgen_test]
async fn a_file_input_is_uploaded_then_run() {
    let client = local_client();
    let pipeline_id = create_pipeline(r#"{"parse": {}}"#).await;
    studio(Method::POST, &format!("/{pipeline_id}/deploy"), "{}").await;
    let result = run(&client, &pdf_file().into(), &pipeline_id).await.expect("runs a File input");
    assert_eq!(get(&result, "usage.num_pages"), 4);
    let text = get(&result, "result.parse.result.chunks").unchecked_into::<Array>().get(0);
    assert!(get(&text, "content").as_string().unwrap().len() > 100, "the text layer was read");
}

#[wasm_bindgen_test]
async fn api_version_names_the_server() {
    let version = resolve(local_client().api_version(None)).await.expect("version");
    assert!(version.as_string().unwrap().contains("reducto-local"), "{version:?}");
}

#[wasm_bindgen_test]
async fn bad_arguments_are_refused_before_any_request_with_the_argument_named() {
    let client = local_client();
    let no_id =
        resolve(client.pipeline().run(json(r#"{"input": "reducto://x.pdf"}"#), None)).await.unwrap_err();
    assert!(no_id.has_type::<ReductoError>() && !no_id.has_type::<APIError>());
    assert!(message(&no_id).contains("pipeline_id"), "{}", message(&no_id));

    let number_input = resolve(client.pipeline().run(json(r#"{"input": 42, "pipeline_id": "abc"}"#), None))
        .await
        .unwrap_err();
    assert!(
        message(&number_input).contains("params.input") && message(&number_input).contains("42"),
        "{}",
        message(&number_input)
    );

    let empty = web_sys::File::new_with_str_sequence(&Array::new(), "empty.pdf").unwrap();
    let empty_upload = resolve(client.upload(empty.into(), None)).await.unwrap_err();
    assert!(message(&empty_upload).contains("empty"), "{}", message(&empty_upload));

    let not_a_file = resolve(client.upload(JsValue::from(7), None)).await.unwrap_err();
    assert!(message(&not_a_file).contains("File, Blob"), "{}", message(&not_a_file));

    for (options, named) in [
        (r#"{"environment": "mars"}"#, "options.environment"),
        (r#"{"timeout": -1}"#, "options.timeout"),
        (r#"{"apiKey": "k", "environment": "eu"}"#, "dangerouslyAllowBrowser"),
    ] {
        let error = Reducto::new(Some(json(options).unchecked_into())).err().expect(options);
        assert!(error.has_type::<ReductoError>());
        assert!(message(&error).contains(named), "{options}: {}", message(&error));
    }
}

#[wasm_bindgen_test]
async fn a_wrong_or_missing_api_key_is_an_authentication_error() {
    let (Some(url), Some(key)) = (option_env!("REDUCTO_TEST_AUTH_URL"), option_env!("REDUCTO_TEST_API_KEY"))
    else {
        panic!("REDUCTO_TEST_AUTH_URL and REDUCTO_TEST_API_KEY are not set: run with `npm test`");
    };
    let wrong = client_with(&format!(r#"{{"baseURL": "{url}", "apiKey": "not-the-key"}}"#));
    let error = resolve(wrong.api_version(None)).await.unwrap_err();
    assert!(error.has_type::<AuthenticationError>(), "expected AuthenticationError, got {}", message(&error));
    assert_eq!(get(&error, "status"), 401);
    assert!(!message(&error).contains("not-the-key"), "the key never appears in messages");

    let right = client_with(&format!(r#"{{"baseURL": "{url}", "apiKey": "{key}"}}"#));
    assert!(resolve(right.api_version(None)).await.is_ok());
}

#[wasm_bindgen_test]
async fn failures_without_a_json_answer_are_still_clear() {
    // Nothing listens on port 9 (discard): the request never gets an answer.
    let unreachable = client_with(r#"{"baseURL": "http://127.0.0.1:9"}"#);
    let error = resolve(unreachable.api_version(None)).await.unwrap_err();
    assert!(error.has_type::<APIConnectionError>(), "expected APIConnectionError, got {}", message(&error));
    assert!(message(&error).contains("127.0.0.1:9"), "{}", message(&error));

    // Under /pkg/ the static file server answers a 404 with an empty, non-JSON body.
    let static_files = client_with(&format!(r#"{{"baseURL": "{}/pkg/no-such-dir"}}"#, server_url()));
    let error = resolve(static_files.api_version(None)).await.unwrap_err();
    assert!(error.has_type::<NotFoundError>(), "expected NotFoundError, got {}", message(&error));
    assert_eq!(get(&error, "status"), 404);
    assert_eq!(message(&error), "404 Not Found (empty response body)");
}
