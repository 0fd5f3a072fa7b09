//! Bad arguments are refused before any request, with a `ReductoError` naming the argument.

use js_sys::Array;
use reducto_wasm::Reducto;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::*;

async fn refused(promise: js_sys::Promise) -> String {
    let error = resolve(promise).await.expect_err("the call is refused");
    assert!(
        error.has_type::<ReductoError>() && !error.has_type::<APIError>(),
        "a local ReductoError: {}",
        message(&error)
    );
    message(&error)
}

fn assert_names(text: &str, argument: &str) {
    assert!(text.contains(argument), "the message names {argument}: {text}");
}

#[wasm_bindgen_test]
async fn run_params_are_checked() {
    let client = local_client();
    assert_names(
        &refused(client.pipeline().run(json(r#"{"input": "reducto://x.pdf"}"#), JsValue::UNDEFINED)).await,
        "params.pipeline_id",
    );
    assert_names(
        &refused(client.pipeline().run(json(r#"{"pipeline_id": "abc"}"#), JsValue::UNDEFINED)).await,
        "params.input",
    );
    let number =
        refused(client.pipeline().run(json(r#"{"input": 42, "pipeline_id": "abc"}"#), JsValue::UNDEFINED))
            .await;
    assert!(number.contains("params.input") && number.contains("42"), "{number}");
    assert_names(
        &refused(client.pipeline().run(json(r#"{"input": "x", "pipeline_id": 7}"#), JsValue::UNDEFINED))
            .await,
        "params.pipeline_id",
    );
    assert_names(
        &refused(client.pipeline().run(json(r#"{"input": [1, 2], "pipeline_id": "a"}"#), JsValue::UNDEFINED))
            .await,
        "params.input",
    );
    assert_names(
        &refused(client.pipeline().run(JsValue::from("abc"), JsValue::UNDEFINED)).await,
        "params must be an object",
    );
    assert_names(
        &refused(client.split().run(json(r#"{"input": "reducto://x.pdf"}"#), JsValue::UNDEFINED)).await,
        "params.split_description",
    );
}

#[wasm_bindgen_test]
async fn request_options_are_checked() {
    let client = local_client();
    assert_names(&refused(client.api_version(options(r#"{"timeout": -5}"#))).await, "options.timeout");
    assert_names(
        &refused(client.api_version(options(r#"{"maxRetries": "three"}"#))).await,
        "options.maxRetries",
    );
    assert_names(&refused(client.api_version(options(r#"{"signal": "stop"}"#))).await, "options.signal");
    assert_names(
        &refused(client.api_version(options(r#"{"headers": {"x-a": 1}}"#))).await,
        "options.headers",
    );
    assert_names(&refused(client.job().get(JsValue::from(""), JsValue::UNDEFINED)).await, "jobId");
    assert_names(&refused(client.job().wait(JsValue::from(12), JsValue::UNDEFINED)).await, "jobId");
    assert_names(
        &refused(client.job().list(options(r#"{"limit": 0}"#), JsValue::UNDEFINED)).await,
        "params.limit",
    );
    assert_names(
        &refused(client.job().list(options(r#"{"limit": 501}"#), JsValue::UNDEFINED)).await,
        "params.limit",
    );
}

#[wasm_bindgen_test]
async fn uploads_are_checked() {
    let client = local_client();
    let empty = web_sys::File::new_with_str_sequence(&Array::new(), "empty.pdf").unwrap();
    assert_names(&refused(client.upload(empty.into(), JsValue::UNDEFINED)).await, "empty");
    assert_names(&refused(client.upload(JsValue::from(7), JsValue::UNDEFINED)).await, "File, Blob");
    assert_names(
        &refused(client.upload(pdf_file().into(), options(r#"{"onProgress": 1}"#))).await,
        "options.onProgress",
    );
}

#[wasm_bindgen_test]
fn client_options_are_checked() {
    for (options, named) in [
        (r#"{"environment": "mars"}"#, "options.environment"),
        (r#"{"timeout": -1}"#, "options.timeout"),
        (r#"{"timeout": "1s"}"#, "options.timeout"),
        (r#"{"maxRetries": -1}"#, "options.maxRetries"),
        (r#"{"baseURL": 8080}"#, "options.baseURL"),
        (r#"{"defaultHeaders": "x"}"#, "options.defaultHeaders"),
        (r#"{"apiKey": "k", "environment": "eu"}"#, "dangerouslyAllowBrowser"),
        (r#"{"apiKey": "k"}"#, "dangerouslyAllowBrowser"),
        // Reducto's cloud without a key, as the official SDK refuses it.
        (r#"{}"#, "options.apiKey"),
        (r#"{"environment": "eu"}"#, "options.apiKey"),
        (r#"{"apiKey": ""}"#, "options.apiKey"),
    ] {
        let error = Reducto::new(json(options)).err().expect(options);
        assert!(error.has_type::<ReductoError>());
        assert_names(&message(&error), named);
        assert!(!message(&error).contains("\"k\""), "the key is never echoed");
    }
    let allowed = r#"{"apiKey": "k", "environment": "eu", "dangerouslyAllowBrowser": true}"#;
    assert!(Reducto::new(json(allowed)).is_ok());
    assert!(Reducto::new(json(r#"{"apiKey": "k", "baseURL": "http://127.0.0.1:1"}"#)).is_ok());
}
