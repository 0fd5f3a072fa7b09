//! The presigned upload flow: `POST /upload` with no file → `{file_id, presigned_url}`, then
//! one `PUT` of the bytes to that URL (no API key, single use, expiring, size-limited).

use std::time::Duration;

use crate::common::{eventually, fixture, presigned_states, Live, Process, Reply, Server};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

/// Asks for a presigned upload as a caller on `host` would; returns (file_id, URL path).
async fn presign(s: &Server, uri: &str, host: &str) -> (String, String) {
    let reply = s.send(Request::post(uri).header(header::HOST, host).body(Body::empty()).unwrap()).await;
    reply.expect(StatusCode::OK);
    let file_id = reply.body["file_id"].as_str().unwrap().to_owned();
    let url = reply.body["presigned_url"].as_str().unwrap();
    let base = format!("http://{host}");
    let path = url.strip_prefix(&base).unwrap_or_else(|| panic!("{url} is not on {base}")).to_owned();
    (file_id, path)
}

async fn put(s: &Server, path: &str, bytes: Vec<u8>) -> Reply {
    s.send(
        Request::put(path).header(header::CONTENT_TYPE, "application/pdf").body(Body::from(bytes)).unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_presigned_upload_is_put_once_then_used_like_any_file() {
    let s = Server::new().await;
    let (file_id, path) = presign(&s, "/upload?extension=pdf", "localhost:8123").await;
    let token = path.strip_prefix("/upload/presigned/").expect("the URL is on this server");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    let id_token =
        file_id.strip_prefix("reducto://").unwrap().strip_suffix(".pdf").expect("the extension is in the id");
    assert_ne!(id_token, token, "knowing the file id does not let anyone upload");

    let early = s.post("/parse", json!({"input": file_id})).await;
    early.expect(StatusCode::CONFLICT);
    assert!(early.detail().contains("has not completed"), "{}", early.detail());

    let stored = put(&s, &path, fixture("pdflatex-4-pages.pdf")).await;
    stored.expect(StatusCode::OK);
    assert_eq!(stored.body["file_id"], json!(file_id));

    let parsed = s.post("/parse", json!({"input": file_id})).await;
    parsed.expect(StatusCode::OK);
    assert_eq!(parsed.body["usage"]["num_pages"], 4);

    let second = put(&s, &path, b"other bytes".to_vec()).await;
    second.expect(StatusCode::GONE);
    assert!(second.detail().contains("already been used"), "{}", second.detail());
    assert_eq!(second.header("x-should-retry"), "false");
}

#[tokio::test]
async fn the_sdk_forms_of_no_file_also_get_a_presigned_url() {
    let s = Server::new().await;
    // The official SDKs send `{}` as JSON when upload() is called without a file.
    for body in [json!({}), json!({"file": null})] {
        let reply = s.post("/upload", body.clone()).await;
        reply.expect(StatusCode::OK);
        assert!(reply.body["presigned_url"].as_str().unwrap().contains("/upload/presigned/"), "{body}");
        let id = reply.body["file_id"].as_str().unwrap();
        assert!(!id.contains('.'), "no extension was given: {id}");
    }
    // With no Host header (HTTP/1.0), the URL falls back to the configured address.
    let reply = s.send(Request::post("/upload").body(Body::empty()).unwrap()).await;
    assert!(reply.body["presigned_url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:8080/upload/presigned/"));
    // A forged Host cannot smuggle a path or credentials into the URL.
    let (_, path) = presign(&s, "/upload", "127.0.0.1:9").await;
    assert!(path.starts_with("/upload/presigned/"));
    let forged =
        s.send(Request::post("/upload").header(header::HOST, "evil@x/y").body(Body::empty()).unwrap()).await;
    forged.expect(StatusCode::FORBIDDEN);
    // A keyed server answers any Host (the key is the credential), and still keeps it out of URLs.
    let mut keyed = Server::with(|c| c.api_keys = vec!["uploads-test-key-0001".into()]).await;
    keyed.key = Some("uploads-test-key-0001");
    let odd = keyed
        .send(Request::post("/upload").header(header::HOST, "evil@x/y").body(Body::empty()).unwrap())
        .await;
    assert!(
        odd.body["presigned_url"].as_str().unwrap().starts_with("http://127.0.0.1:8080/"),
        "{}",
        odd.body
    );
}

#[tokio::test]
async fn an_extensionless_presigned_pdf_is_sniffed() {
    let s = Server::new().await;
    let (file_id, path) = presign(&s, "/upload", "localhost").await;
    put(&s, &path, fixture("minimal-document.pdf")).await.expect(StatusCode::OK);
    let parsed = s.post("/parse", json!({"input": file_id})).await;
    parsed.expect(StatusCode::OK);
    assert!(parsed.body["result"]["chunks"][0]["content"].as_str().unwrap().starts_with("Lorem ipsum"));
}

#[tokio::test]
async fn the_put_needs_no_api_key_but_the_post_does() {
    let mut s = Server::with(|c| c.api_keys = vec!["k".into()]).await;
    s.send(Request::post("/upload").body(Body::empty()).unwrap()).await.expect(StatusCode::UNAUTHORIZED);
    s.key = Some("k");
    let (file_id, path) = presign(&s, "/upload?extension=txt", "localhost").await;
    s.key = None;
    put(&s, &path, b"Quarterly report.".to_vec()).await.expect(StatusCode::OK);
    s.key = Some("k");
    s.post("/parse", json!({"input": file_id})).await.expect(StatusCode::OK);
}

#[tokio::test]
async fn presigned_urls_expire() {
    let s = Server::with(|c| c.presigned_ttl = Duration::from_millis(200)).await;
    let (file_id, path) = presign(&s, "/upload?extension=pdf", "localhost").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let late = put(&s, &path, fixture("minimal-document.pdf")).await;
    late.expect(StatusCode::GONE);
    assert!(late.detail().contains("expired"), "{}", late.detail());
    let run = s.post("/parse", json!({"input": file_id})).await;
    run.expect(StatusCode::CONFLICT);
    assert!(run.detail().contains("expired"), "{}", run.detail());
}

#[tokio::test]
async fn presigned_uploads_have_a_size_limit() {
    let s = Server::with(|c| c.max_presigned_mb = 1).await;
    let (file_id, path) = presign(&s, "/upload?extension=txt", "localhost").await;
    let too_big = put(&s, &path, vec![b'a'; 1024 * 1024 + 1]).await;
    too_big.expect(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.detail().contains("1 MB"), "{}", too_big.detail());
    // Streamed without a length, the limit is enforced while the bytes arrive.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..3).map(|_| Ok(vec![b'b'; 512 * 1024])).collect();
    let body = Body::from_stream(futures_util::stream::iter(chunks));
    let streamed = s.send(Request::put(path.as_str()).body(body).unwrap()).await;
    streamed.expect(StatusCode::PAYLOAD_TOO_LARGE);
    let files: Vec<_> = std::fs::read_dir(s.dir.path().join("data/files")).unwrap().collect();
    assert!(files.is_empty(), "the partial file is removed: {files:?}");

    // A failed PUT does not spend the URL: the right file can still be sent.
    put(&s, &path, b"Small enough.".to_vec()).await.expect(StatusCode::OK);
    s.post("/parse", json!({"input": file_id})).await.expect(StatusCode::OK);
    let empty = presign(&s, "/upload", "localhost").await;
    let reply = put(&s, &empty.1, Vec::new()).await;
    reply.expect(StatusCode::BAD_REQUEST);
    assert_eq!(reply.detail(), "The uploaded file is empty");
}

#[tokio::test]
async fn unknown_presigned_urls_are_404() {
    let s = Server::new().await;
    for path in ["/upload/presigned/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "/upload/presigned/..%2Fx"] {
        let reply = put(&s, path, b"x".to_vec()).await;
        reply.expect(StatusCode::NOT_FOUND);
        assert_eq!(reply.detail(), "This presigned upload URL is unknown");
    }
}

#[tokio::test]
async fn browsers_may_put_any_content_type_cross_origin() {
    let s = Server::new().await;
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/upload/presigned/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        .header(header::ORIGIN, "http://localhost:5173")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "PUT")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap();
    let reply = s.send(preflight).await;
    assert!(reply.status.is_success(), "preflight answered {}", reply.status);
    assert!(reply.header("access-control-allow-methods").contains("PUT"));
    assert!(reply.header("access-control-allow-headers").to_ascii_lowercase().contains("content-type"));
}

#[tokio::test]
async fn a_large_body_streams_over_a_real_socket() {
    let live = Live::start(|_| {}).await;
    let http = reqwest::Client::new();
    let upload: Value =
        http.post(live.at("/upload?extension=txt")).send().await.unwrap().json().await.unwrap();
    let url = upload["presigned_url"].as_str().unwrap();
    assert!(url.starts_with(&live.url), "{url} is reachable where the caller reached the server");
    // 8 MB in 64 KB pieces, sent chunked: the server never needs it whole.
    let line = "Streaming is how large files arrive.\n".repeat(1800);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..128).map(|_| Ok(line.clone().into_bytes())).collect();
    let total: usize = chunks.iter().map(|c| c.as_ref().unwrap().len()).sum();
    let response = http
        .put(url)
        .header("content-type", "text/plain")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["size"], json!(total));
    let stored = live
        .state
        .store
        .get_upload(&reducto_local::ids::FileId::parse(upload["file_id"].as_str().unwrap()).unwrap());
    assert_eq!(stored.unwrap().unwrap().size, total as u64);
    live.stop().await;
}

#[tokio::test]
async fn a_presigned_url_claimed_by_a_put_the_crash_cut_off_works_again_after_a_restart() {
    use tokio::io::AsyncWriteExt;
    let mut server = Process::start(&[], &[]);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let created: Value =
        http.post(server.at("/upload?extension=txt")).send().await.unwrap().json().await.unwrap();
    let after_scheme = created["presigned_url"].as_str().unwrap().split_once("://").unwrap().1;
    let path = &after_scheme[after_scheme.find('/').unwrap()..];

    // A PUT that announces 1,000 bytes and sends 10: the URL is claimed while it receives.
    let mut stalled = tokio::net::TcpStream::connect(server.url.trim_start_matches("http://")).await.unwrap();
    let head = format!("PUT {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 1000\r\n\r\n0123456789");
    stalled.write_all(head.as_bytes()).await.unwrap();
    let data = server.dir.path().join("data");
    eventually("the PUT claiming the URL", Duration::from_secs(10), || async {
        presigned_states(&data) == ["receiving"]
    })
    .await;

    server.restart();
    assert_eq!(presigned_states(&data), ["waiting"], "the claim is given back at the start");
    let put = http.put(server.at(path)).body("Invoice 12, sent again after the crash").send().await.unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().await.unwrap());
    let (status, parsed) = server.post("/parse", json!({"input": created["file_id"]})).await;
    assert_eq!(status, StatusCode::OK, "{parsed}");
    assert!(parsed.to_string().contains("Invoice 12, sent again after the crash"), "{parsed}");
}
