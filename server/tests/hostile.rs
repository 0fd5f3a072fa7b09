//! Hostile requests and documents, each with the status and detail the server must answer, and
//! the server still answering `/version` after every one. The server is keyless and guards URL
//! inputs, as `reducto-local` starts by default on a developer's laptop.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::Server;
use serde_json::{json, Value};

/// One hostile case: the request, and what the answer must be.
struct Case {
    what: &'static str,
    request: Request<Body>,
    status: StatusCode,
    /// A piece of the `detail` that says why.
    detail: &'static str,
}

fn request(method: Method, uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

fn parse_url(url: &str) -> Request<Body> {
    request(
        Method::POST,
        "/parse",
        &[("content-type", "application/json")],
        json!({ "input": url }).to_string(),
    )
}

fn detail_text(body: &Value) -> String {
    match &body["detail"] {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

async fn guarded_server() -> Server {
    Server::with(|c| c.allow_private_urls = false).await
}

#[tokio::test]
async fn hostile_requests_get_a_clear_4xx_and_the_server_keeps_answering() {
    let s = guarded_server().await;
    let steps = json!({"name": "evil", "steps": {"parse": {}}}).to_string();
    let forty_mb = format!("{{\"input\": \"{}\"}}", "a".repeat(40 << 20));
    let cases = vec![
        Case {
            what: "a cross-site simple POST (text/plain, no preflight)",
            request: request(
                Method::POST,
                "/studio/pipelines",
                &[("origin", "https://evil.example"), ("content-type", "text/plain")],
                steps.clone(),
            ),
            status: StatusCode::FORBIDDEN,
            detail: "Origin 'https://evil.example' may not call this server",
        },
        Case {
            what: "a cross-site GET of every job",
            request: request(Method::GET, "/jobs", &[("origin", "https://evil.example")], Body::empty()),
            status: StatusCode::FORBIDDEN,
            detail: "may not call this server",
        },
        Case {
            what: "a foreign preflight",
            request: request(
                Method::OPTIONS,
                "/studio/pipelines",
                &[("origin", "https://evil.example"), ("access-control-request-method", "POST")],
                Body::empty(),
            ),
            status: StatusCode::FORBIDDEN,
            detail: "may not call this server",
        },
        Case {
            what: "a sandboxed page (Origin: null)",
            request: request(Method::GET, "/version", &[("origin", "null")], Body::empty()),
            status: StatusCode::FORBIDDEN,
            detail: "Origin 'null'",
        },
        Case {
            what: "a rebinding Host",
            request: request(Method::GET, "/jobs", &[("host", "rebind.evil.example:8080")], Body::empty()),
            status: StatusCode::FORBIDDEN,
            detail: "Host 'rebind.evil.example:8080' is not this server",
        },
        Case {
            what: "JSON sent as text/plain, even from loopback",
            request: request(
                Method::POST,
                "/studio/pipelines",
                &[("content-type", "text/plain")],
                steps.clone(),
            ),
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            detail: "Content-Type must be application/json, got 'text/plain'",
        },
        Case {
            what: "a 40 MB JSON body",
            request: request(Method::POST, "/parse", &[("content-type", "application/json")], forty_mb),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            detail: "JSON bodies are limited to 10 MB",
        },
        Case {
            what: "a URL input to loopback",
            request: parse_url("http://127.0.0.1:9/secret.pdf"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "is a loopback address",
        },
        Case {
            what: "a URL input to a private network",
            request: parse_url("http://10.0.0.1/intranet.pdf"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "is a private address",
        },
        Case {
            what: "a URL input to the cloud metadata service",
            request: parse_url("http://169.254.169.254/latest/meta-data/"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "is a link-local address",
        },
        Case {
            what: "a URL input to IPv6 loopback",
            request: parse_url("http://[::1]:8080/a.pdf"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "is a loopback address",
        },
        Case {
            what: "a URL input whose name resolves to loopback",
            request: parse_url("http://localhost:9/a.pdf"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "localhost is a loopback address",
        },
    ];
    for case in cases {
        let reply = s.send(case.request).await;
        assert_eq!(reply.status, case.status, "{}: {}", case.what, reply.body);
        let detail = detail_text(&reply.body);
        assert!(detail.contains(case.detail), "{}: the detail says why: {detail}", case.what);
        assert!(
            reply.header("access-control-allow-origin").is_empty(),
            "{}: nothing is granted to a refused caller",
            case.what
        );
        s.get("/version").await.expect(StatusCode::OK);
    }
    let pipelines = s.get("/studio/pipelines").await;
    assert_eq!(pipelines.body, json!([]), "no refused request created anything");
}

#[tokio::test]
async fn loopback_pages_allowed_origins_and_keyed_servers_are_answered() {
    let s = Server::with(|c| c.allow_origins = vec!["https://app.example.com".into()]).await;
    for origin in
        ["http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000", "https://app.example.com"]
    {
        let reply = s
            .send(request(
                Method::GET,
                "/version",
                &[("origin", origin), ("host", "127.0.0.1:8080")],
                Body::empty(),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{origin}: {}", reply.body);
        assert_eq!(reply.header("access-control-allow-origin"), origin, "CORS grants {origin}");
    }
    for host in ["localhost:8080", "127.0.0.1", "[::1]:8080", "studio.localhost:8080"] {
        s.send(request(Method::GET, "/version", &[("host", host)], Body::empty()))
            .await
            .expect(StatusCode::OK);
    }

    let keyed = Server::with(|c| c.api_keys = vec!["a-key-of-sixteen-chars".into()]).await;
    let reply = keyed
        .send(request(
            Method::GET,
            "/version",
            &[("origin", "https://any.example"), ("authorization", "Bearer a-key-of-sixteen-chars")],
            Body::empty(),
        ))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "with a key, any origin may call: the key is the credential");
    assert_eq!(reply.header("access-control-allow-origin"), "https://any.example");
}
