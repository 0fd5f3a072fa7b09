//! The transport against a real server whose next responses a test scripts (`--enable-faults`):
//! retries and their count, Retry-After, timeouts, aborts, dropped connections, error classes.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::AbortController;

use crate::*;

async fn version(client: &reducto_wasm::Reducto, request_options: &str) -> Result<JsValue, JsValue> {
    resolve(client.api_version(options(request_options))).await
}

fn at_ms(request: &JsValue) -> f64 {
    get(request, "at_ms").as_f64().unwrap()
}

#[wasm_bindgen_test]
async fn server_errors_are_retried_until_one_succeeds() {
    reset_faults().await;
    script("GET", "/version", r#"[{"status": 503, "headers": {"retry-after-ms": "10"}}, {"status": 500, "headers": {"retry-after-ms": "10"}}]"#).await;
    let version = version(&faults_client(""), "{}").await.expect("the third attempt succeeds");
    assert!(version.as_string().unwrap().contains("reducto-local"));
    assert_eq!(requests_to("/version").await.len(), 3, "two retries, as maxRetries defaults to 2");
}

#[wasm_bindgen_test]
async fn retries_stop_at_max_retries_with_the_last_error() {
    reset_faults().await;
    let fail = r#"{"status": 502, "headers": {"retry-after-ms": "5"}, "body": {"detail": "upstream down"}}"#;
    script("GET", "/version", &format!("[{fail}, {fail}, {fail}, {fail}]")).await;
    let error = version(&faults_client(r#""maxRetries": 1"#), "{}").await.unwrap_err();
    assert!(error.has_type::<InternalServerError>(), "{}", message(&error));
    assert_eq!(get(&error, "status"), 502);
    assert_eq!(message(&error), "upstream down");
    assert_eq!(requests_to("/version").await.len(), 2, "maxRetries: 1 means two attempts");

    reset_faults().await;
    script("GET", "/version", &format!("[{fail}]")).await;
    assert!(version(&faults_client(""), r#"{"maxRetries": 0}"#).await.is_err());
    assert_eq!(requests_to("/version").await.len(), 1, "a request's maxRetries wins over the client's");
}

#[wasm_bindgen_test]
async fn client_errors_are_not_retried_unless_the_server_says_so() {
    reset_faults().await;
    script("GET", "/version", r#"[{"status": 400, "body": {"detail": "bad"}}]"#).await;
    let error = version(&faults_client(""), "{}").await.unwrap_err();
    assert!(error.has_type::<BadRequestError>());
    assert_eq!(requests_to("/version").await.len(), 1, "400 is not retried");

    reset_faults().await;
    script("GET", "/version", r#"[{"status": 503, "headers": {"x-should-retry": "false"}}]"#).await;
    assert!(version(&faults_client(""), "{}").await.unwrap_err().has_type::<InternalServerError>());
    assert_eq!(requests_to("/version").await.len(), 1, "x-should-retry: false wins over 503");

    reset_faults().await;
    script(
        "GET",
        "/version",
        r#"[{"status": 400, "headers": {"x-should-retry": "true", "retry-after-ms": "5"}}]"#,
    )
    .await;
    assert!(version(&faults_client(""), "{}").await.is_ok());
    assert_eq!(requests_to("/version").await.len(), 2, "x-should-retry: true retries even a 400");
}

#[wasm_bindgen_test]
async fn retry_after_in_seconds_and_as_a_date_set_the_wait() {
    reset_faults().await;
    script("GET", "/version", r#"[{"status": 429, "headers": {"retry-after": "1"}}]"#).await;
    version(&faults_client(""), "{}").await.expect("succeeds after the wait");
    let attempts = requests_to("/version").await;
    let waited = at_ms(&attempts[1]) - at_ms(&attempts[0]);
    assert!(waited >= 950.0, "waited {waited} ms for retry-after: 1");

    reset_faults().await;
    // An HTTP date has whole seconds: the call may not end before that date, by the page's
    // clock, however long the setup took.
    let date =
        String::from(js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + 3_000.0)).to_utc_string());
    script("GET", "/version", &format!(r#"[{{"status": 503, "headers": {{"retry-after": "{date}"}}}}]"#))
        .await;
    let until = js_sys::Date::parse(&date);
    let ahead = until - js_sys::Date::now();
    assert!(ahead > 500.0, "the date is still {ahead} ms ahead when the call starts");
    version(&faults_client(""), "{}").await.expect("succeeds after the wait");
    let early = until - js_sys::Date::now();
    assert!(early < 50.0, "the retry came {early} ms before the date");
    assert_eq!(requests_to("/version").await.len(), 2);
}

/// A POST, because a browser may itself send a GET again on a connection that was dropped
/// (Firefox does), which would hide what the client does.
#[wasm_bindgen_test]
async fn a_dropped_connection_is_retried_and_then_a_connection_error() {
    let run = |request_options: &str| {
        let params = json(r#"{"input": "reducto://dropped.pdf", "pipeline_id": "p"}"#);
        resolve(faults_client("").pipeline().run(params, options(request_options)))
    };
    reset_faults().await;
    script(
        "POST",
        "/pipeline",
        r#"[{"drop": true}, {"status": 404, "body": {"detail": "Pipeline 'p' not found"}}]"#,
    )
    .await;
    let answered = run("{}").await.unwrap_err();
    assert!(answered.has_type::<NotFoundError>(), "the retry gets through: {}", message(&answered));
    assert_eq!(requests_to("/pipeline").await.len(), 2);

    reset_faults().await;
    script("POST", "/pipeline", r#"[{"drop": true}]"#).await;
    let error = run(r#"{"maxRetries": 0}"#).await.unwrap_err();
    assert!(
        error.has_type::<APIConnectionError>() && !error.has_type::<APIConnectionTimeoutError>(),
        "{}",
        message(&error)
    );
    assert!(message(&error).contains(faults_url()), "names where it failed: {}", message(&error));
    assert_eq!(requests_to("/pipeline").await.len(), 1, "sent once");
}

#[wasm_bindgen_test]
async fn an_attempt_that_takes_too_long_times_out() {
    reset_faults().await;
    script("GET", "/version", r#"[{"passthrough": true, "delay_ms": 3000}]"#).await;
    let error = version(&faults_client(""), r#"{"timeout": 200, "maxRetries": 0}"#).await.unwrap_err();
    assert!(error.has_type::<APIConnectionTimeoutError>(), "{}", message(&error));
    assert!(error.has_type::<APIConnectionError>(), "a timeout is a connection error");
    assert!(message(&error).contains("200 ms"), "{}", message(&error));

    reset_faults().await;
    script("GET", "/version", r#"[{"passthrough": true, "delay_ms": 3000}]"#).await;
    assert!(
        version(&faults_client(r#""timeout": 200"#), "{}").await.is_ok(),
        "the timed-out attempt is retried"
    );
}

#[wasm_bindgen_test]
async fn the_callers_signal_aborts_without_retrying() {
    reset_faults().await;
    script("GET", "/version", r#"[{"passthrough": true, "delay_ms": 3000}]"#).await;
    let controller = AbortController::new().unwrap();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let pending = faults_client("").api_version(options.clone().into());
    abort_after(&controller, 100);
    let error = resolve(pending).await.unwrap_err();
    assert!(error.has_type::<APIUserAbortError>(), "{}", message(&error));
    assert_eq!(requests_to("/version").await.len(), 1, "an abort is never retried");

    // An abort during the wait between attempts ends the call too, long before the wait would.
    reset_faults().await;
    script("GET", "/version", r#"[{"status": 503, "headers": {"retry-after": "30"}}]"#).await;
    let controller = AbortController::new().unwrap();
    js_sys::Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let pending = faults_client("").api_version(options.clone().into());
    abort_after(&controller, 300);
    assert!(resolve(pending).await.unwrap_err().has_type::<APIUserAbortError>());

    let error = resolve(faults_client("").api_version(options.into())).await.unwrap_err();
    assert!(error.has_type::<APIUserAbortError>(), "an already-aborted signal sends nothing");
}

#[wasm_bindgen_test]
async fn every_status_becomes_its_error_class_with_the_servers_detail() {
    reset_faults().await;
    let client = faults_client(r#""maxRetries": 0"#);
    let cases: [(u16, fn(&JsValue) -> bool); 8] = [
        (400, |e| e.has_type::<BadRequestError>()),
        (401, |e| e.has_type::<AuthenticationError>()),
        (403, |e| e.has_type::<PermissionDeniedError>()),
        (404, |e| e.has_type::<NotFoundError>()),
        (409, |e| e.has_type::<ConflictError>()),
        (422, |e| e.has_type::<UnprocessableEntityError>()),
        (429, |e| e.has_type::<RateLimitError>()),
        (500, |e| e.has_type::<InternalServerError>()),
    ];
    for (status, is_class) in cases {
        script("GET", "/version", &format!(r#"[{{"status": {status}, "body": {{"detail": "detail of {status}"}}, "headers": {{"x-request-id": "r{status}"}}}}]"#)).await;
        let error = version(&client, "{}").await.unwrap_err();
        assert!(is_class(&error), "{status} → {}", get(&error, "name").as_string().unwrap());
        assert!(
            error.has_type::<APIError>()
                && error.has_type::<ReductoError>()
                && error.is_instance_of::<js_sys::Error>()
        );
        assert_eq!(get(&error, "status"), status);
        assert_eq!(message(&error), format!("detail of {status}"));
        assert_eq!(get(&error, "body.detail").as_string().unwrap(), format!("detail of {status}"));
        assert_eq!(get(&error, "headers.x-request-id").as_string().unwrap(), format!("r{status}"));
        assert!(
            get(&error, "stack").as_string().is_some_and(|stack| !stack.is_empty()),
            "errors have a stack"
        );
    }
}

#[wasm_bindgen_test]
async fn bodies_that_are_not_json_still_give_clear_errors() {
    reset_faults().await;
    let client = faults_client(r#""maxRetries": 0"#);
    script(
        "GET",
        "/version",
        r#"[{"status": 502, "content_type": "text/html", "body": "<html><body>Bad Gateway</body></html>"}]"#,
    )
    .await;
    let error = version(&client, "{}").await.unwrap_err();
    assert!(error.has_type::<InternalServerError>(), "{}", message(&error));
    assert_eq!(get(&error, "status"), 502);
    assert_eq!(message(&error), "502 Bad Gateway (text/html): <html><body>Bad Gateway</body></html>");
    assert_eq!(get(&error, "body").as_string().unwrap(), "<html><body>Bad Gateway</body></html>");

    script("GET", "/version", r#"[{"status": 422, "body": {"detail": [{"loc": ["body", "pipeline_id"], "msg": "Field required", "type": "missing"}]}}]"#).await;
    let error = version(&client, "{}").await.unwrap_err();
    assert!(error.has_type::<UnprocessableEntityError>());
    assert_eq!(message(&error), "Invalid request: body.pipeline_id: Field required");

    // Nothing listens on port 9 (discard): no answer at all.
    let unreachable = client_with(r#"{"baseURL": "http://127.0.0.1:9", "maxRetries": 0}"#);
    let error = version(&unreachable, "{}").await.unwrap_err();
    assert!(error.has_type::<APIConnectionError>(), "{}", message(&error));
    assert!(message(&error).contains("127.0.0.1:9"), "{}", message(&error));
}

#[wasm_bindgen_test]
async fn a_success_that_says_json_and_is_not_is_an_error_not_retried() {
    reset_faults().await;
    script(
        "GET",
        "/version",
        r#"[{"status": 200, "content_type": "application/json", "body": "<html>maintenance</html>"}]"#,
    )
    .await;
    let error = version(&faults_client(""), "{}").await.unwrap_err();
    assert!(
        error.has_type::<ReductoError>() && !error.has_type::<APIConnectionError>(),
        "{}",
        message(&error)
    );
    let text = message(&error);
    assert!(
        text.contains("/version answered 200 with a JSON content type, but its body is not JSON"),
        "{text}"
    );
    assert_eq!(requests_to("/version").await.len(), 1, "a broken answer is not asked for again");

    // A success of another type keeps its text; an empty one is null.
    script("GET", "/version", r#"[{"status": 200, "content_type": "text/plain", "body": "plain words"}]"#)
        .await;
    assert_eq!(version(&faults_client(""), "{}").await.unwrap().as_string().unwrap(), "plain words");
    script("GET", "/version", r#"[{"status": 200, "content_type": "text/plain", "body": ""}]"#).await;
    assert!(version(&faults_client(""), "{}").await.unwrap().is_null());
}

#[wasm_bindgen_test]
async fn the_key_and_headers_go_to_the_api_only() {
    reset_faults().await;
    let client =
        faults_client(r#""apiKey": "secret-key", "defaultHeaders": {"x-team": "docs", "x-trace": "0"}"#);
    version(&client, r#"{"headers": {"x-trace": "1"}}"#).await.unwrap();
    let request = &requests_to("/version").await[0];
    let sent: Vec<(&str, &str)> = vec![
        ("accept", "application/json"),
        ("authorization", "Bearer [redacted]"),
        ("x-team", "docs"),
        ("x-trace", "1"),
    ];
    let expected = sent.into_iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
    assert_eq!(
        client_headers(request),
        expected,
        "the API gets the key, the client's headers and the call's, which win"
    );
}
