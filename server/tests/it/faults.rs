//! Fault injection (`--enable-faults`) over a real socket with a real HTTP client: each kind
//! of scripted response as a client sees it, the request log, and clearing.

use std::time::Duration;

use crate::common::{Live, Server};
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn live() -> Live {
    Live::start(|c| c.enable_faults = true).await
}

/// The key a keyed server of these tests takes; a keyless one ignores it.
const KEY: &str = "sekrit-key-0123456";

async fn script(http: &reqwest::Client, live: &Live, method: &str, path: &str, responses: Value) -> Value {
    let reply = http
        .post(live.at("/_faults"))
        .bearer_auth(KEY)
        .json(&json!({"method": method, "path": path, "responses": responses}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    reply.json().await.unwrap()
}

async fn requests(http: &reqwest::Client, live: &Live) -> Vec<Value> {
    http.get(live.at("/_faults/requests")).bearer_auth(KEY).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn without_the_flag_there_is_no_fault_api() {
    let s = Server::new().await;
    for uri in ["/_faults", "/_faults/requests"] {
        s.get(uri).await.expect(StatusCode::NOT_FOUND);
    }
    s.post("/_faults", json!({"method": "GET", "path": "/version", "responses": [{"status": 503}]}))
        .await
        .expect(StatusCode::NOT_FOUND);
    let version = s.get("/version").await;
    assert_eq!(version.header("connection"), "", "no fault layer, no forced Connection: close");
}

#[tokio::test]
async fn scripted_statuses_headers_and_bodies_come_first_then_the_real_route() {
    let live = live().await;
    let http = reqwest::Client::new();
    let queued = script(
        &http,
        &live,
        "get",
        "/version",
        json!([
            {"status": 503, "headers": {"retry-after": "1", "x-should-retry": "true"}, "body": {"detail": "busy"}},
            {"status": 502, "body": "<html>Bad gateway</html>", "content_type": "text/html"},
        ]),
    )
    .await;
    assert_eq!(queued, json!({"queued": 2}));

    let first =
        http.get(live.at("/version?x=1")).header("origin", "http://localhost:5173").send().await.unwrap();
    assert_eq!(first.status(), 503);
    assert_eq!(first.headers()["retry-after"], "1");
    assert_eq!(first.headers()["x-should-retry"], "true");
    assert_eq!(first.headers()["content-type"], "application/json");
    assert_eq!(
        first.headers()["access-control-allow-origin"],
        "http://localhost:5173",
        "scripted responses carry CORS headers"
    );
    assert_eq!(first.json::<Value>().await.unwrap(), json!({"detail": "busy"}));

    let second = http.get(live.at("/version")).send().await.unwrap();
    assert_eq!(second.status(), 502);
    assert_eq!(second.headers()["content-type"], "text/html");
    assert_eq!(second.text().await.unwrap(), "<html>Bad gateway</html>");

    let real = http.get(live.at("/version")).send().await.unwrap();
    assert_eq!(real.status(), 200, "the queue is empty: the real route answers");
    assert!(real.json::<String>().await.unwrap().starts_with("reducto-local "));

    let other_method = http.post(live.at("/version")).send().await.unwrap();
    assert_eq!(other_method.status(), 405, "queues are per method and path");
    live.stop().await;
}

#[tokio::test]
async fn a_drop_is_a_network_error_not_a_response() {
    let live = live().await;
    let http = reqwest::Client::new();
    script(&http, &live, "POST", "/pipeline", json!([{"drop": true}])).await;
    let dropped = http.post(live.at("/pipeline")).json(&json!({"input": "x"})).send().await;
    let error = dropped.expect_err("a dropped connection gives no response");
    assert!(error.status().is_none() && !error.is_timeout(), "{error:?}");

    let next = http.post(live.at("/pipeline")).json(&json!({})).send().await.unwrap();
    assert_eq!(next.status(), 422, "the next request reaches the real route");
    let log = requests(&http, &live).await;
    let faulted: Vec<bool> = log.iter().map(|r| r["faulted"].as_bool().unwrap()).collect();
    assert_eq!(faulted, [true, false]);
    live.stop().await;
}

#[tokio::test]
async fn delays_hold_the_response_until_the_client_gives_up() {
    let live = live().await;
    let http = reqwest::Client::new();
    script(&http, &live, "GET", "/version", json!([{"status": 200, "body": "late", "delay_ms": 5000}])).await;
    let waited = http.get(live.at("/version")).timeout(Duration::from_millis(200)).send().await;
    assert!(waited.expect_err("the client times out first").is_timeout());
    live.stop().await;
}

#[tokio::test]
async fn passthrough_hands_the_request_to_the_real_route() {
    let live = live().await;
    let http = reqwest::Client::new();
    script(&http, &live, "GET", "/version", json!([{"passthrough": true, "delay_ms": 50}])).await;
    let reply = http.get(live.at("/version")).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    assert!(reply.json::<String>().await.unwrap().starts_with("reducto-local "));
    assert_eq!(requests(&http, &live).await[0]["faulted"], true);
    live.stop().await;
}

#[tokio::test]
async fn the_request_log_records_every_header_but_never_a_secret() {
    let live = Live::start(|c| {
        c.enable_faults = true;
        c.api_keys = vec![KEY.into()];
    })
    .await;
    let http = reqwest::Client::new();
    // The fault API needs the key, but a scripted response comes before the key check.
    let keyless = http.post(live.at("/_faults")).json(&json!({})).send().await.unwrap();
    assert_eq!(keyless.status(), 401, "scripting a keyed server takes its key");
    script(&http, &live, "GET", "/jobs", json!([{"status": 429, "headers": {"retry-after-ms": "10"}}])).await;
    let limited = http.get(live.at("/jobs")).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    let unauthorized =
        http.get(live.at("/jobs?limit=5&api_key=sekrit-in-url&x-auth=2")).send().await.unwrap();
    assert_eq!(unauthorized.status(), 401, "no script left: the key check applies again");
    let ok = http
        .post(live.at("/upload?extension=pdf"))
        .bearer_auth(KEY)
        .header("x-api-key", "sekrit-other")
        .header("x-team", "docs")
        .header("x-auth-token", "sekrit-token")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    // A CORS preflight is not a request of the client's own.
    http.request(reqwest::Method::OPTIONS, live.at("/jobs"))
        .header("origin", "http://page.test")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();

    let log = requests(&http, &live).await;
    assert_eq!(log.len(), 3, "{log:?}");
    let (first, second, third) = (&log[0], &log[1], &log[2]);
    assert_eq!(
        (&first["method"], &first["path"], &first["query"]),
        (&json!("GET"), &json!("/jobs"), &Value::Null)
    );
    assert_eq!((&first["headers"]["authorization"], &first["faulted"]), (&Value::Null, &json!(true)));
    assert_eq!(
        (&second["query"], &second["faulted"]),
        (&json!("limit=5&api_key=[redacted]&x-auth=[redacted]"), &json!(false)),
        "a key put in the URL is not logged"
    );
    assert_eq!(
        (&third["method"], &third["headers"]["authorization"], &third["content_length"]),
        (&json!("POST"), &json!("Bearer [redacted]"), &json!(2))
    );
    assert_eq!(third["headers"]["x-api-key"], json!("[redacted]"));
    assert_eq!(third["headers"]["x-auth-token"], json!("[redacted]"));
    assert_eq!(third["headers"]["x-team"], json!("docs"), "other headers are logged as sent");
    assert_eq!(third["headers"]["content-type"], json!("application/json"));
    assert_eq!(first["content_length"], Value::Null);
    let times: Vec<f64> = log.iter().map(|r| r["at_ms"].as_f64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains("sekrit"), "the key never appears in the log");
    live.stop().await;
}

#[tokio::test]
async fn delete_clears_queues_log_and_engine_settings() {
    let live = live().await;
    let http = reqwest::Client::new();
    script(&http, &live, "GET", "/version", json!([{"status": 500}])).await;
    let engine =
        http.post(live.at("/_faults/engine")).json(&json!({"page_delay_ms": 5000})).send().await.unwrap();
    assert_eq!(engine.status(), 200);
    assert_eq!(live.state.faults.page_delay(), Duration::from_secs(5));
    http.get(live.at("/studio/pipelines")).send().await.unwrap();

    let cleared = http.delete(live.at("/_faults")).send().await.unwrap();
    assert_eq!(cleared.status(), 200);
    assert_eq!(live.state.faults.page_delay(), Duration::ZERO);
    assert_eq!(requests(&http, &live).await, Vec::<Value>::new());
    let version = http.get(live.at("/version")).send().await.unwrap();
    assert_eq!(version.status(), 200, "the scripted 500 was cleared");
    live.stop().await;
}

#[tokio::test]
async fn bad_scripts_are_422s() {
    let s = Server::with(|c| c.enable_faults = true).await;
    let cases = [
        (
            json!({"method": "GET", "path": "/version", "responses": [{"status": 99}]}),
            json!(["body", "responses", 0, "status"]),
        ),
        (
            json!({"method": "GET", "path": "/version", "responses": [{"status": 101}]}),
            json!(["body", "responses", 0, "status"]),
        ),
        (
            json!({"method": "GET", "path": "/version", "responses": [{"delay_ms": u64::MAX}]}),
            json!(["body", "responses", 0, "delay_ms"]),
        ),
        (
            json!({"method": "GET", "path": "/version", "responses": [{"drop": true, "passthrough": true}]}),
            json!(["body", "responses", 0, "drop"]),
        ),
        (
            json!({"method": "GET", "path": "/version", "responses": [{"stauts": 500}]}),
            json!(["body", "responses", 0, "stauts"]),
        ),
        (json!({"method": "GET", "path": "version", "responses": []}), json!(["body", "path"])),
        (json!({"method": "GET", "path": "/_faults", "responses": []}), json!(["body", "path"])),
        (json!({"method": "G T", "path": "/version", "responses": []}), json!(["body", "method"])),
        (
            json!({"method": "GET", "path": "/version", "responses": [{"headers": {"bad header": "x"}}]}),
            json!(["body", "responses", 0, "headers", "bad header"]),
        ),
    ];
    for (script, loc) in cases {
        let reply = s.post("/_faults", script.clone()).await;
        assert_eq!(reply.validation()["loc"], loc, "{script}");
    }
}

#[tokio::test]
async fn with_a_key_no_page_may_script_the_server_and_no_script_stands_in_for_a_page() {
    let live = Live::start(|c| {
        c.enable_faults = true;
        c.api_keys = vec![KEY.into()];
    })
    .await;
    std::fs::create_dir_all(live.dir.path().join("www")).unwrap();
    std::fs::write(live.dir.path().join("www/studio.html"), "<h1>The real Studio</h1>").unwrap();
    let http = reqwest::Client::new();
    let preflight = http
        .request(reqwest::Method::OPTIONS, live.at("/_faults"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,authorization")
        .send()
        .await
        .unwrap();
    assert!(
        preflight.headers().get("access-control-allow-origin").is_none(),
        "no page is granted the fault API"
    );
    let api = http
        .request(reqwest::Method::OPTIONS, live.at("/version"))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["access-control-allow-origin"], "https://app.example", "the API itself is");

    let refused = http
        .post(live.at("/_faults"))
        .bearer_auth(KEY)
        .json(&json!({"method": "GET", "path": "/studio.html", "responses": [{"status": 200, "body": "<script>steal()</script>"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 200, "scripts are queued for any path");
    let page = http.get(live.at("/studio.html")).send().await.unwrap().text().await.unwrap();
    assert_eq!(page, "<h1>The real Studio</h1>", "but a page is always the page");
    live.stop().await;
}
