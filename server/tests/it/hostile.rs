//! Hostile requests and documents, each with the status and detail the server must answer, and
//! the server still answering `/version` after every one. The server is keyless and guards URL
//! inputs, as `reducto-local` starts by default on a developer's laptop.

use crate::common::Server;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
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
            what: "a 9 MB JSON body of a million small objects, which would take gigabytes to parse",
            request: request(
                Method::POST,
                "/pipeline",
                &[("content-type", "application/json")],
                Body::from(format!(
                    r#"{{"input": "x", "pipeline_id": "p", "settings": [{}]}}"#,
                    vec![r#"{"a":1}"#; 1_000_000].join(",")
                )),
            ),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            detail: "JSON bodies may hold at most 100000 objects and arrays",
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
            what: "a URL input to loopback written as IPv4-compatible IPv6",
            request: parse_url("http://[::127.0.0.1]:9/a.pdf"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "is a loopback address",
        },
        Case {
            what: "a URL input to loopback through NAT64",
            request: parse_url("http://[64:ff9b::7f00:1]:9/a.pdf"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "is a loopback address",
        },
        Case {
            what: "a URL input to a private network through 6to4",
            request: parse_url("http://[2002:a00:1::]/a.pdf"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "is a private address",
        },
        Case {
            what: "a method the route does not answer",
            request: request(Method::PUT, "/version", &[], Body::empty()),
            status: StatusCode::METHOD_NOT_ALLOWED,
            detail: "Method Not Allowed",
        },
        Case {
            what: "a method a download does not answer",
            request: request(Method::POST, "/download/some-token", &[], Body::empty()),
            status: StatusCode::METHOD_NOT_ALLOWED,
            detail: "Method Not Allowed",
        },
        Case {
            what: "an upload that says it is far over the limit, refused before it is read",
            request: request(
                Method::POST,
                "/upload",
                &[("content-type", "multipart/form-data; boundary=X"), ("content-length", "1000000000")],
                Body::from("--X\r\n"),
            ),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            detail: "File too large",
        },
        Case {
            what: "a multipart upload without a boundary",
            request: request(
                Method::POST,
                "/upload",
                &[("content-type", "multipart/form-data")],
                Body::from("abc"),
            ),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "Invalid `boundary`",
        },
        Case {
            what: "a Studio body that is an array of the fields, not an object",
            request: request(
                Method::POST,
                "/studio/pipelines",
                &[("content-type", "application/json")],
                Body::from(r#"["x", {"parse": {}}]"#),
            ),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "Input should be a valid dictionary",
        },
        Case {
            what: "a job id that does not decode",
            request: request(Method::GET, "/job/%ff%fe", &[], Body::empty()),
            status: StatusCode::BAD_REQUEST,
            detail: "Invalid UTF-8",
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

/// A workbook whose one sheet has `cells` cells, each the one shared string `text`.
fn xlsx_sharing(text: &str, cells: usize) -> Vec<u8> {
    let row: String = (0..cells).map(|c| format!(r#"<c r="{}1" t="s"><v>0</v></c>"#, column(c))).collect();
    let parts = [
        (
            "xl/workbook.xml",
            r#"<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
                .to_owned(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#
                .to_owned(),
        ),
        ("xl/sharedStrings.xml", format!("<sst><si><t>{text}</t></si></sst>")),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<worksheet><sheetData><row r="1">{row}</row></sheetData></worksheet>"#),
        ),
    ];
    let parts: Vec<(&str, &[u8])> =
        parts.iter().map(|(name, contents)| (*name, contents.as_bytes())).collect();
    crate::common::zip(&parts)
}

/// Column letters: 0 → A, 26 → AA.
fn column(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.insert(0, b'A' + (index % 26) as u8);
        if index < 26 {
            return String::from_utf8(name).unwrap();
        }
        index = index / 26 - 1;
    }
}

/// Text that does not compress, so the archive's ratio limit is not what stops it.
fn incompressible(bytes: usize) -> String {
    let mut state: u32 = 0x2545_f491;
    (0..bytes)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (b'a' + (state % 26) as u8) as char
        })
        .collect()
}

#[tokio::test]
async fn hostile_documents_get_a_4xx_that_says_why_and_the_server_keeps_answering() {
    let s = guarded_server().await;
    let mut wide_csv = ",".repeat(200_000);
    wide_csv.push('\n');
    wide_csv.push_str(&"a\n".repeat(2_000));
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "an 80 KB-wide CSV row beside 2,000 short rows (400 million cells once padded)",
            "csv",
            wide_csv.into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "table too large",
        ),
        (
            "one 1 MB shared string referenced by 70 cells (70 MB of text)",
            "xlsx",
            xlsx_sharing(&incompressible(1 << 20), 70),
            StatusCode::UNPROCESSABLE_ENTITY,
            "table too large",
        ),
        (
            "'&' followed by multibyte text",
            "html",
            "<p>研究&開発部門 &amp; R&D</p>".as_bytes().to_vec(),
            StatusCode::OK,
            "",
        ),
    ];
    for (what, extension, bytes, status, detail) in cases {
        let upload = s
            .upload(&format!("/upload?extension={extension}"), "file", &format!("x.{extension}"), &bytes)
            .await;
        upload.expect(StatusCode::OK);
        let parsed = s.post("/parse", json!({"input": upload.body["file_id"]})).await;
        assert_eq!(parsed.status, status, "{what}: {}", parsed.body);
        assert!(detail_text(&parsed.body).contains(detail), "{what}: {}", parsed.body);
        s.get("/version").await.expect(StatusCode::OK);
    }
    let html = s.upload("/upload?extension=html", "file", "x.html", "<p>研究&開発部門</p>".as_bytes()).await;
    let parsed = s.post("/parse", json!({"input": html.body["file_id"]})).await;
    let content = parsed.body["result"]["chunks"][0]["content"].as_str().unwrap_or_default().to_owned();
    assert!(content.contains("研究&開発部門"), "the text reads as written: {content}");
}

#[tokio::test]
async fn a_stalled_presigned_put_lets_go_of_its_url() {
    use tokio::io::AsyncWriteExt;
    let live = crate::common::Live::start(|c| c.read_timeout = std::time::Duration::from_secs(1)).await;
    let http = reqwest::Client::new();
    let created: Value = http.post(live.at("/upload")).send().await.unwrap().json().await.unwrap();
    let url = created["presigned_url"].as_str().unwrap().to_owned();
    let path = url.split_once("://").unwrap().1.split_once('/').unwrap().1.to_owned();

    // A PUT that announces 1,000 bytes, sends 10 and then nothing, on a connection kept open.
    let mut stalled = tokio::net::TcpStream::connect(live.url.trim_start_matches("http://")).await.unwrap();
    let head = format!("PUT /{path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 1000\r\n\r\n0123456789");
    stalled.write_all(head.as_bytes()).await.unwrap();
    let data = live.dir.path().join("data");
    crate::common::eventually(
        "the stalled PUT claiming the URL",
        std::time::Duration::from_secs(10),
        || async { crate::common::presigned_states(&data) == ["receiving"] },
    )
    .await;
    let busy = http.put(&url).body("%PDF-1.4 other").send().await.unwrap();
    assert_eq!(busy.status(), 409, "one PUT at a time");

    // The stalled body times out after a second; the claim is given back, and the URL works
    // again (tried for a while, so a slow machine does not make this fail).
    let text = "Invoice 7 of the stalled upload";
    let started = std::time::Instant::now();
    let put = loop {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let put = http.put(&url).body(text).send().await.unwrap();
        if put.status() != 409 || started.elapsed() > std::time::Duration::from_secs(10) {
            break put;
        }
    };
    assert_eq!(put.status(), 200, "{}", put.text().await.unwrap());
    drop(stalled);
    let version = http.get(live.at("/version")).send().await.unwrap();
    assert_eq!(version.status(), 200);
    live.stop().await;
}

#[tokio::test]
async fn a_full_queue_answers_429_with_retry_after() {
    let s = Server::with(|c| {
        c.workers = Some(1);
        c.max_queued_jobs = 1;
        c.enable_faults = true;
    })
    .await;
    s.page_delay(2_000).await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(s.post("/parse_async", json!({"input": file_id})).await);
    }
    answers[0].expect(StatusCode::OK);
    answers[1].expect(StatusCode::OK);
    let full = &answers[2];
    full.expect(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(full.header("retry-after"), "5");
    assert!(detail_text(&full.body).contains("Too many jobs are waiting"), "{}", full.body);
    s.get("/version").await.expect(StatusCode::OK);
    s.page_delay(0).await;
}

#[test]
fn a_short_api_key_is_refused_at_start() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_reducto-local"))
        .args(["--port", "0", "--api-key", "short-key"])
        .env_remove("REDUCTO_LOCAL_API_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 16 characters, this one has 9"), "{stderr}");
    assert!(!stderr.contains("short-key"), "the key is not echoed: {stderr}");
}

#[tokio::test]
async fn a_document_larger_than_the_engine_reads_is_refused_unread() {
    let s = Server::with(|c| c.max_document_mb = 1).await;
    let upload = s.upload("/upload?extension=txt", "file", "big.txt", &vec![b'a'; (2 << 20) + 1]).await;
    upload.expect(StatusCode::OK);
    let parsed = s.post("/parse", json!({"input": upload.body["file_id"]})).await;
    parsed.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let detail = detail_text(&parsed.body);
    assert!(detail.contains("3 MB, larger than the 1 MB the local engine reads"), "{detail}");
    s.get("/version").await.expect(StatusCode::OK);
}

#[tokio::test]
async fn request_headers_that_never_end_lose_their_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let live = crate::common::Live::start(|c| c.read_timeout = std::time::Duration::from_secs(1)).await;
    let mut slow = tokio::net::TcpStream::connect(live.url.trim_start_matches("http://")).await.unwrap();
    slow.write_all(b"GET /version HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ").await.unwrap();
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), slow.read_to_end(&mut answer)).await;
    assert!(closed.is_ok(), "the server closed the connection of headers that did not end");
    assert!(!String::from_utf8_lossy(&answer).contains("reducto-local"), "no request was served");
    let version = reqwest::get(live.at("/version")).await.unwrap();
    assert_eq!(version.status(), 200);
    live.stop().await;
}

// ---- The review of issue 17: each finding, as an attacker sent it ----

/// `depth` openers of `open` and their closers.
fn nested(open: &str, close: &str, depth: usize) -> String {
    format!("{}{}", open.repeat(depth), close.repeat(depth))
}

/// A one-page PDF with `catalog` added to its catalog, `page` to its page, and `content` as the
/// page's content stream, Flate-compressed if `compress`.
fn pdf_with(catalog: &str, page: &str, content: &str, compress: bool) -> Vec<u8> {
    use std::io::Write;
    let text = format!("BT /F1 11 Tf 72 720 Td (Deep inside) Tj ET\n{content}");
    let (filter, data) = if compress {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        (" /Filter /FlateDecode", encoder.finish().unwrap())
    } else {
        ("", text.into_bytes())
    };
    let mut stream = format!("<< /Length {}{filter} >>\nstream\n", data.len()).into_bytes();
    stream.extend_from_slice(&data);
    stream.extend_from_slice(b"\nendstream");
    crate::common::serialize(&[
        format!("<< /Type /Catalog /Pages 2 0 R {catalog} >>").into_bytes(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> \
             /Contents 5 0 R {page} >>"
        )
        .into_bytes(),
        stream,
    ])
}

/// Uploads `bytes` to a live server by its presigned URL and parses them.
#[tokio::test]
async fn deeply_nested_pdfs_get_a_422_and_the_process_lives() {
    let mut server = crate::common::Process::start(&[], &[]);
    let http = reqwest::Client::new();
    let cases = [
        (
            "an array 5,000 deep in the catalog",
            pdf_with(&format!("/Deep {}", nested("[", "]", 5_000)), "", "", false),
        ),
        (
            "a dictionary 5,000 deep in the catalog",
            pdf_with(&format!("/Deep {}", nested("<< /A ", ">>", 5_000)), "", "", false),
        ),
        (
            "an array 5,000 deep in a page",
            pdf_with("", &format!("/Deep {}", nested("[", "]", 5_000)), "", false),
        ),
        (
            "an array 100,000 deep in a compressed content stream",
            pdf_with("", "", &nested("[", "]", 100_000), true),
        ),
    ];
    for (what, pdf) in cases {
        let (status, body) = server.post("/parse", json!({"input": server.upload(pdf).await})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        let detail = detail_text(&body);
        assert!(detail.contains("nest more than 500 levels deep"), "{what}: the detail says why: {detail}");
        assert!(server.is_running(), "{what}: the server is still running");
        assert_eq!(http.get(server.at("/version")).send().await.unwrap().status(), 200, "{what}");
    }
    // Nesting within the limit is read as any PDF is.
    let within = pdf_with(&format!("/Deep {}", nested("[", "]", 400)), "", "", false);
    let (status, body) = server.post("/parse", json!({"input": server.upload(within).await})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.to_string().contains("Deep inside"), "{body}");
}

#[tokio::test]
async fn proxy_variables_do_not_carry_url_inputs_past_the_guard() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // A "proxy" that would answer anything with the secret, counting who reaches it.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let reached = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = reached.clone();
    std::thread::spawn(move || {
        for stream in proxy.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            use std::io::Write;
            let _ = (&stream).write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nsecret");
        }
    });
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
    ];
    let server = crate::common::Process::start(&[], &env);
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for url in ["http://localhost:9/secret.txt", "http://printer.internal.example/secret.txt"] {
        let parsed = http.post(server.at("/parse")).json(&json!({"input": url})).send().await.unwrap();
        let status = parsed.status();
        let body: Value = parsed.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {body}");
        assert!(!body.to_string().contains("secret\""), "{url}: {body}");
    }
    assert_eq!(reached.load(Ordering::SeqCst), 0, "no request went to the proxy");
}

#[tokio::test]
async fn a_poster_page_is_rasterized_within_the_pixel_limit_and_huge_images_are_refused_unread() {
    let s = guarded_server().await;
    // One 2400 × 2400 pt page with no text: at 300 dpi that would be 100 million pixels.
    let poster = crate::common::serialize(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 2400 2400] >>".to_vec(),
    ]);
    let file_id = s.upload_pdf(&poster).await;
    let parsed = s.post("/parse", json!({"input": file_id})).await;
    parsed.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(detail_text(&parsed.body).contains("no text"), "read, not refused for its size: {}", parsed.body);

    // A TIFF whose second page says 8000 × 8000 pixels (64 million): refused before OCR.
    let mut tiff = b"II\x2a\0\x08\0\0\0".to_vec();
    for (index, side) in [100u32, 8000].into_iter().enumerate() {
        tiff.extend_from_slice(&2u16.to_le_bytes());
        for tag in [256u16, 257] {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&4u16.to_le_bytes());
            tiff.extend_from_slice(&1u32.to_le_bytes());
            tiff.extend_from_slice(&side.to_le_bytes());
        }
        let next = if index == 0 { tiff.len() as u32 + 4 } else { 0 };
        tiff.extend_from_slice(&next.to_le_bytes());
    }
    let upload = s.upload("/upload?extension=tiff", "file", "huge.tiff", &tiff).await;
    let parsed = s.post("/parse", json!({"input": upload.body["file_id"]})).await;
    parsed.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        detail_text(&parsed.body).contains("8000 × 8000 pixels, more than the 40 million"),
        "{}",
        parsed.body
    );
    s.get("/version").await.expect(StatusCode::OK);
}

#[tokio::test]
async fn schemas_past_the_limits_are_refused_before_any_work() {
    let s = guarded_server().await;
    let file_id = s.upload_text("Invoice Number: 7").await;
    let wide: serde_json::Map<String, Value> =
        (0..30_000).map(|n| (format!("field_{n}"), json!({"type": "string"}))).collect();
    let mut deep = json!({"type": "string"});
    for _ in 0..20 {
        deep = json!({"type": "object", "properties": {"inner": deep}});
    }
    let members: Vec<String> = (0..5_000).map(|n| format!("member {n}")).collect();
    for (what, schema, says) in [
        ("30,000 properties", json!({"type": "object", "properties": wide}), "more than 1000 properties"),
        ("objects nested 21 deep", deep, "more than 16 levels deep"),
        (
            "an enum of 5,000",
            json!({"type": "object", "properties": {"kind": {"enum": members}}}),
            "5000 members",
        ),
    ] {
        let reply = s.post("/extract", json!({"input": file_id, "instructions": {"schema": schema}})).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {}", reply.body);
        assert!(reply.body.to_string().contains(says), "{what}: {}", reply.body);
    }
    let jobs = s.get("/jobs").await;
    assert_eq!(jobs.body["jobs"], json!([]), "no job was started: {}", jobs.body);
}

#[tokio::test]
async fn max_concurrent_requests_holds_the_next_request_until_a_slot_is_free() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let live = crate::common::Live::start(|c| c.max_concurrent_requests = 1).await;
    // One request in the only slot: its head is in, its body still coming.
    let mut holding = tokio::net::TcpStream::connect(live.url.trim_start_matches("http://")).await.unwrap();
    let body = br#"{"input": "jobid://no-such-job"}"#;
    let head = format!(
        "POST /parse HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    holding.write_all(head.as_bytes()).await.unwrap();
    holding.write_all(&body[..5]).await.unwrap();

    // The next request waits (watched for a second) ...
    let next = tokio::spawn(reqwest::get(live.at("/version")));
    let watched = std::time::Instant::now();
    while watched.elapsed() < std::time::Duration::from_secs(1) {
        assert!(!next.is_finished(), "a second request was served while the only slot was taken");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // ... until the first one ends.
    holding.write_all(&body[5..]).await.unwrap();
    let mut answer = vec![0; 4096];
    let n = holding.read(&mut answer).await.unwrap();
    assert!(
        String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 404"),
        "{}",
        String::from_utf8_lossy(&answer[..n])
    );
    let version =
        tokio::time::timeout(std::time::Duration::from_secs(10), next).await.unwrap().unwrap().unwrap();
    assert_eq!(version.status(), 200);
    live.stop().await;
}

#[tokio::test]
async fn a_slow_sender_loses_its_request_and_the_others_are_served() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let live = crate::common::Live::start(|c| {
        c.max_concurrent_requests = 4;
        c.body_timeout = std::time::Duration::from_secs(1);
    })
    .await;
    let address = live.url.trim_start_matches("http://").to_owned();
    // Four requests, every slot, each announcing 1,000 bytes and sending one every 300 ms.
    let mut senders = Vec::new();
    let (sent, mut heads) = tokio::sync::mpsc::channel(4);
    for _ in 0..4 {
        let address = address.clone();
        let sent = sent.clone();
        senders.push(tokio::spawn(async move {
            let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
            let head = "POST /parse HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";
            slow.write_all(head.as_bytes()).await.unwrap();
            sent.send(()).await.unwrap();
            let mut answer = vec![0; 4096];
            loop {
                tokio::select! {
                    read = slow.read(&mut answer) => {
                        let n = read.unwrap_or(0);
                        return String::from_utf8_lossy(&answer[..n]).into_owned();
                    }
                    () = tokio::time::sleep(std::time::Duration::from_millis(300)) => {
                        if slow.write_all(b" ").await.is_err() {
                            return String::new();
                        }
                    }
                }
            }
        }));
    }
    for _ in 0..4 {
        heads.recv().await.unwrap();
    }
    let version = reqwest::get(live.at("/version")).await.unwrap();
    assert_eq!(version.status(), 200, "served once the slow senders lost their slots");
    for sender in senders {
        let answer = tokio::time::timeout(std::time::Duration::from_secs(20), sender).await.unwrap().unwrap();
        assert!(answer.contains("arrived too slowly"), "each slow sender was told why: {answer}");
    }
    live.stop().await;
}

#[tokio::test]
async fn a_refused_upload_is_answered_not_reset() {
    let server = crate::common::Process::start(&["--api-key", "the-right-key-0123456"], &[]);
    let (content_type, body) = crate::common::multipart("file", "big.pdf", &vec![b'x'; 5 << 20]);
    let http = reqwest::Client::new();
    for attempt in 0..20 {
        let refused = http
            .post(server.at("/upload"))
            .bearer_auth(if attempt % 2 == 0 { "a-wrong-key-0123456789" } else { "" })
            .header("content-type", &content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("attempt {attempt}: a connection error instead of the 401: {e:?}"));
        assert_eq!(refused.status(), 401, "attempt {attempt}");
        let detail: Value = refused.json().await.unwrap();
        assert!(detail_text(&detail).contains("API key"), "attempt {attempt}: {detail}");
    }
}

#[tokio::test]
async fn the_data_dir_is_private_and_a_shared_one_is_named_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let server = crate::common::Process::start(&[], &[]);
    let http = reqwest::Client::new();
    let (content_type, body) = crate::common::multipart("file", "note.txt", b"Invoice 7");
    let upload =
        http.post(server.at("/upload")).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(upload.status(), 200);
    let data = server.dir.path().join("data");
    assert_eq!(mode(&data), 0o700);
    for dir in ["files", "artifacts"] {
        assert_eq!(mode(&data.join(dir)), 0o700, "{dir}");
    }
    for entry in std::fs::read_dir(&data).unwrap().chain(std::fs::read_dir(data.join("files")).unwrap()) {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
    let stderr = server.stop();
    assert!(!stderr.contains("warning"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::set_permissions(dir.path().join("data"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = crate::common::Process::over(dir, &[], &[]).stop();
    assert!(stderr.contains("has mode 755, so other users may read"), "{stderr}");
}
