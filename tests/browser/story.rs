//! The story the project makes real: deploy a pipeline, run it by ID, and only deploys change
//! what callers get.

use gloo_net::http::Method;
use js_sys::{Array, Object, Reflect};
use reducto_wasm::Reducto;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::*;

fn run_params(input: &JsValue, pipeline_id: &str) -> JsValue {
    let params = Object::new();
    Reflect::set(&params, &"input".into(), input).unwrap();
    Reflect::set(&params, &"pipeline_id".into(), &pipeline_id.into()).unwrap();
    params.into()
}

async fn run(client: &Reducto, input: &JsValue, pipeline_id: &str) -> Result<JsValue, JsValue> {
    resolve(client.pipeline().run(run_params(input, pipeline_id), JsValue::UNDEFINED)).await
}

fn chunk_count(result: &JsValue) -> u32 {
    Array::from(&get(result, "result.parse.result.chunks")).length()
}

#[wasm_bindgen_test]
async fn a_deployed_pipeline_runs_by_id_and_only_deploys_change_what_callers_get() {
    let client = local_client();
    let steps = r#"{"parse": {"options": {"chunking": {"chunk_mode": "disabled"}}}}"#;
    let pipeline =
        studio(server_url(), Method::POST, "", &format!(r#"{{"name": "story", "steps": {steps}}}"#)).await;
    let pipeline_id = get(&pipeline, "id").as_string().unwrap();
    let upload =
        resolve(client.upload(pdf_file().into(), JsValue::UNDEFINED)).await.expect("upload succeeds");
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

    studio(server_url(), Method::POST, &format!("/{pipeline_id}/deploy"), r#"{"version_name": "one chunk"}"#)
        .await;
    let v1 = run(&client, &upload, &pipeline_id).await.expect("v1 runs");
    assert_eq!(get(&v1, "usage.num_pages"), 4);
    assert_eq!(get(&v1, "result.parse.usage.num_pages"), 4);
    assert_eq!(chunk_count(&v1), 1, "v1 returns the whole document as one chunk");

    let draft = r#"{"steps": {"parse": {"options": {"chunking": {"chunk_mode": "page"}}}}}"#;
    studio(server_url(), Method::PUT, &format!("/{pipeline_id}/draft"), draft).await;
    let after_edit = run(&client, &upload, &pipeline_id).await.expect("still runs v1");
    assert_eq!(chunk_count(&after_edit), 1, "an edit that was not deployed is never seen by callers");

    let v2 = studio(
        server_url(),
        Method::POST,
        &format!("/{pipeline_id}/deploy"),
        r#"{"version_name": "per page"}"#,
    )
    .await;
    assert_eq!(get(&v2, "version"), 2);
    let after_redeploy = run(&client, &upload, &pipeline_id).await.expect("v2 runs");
    assert_eq!(chunk_count(&after_redeploy), 4, "the redeploy is live under the same ID: one chunk per page");

    let unknown = run(&client, &upload, "0000000000000000000000000000zzzz").await.expect_err("unknown id");
    assert!(unknown.has_type::<NotFoundError>(), "expected NotFoundError, got {}", message(&unknown));
    assert_eq!(get(&unknown, "status"), 404);
}

#[wasm_bindgen_test]
async fn a_file_input_is_uploaded_then_run() {
    let pipeline_id = deployed_pipeline(server_url(), r#"{"parse": {}}"#).await;
    let result = run(&local_client(), &pdf_file().into(), &pipeline_id).await.expect("runs a File input");
    assert_eq!(get(&result, "usage.num_pages"), 4);
    let first_chunk = get(&result, "result.parse.result.chunks").unchecked_into::<Array>().get(0);
    let content = get(&first_chunk, "content").as_string().unwrap();
    assert!(
        content.starts_with("Hello, here is some text without a meaning."),
        "the text layer was read: {content}"
    );
}

#[wasm_bindgen_test]
async fn parse_runs_on_its_own_too() {
    let client = local_client();
    let upload = resolve(client.upload(pdf_file().into(), JsValue::UNDEFINED)).await.unwrap();
    let params = json(&format!(
        r#"{{"input": "{}", "retrieval": {{"chunking": {{"chunk_mode": "page"}}}}}}"#,
        get(&upload, "file_id").as_string().unwrap()
    ));
    let parsed = resolve(client.parse().run(params, JsValue::UNDEFINED)).await.expect("parse runs");
    assert_eq!(get(&parsed, "usage.num_pages"), 4);
    assert_eq!(get(&parsed, "result.chunks").unchecked_into::<Array>().length(), 4);
}

#[wasm_bindgen_test]
async fn api_version_names_the_server() {
    let version = resolve(local_client().api_version(JsValue::UNDEFINED)).await.expect("version");
    assert!(version.as_string().unwrap().contains("reducto-local"), "{version:?}");
}

#[wasm_bindgen_test]
async fn a_wrong_or_missing_api_key_is_an_authentication_error() {
    let (Some(url), Some(key)) = (option_env!("REDUCTO_TEST_AUTH_URL"), option_env!("REDUCTO_TEST_API_KEY"))
    else {
        panic!("REDUCTO_TEST_AUTH_URL and REDUCTO_TEST_API_KEY are not set: run with `npm test`");
    };
    let wrong = client_with(&format!(r#"{{"baseURL": "{url}", "apiKey": "not-the-key"}}"#));
    let error = resolve(wrong.api_version(JsValue::UNDEFINED)).await.unwrap_err();
    assert!(error.has_type::<AuthenticationError>(), "expected AuthenticationError, got {}", message(&error));
    assert_eq!(get(&error, "status"), 401);
    assert!(!message(&error).contains("not-the-key"), "the key never appears in messages");

    let right = client_with(&format!(r#"{{"baseURL": "{url}", "apiKey": "{key}"}}"#));
    assert!(resolve(right.api_version(JsValue::UNDEFINED)).await.is_ok());
}
