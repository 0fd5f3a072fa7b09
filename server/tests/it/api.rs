//! The server's HTTP surface, driven through `app()` with `oneshot` (no socket): every route's
//! happy path and its errors, in the shapes Reducto's clients expect.

use crate::common::{fixture, page_chunking, Server};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use reducto_local::api::JobStatus;
use serde_json::{json, Value};

// ---- the story: design, deploy, run by id, redeploy ----

#[tokio::test]
async fn callers_only_ever_see_the_deployed_version() {
    let s = Server::new().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    let id = s.create(json!({"parse": {"options": {"chunking": {"chunk_mode": "disabled"}}}})).await;

    let never = s.run(&id, json!(file_id)).await;
    never.expect(StatusCode::CONFLICT);
    assert!(never.detail().contains("never been deployed"), "{}", never.detail());
    assert!(never.detail().contains("deploy it first"));
    assert_eq!(never.header("x-should-retry"), "false", "retrying cannot fix a missing deploy");

    s.deploy(&id).await;
    let v1 = s.run(&id, json!(file_id)).await;
    v1.expect(StatusCode::OK);
    assert_eq!(v1.header("x-pipeline-version"), "1");
    assert_eq!(v1.chunks().len(), 1);

    let draft = s
        .json(Method::PUT, &format!("/studio/pipelines/{id}/draft"), json!({"steps": page_chunking()}))
        .await;
    draft.expect(StatusCode::OK);
    let still_v1 = s.run(&id, json!(file_id)).await;
    still_v1.expect(StatusCode::OK);
    assert_eq!(still_v1.header("x-pipeline-version"), "1", "an undeployed draft is never run");
    assert_eq!(still_v1.chunks().len(), 1);

    s.deploy(&id).await;
    let v2 = s.run(&id, json!(file_id)).await;
    v2.expect(StatusCode::OK);
    assert_eq!(v2.header("x-pipeline-version"), "2");
    assert_eq!(v2.chunks().len(), 4, "page chunking of a 4-page PDF");

    let unknown = s.run("0123456789abcdefghijklmnopqrstuv", json!(file_id)).await;
    unknown.expect(StatusCode::NOT_FOUND);
    assert_eq!(unknown.detail(), "Pipeline '0123456789abcdefghijklmnopqrstuv' not found");
}

#[tokio::test]
async fn a_pipeline_response_has_the_spec_shape_and_is_recorded() {
    let s = Server::new().await;
    let file_id = s.upload_fixture("minimal-document.pdf").await;
    let id = s.create(json!({})).await;
    s.deploy(&id).await;
    // The UploadResponse object is accepted as input too.
    let reply = s.run(&id, json!({"file_id": file_id, "presigned_url": null})).await;
    reply.expect(StatusCode::OK);
    let b = &reply.body;
    assert_eq!(b["response_type"], "pipeline");
    assert_eq!(b["usage"], json!({"num_pages": 1, "credits": null}));
    assert_eq!((&b["result"]["extract"], &b["result"]["split"]), (&Value::Null, &Value::Null));
    let parse = &b["result"]["parse"];
    assert_eq!(parse["response_type"], "parse");
    assert_eq!(parse["job_id"], b["job_id"]);
    assert!(parse["duration"].as_f64().unwrap() > 0.0, "the time the parse took: {}", parse["duration"]);
    assert_eq!((&parse["pdf_url"], &parse["studio_link"]), (&Value::Null, &Value::Null));
    assert_eq!(parse["result"]["type"], "full");
    let chunk = &reply.chunks()[0];
    assert!(chunk["content"].as_str().unwrap().starts_with("Lorem ipsum"));
    assert_eq!(chunk["embed"], chunk["content"]);
    assert_eq!((&chunk["enriched"], &chunk["enrichment_success"]), (&Value::Null, &json!(false)));
    let block = &chunk["blocks"][0];
    assert_eq!((&block["type"], &block["confidence"]), (&json!("Text"), &json!("high")));
    for key in ["left", "top", "width", "height"] {
        let v = block["bbox"][key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v), "{key} = {v}");
    }
    assert_eq!((&block["bbox"]["page"], &block["bbox"]["original_page"]), (&json!(1), &json!(1)));

    let job_id = b["job_id"].as_str().unwrap();
    let job = s.state.store.get_job(job_id).unwrap().expect("the job is recorded");
    assert_eq!((job.status, job.pipeline_version), (JobStatus::Completed, Some(1)));
    let polled = s.get(&format!("/job/{job_id}")).await;
    assert_eq!(polled.body["result"], *b, "the recorded result answers the same");
}

#[tokio::test]
async fn pipeline_errors() {
    let s = Server::new().await;
    let id = s.create(json!({})).await;
    s.deploy(&id).await;
    let file_id = s.upload_fixture("minimal-document.pdf").await;

    let missing = s.post("/pipeline", json!({"input": file_id})).await;
    let e = missing.validation();
    assert_eq!((&e["loc"], &e["type"]), (&json!(["body", "pipeline_id"]), &json!("missing")));

    let malformed = s
        .send(
            Request::post("/pipeline")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"input\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(malformed.validation()["type"], "json_invalid");
    let empty = s.send(Request::post("/pipeline").body(Body::empty()).unwrap()).await;
    assert_eq!(empty.validation()["loc"], json!(["body"]));

    for (input, expected) in [
        (json!("s3://bucket/a.pdf"), "'s3:' inputs are not supported"),
        (json!([]), "input is an empty list"),
        (json!("reducto://../../../etc/passwd"), "not a valid reducto:// file id"),
    ] {
        let reply = s.run(&id, input.clone()).await;
        let e = reply.validation();
        assert!(e["msg"].as_str().unwrap().contains(expected), "{input}: {e}");
        assert_eq!(e["loc"], json!(["body", "input"]));
    }

    let no_job = s.run(&id, json!("jobid://7f1c")).await;
    no_job.expect(StatusCode::NOT_FOUND);
    assert_eq!(no_job.detail(), "Job '7f1c' not found");

    let ghost = "reducto://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pdf";
    let not_found = s.run(&id, json!(ghost)).await;
    not_found.expect(StatusCode::NOT_FOUND);
    assert!(not_found.detail().contains(ghost), "{}", not_found.detail());
}

#[tokio::test]
async fn documents_the_engine_cannot_read_are_422_with_the_reason() {
    let s = Server::new().await;
    let id = s.create(json!({})).await;
    s.deploy(&id).await;

    let locked = s.upload_fixture("libreoffice-writer-password.pdf").await;
    let no_password = s.run(&id, json!(locked)).await;
    no_password.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_password.detail().contains("settings.document_password"), "{}", no_password.detail());
    let body = json!({"input": locked, "pipeline_id": id, "settings": {"document_password": "openpassword"}});
    let opened = s.post("/pipeline", body).await;
    opened.expect(StatusCode::OK);
    assert!(opened.chunks()[0]["content"].as_str().unwrap().contains("Lorem ipsum"));

    // A password saved in a pipeline's steps runs, and the Studio API shows it masked; a draft
    // sent back as shown keeps it.
    let steps = json!({"parse": {"options": {"settings": {"document_password": "openpassword"}}}});
    let saved = s.post("/studio/pipelines", json!({"name": "locked", "steps": steps})).await;
    saved.expect(StatusCode::CREATED);
    let saved_id = saved.body["id"].as_str().unwrap().to_owned();
    assert_eq!(saved.body["draft"]["parse"]["options"]["settings"]["document_password"], "********");
    let shown = s.get(&format!("/studio/pipelines/{saved_id}")).await;
    let draft = shown.body["draft"].clone();
    assert!(!shown.body.to_string().contains("openpassword"), "{}", shown.body);
    s.json(Method::PUT, &format!("/studio/pipelines/{saved_id}/draft"), json!({"steps": draft}))
        .await
        .expect(StatusCode::OK);
    s.deploy(&saved_id).await;
    let versions = s.get(&format!("/studio/pipelines/{saved_id}/versions")).await;
    assert!(!versions.body.to_string().contains("openpassword"), "{}", versions.body);
    s.run(&saved_id, json!(locked)).await.expect(StatusCode::OK);

    let scan = s.upload_fixture("imagemagick-images.pdf").await;
    let no_text = s.run(&id, json!(scan)).await;
    no_text.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_text.detail().contains("no text layer"), "{}", no_text.detail());

    let corrupt = s.upload("/upload?extension=pdf", "file", "x.pdf", b"%PDF-1.4\nbroken").await;
    let corrupt_id = corrupt.body["file_id"].as_str().unwrap().to_owned();
    let unreadable = s.run(&id, json!(corrupt_id)).await;
    unreadable.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unreadable.detail().contains("could not be read"), "{}", unreadable.detail());

    let zip = s.upload("/upload", "file", "report.docx", b"PK\x03\x04binary").await;
    let zip_id = zip.body["file_id"].as_str().unwrap().to_owned();
    let broken = s.run(&id, json!(zip_id)).await;
    broken.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.detail().starts_with("The DOCX file could not be read"), "{}", broken.detail());

    let binary = s.upload("/upload", "file", "photo.heic", b"\x00\x01binary").await;
    let binary_id = binary.body["file_id"].as_str().unwrap().to_owned();
    let unsupported = s.run(&id, json!(binary_id)).await;
    unsupported.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unsupported.detail().starts_with("Unsupported file type 'heic'"), "{}", unsupported.detail());
}

// ---- uploads ----

#[tokio::test]
async fn uploads_get_random_typed_ids() {
    let s = Server::new().await;
    let pdf = fixture("minimal-document.pdf");
    let cases = [
        ("/upload?extension=pdf", "a.bin", &pdf[..], "pdf"),
        ("/upload", "Notes.TXT", &b"hello"[..], "txt"),
        ("/upload", "blob", &pdf[..], "pdf"),
    ];
    let mut seen = Vec::new();
    for (uri, filename, bytes, ext) in cases {
        let reply = s.upload(uri, "file", filename, bytes).await;
        reply.expect(StatusCode::OK);
        assert_eq!(reply.body["presigned_url"], Value::Null);
        let id = reply.body["file_id"].as_str().unwrap().to_owned();
        let token = id.strip_prefix("reducto://").unwrap().strip_suffix(&format!(".{ext}")).unwrap();
        assert_eq!(token.len(), 32, "{id}");
        assert!(token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{id}");
        assert!(!seen.contains(&id));
        seen.push(id);
    }
    let bare = s.upload("/upload", "file", "blob", b"just text").await;
    let id = bare.body["file_id"].as_str().unwrap();
    assert!(!id.contains('.'), "no extension when none is known: {id}");
}

#[tokio::test]
async fn upload_errors() {
    let s = Server::with(|c| c.max_upload_mb = 1).await;
    let empty = s.upload("/upload", "file", "a.pdf", b"").await;
    empty.expect(StatusCode::BAD_REQUEST);
    assert_eq!(empty.detail(), "The uploaded file is empty");

    let wrong_field = s.upload("/upload", "document", "a.pdf", b"data").await;
    assert_eq!(wrong_field.validation()["loc"], json!(["body", "file"]));
    let not_multipart = s.post("/upload", json!({"file": "x"})).await;
    assert!(not_multipart.validation()["msg"].as_str().unwrap().contains("'file'"));

    let bad_ext = s.upload("/upload?extension=../x", "file", "a.pdf", b"data").await;
    assert_eq!(bad_ext.validation()["loc"], json!(["query", "extension"]));

    // Just over the file limit, and far over the whole-body limit: both are 413 with a detail.
    for size in [1024 * 1024 + 1, 3 * 1024 * 1024] {
        let too_large = s.upload("/upload", "file", "a.txt", &vec![b'a'; size]).await;
        too_large.expect(StatusCode::PAYLOAD_TOO_LARGE);
        assert!(too_large.detail().contains("1 MB"), "{}", too_large.detail());
    }
    let leftovers = std::fs::read_dir(s.dir.path().join("data/files")).unwrap().count();
    assert_eq!(leftovers, 0, "failed uploads leave no files behind");
}

// ---- studio ----

#[tokio::test]
async fn studio_pipeline_lifecycle() {
    let s = Server::new().await;
    let steps = json!({"parse": {"options": {"chunking": {"chunk_mode": "disabled"}}}});
    let created = s.post("/studio/pipelines", json!({"name": "Invoices", "steps": steps})).await;
    created.expect(StatusCode::CREATED);
    let p = &created.body;
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    assert_eq!((&p["name"], &p["draft"]), (&json!("Invoices"), &steps));
    assert_eq!((&p["versions"], &p["deployed"]), (&json!([]), &Value::Null));
    let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["created_at", "deployed", "draft", "id", "name", "updated_at", "versions"]);

    let other = s.create(json!({})).await;
    assert_ne!(other, id);
    let list = s.get("/studio/pipelines").await;
    list.expect(StatusCode::OK);
    let ids: Vec<&str> = list.body.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&id.as_str()) && ids.contains(&other.as_str()));

    let deployed = s.post(&format!("/studio/pipelines/{id}/deploy"), json!({"version_name": "launch"})).await;
    deployed.expect(StatusCode::OK);
    assert_eq!(deployed.body["pipeline_id"], json!(id));
    assert_eq!((&deployed.body["version"], &deployed.body["version_name"]), (&json!(1), &json!("launch")));
    assert!(deployed.body["deployed_at"].as_str().unwrap().ends_with('Z'));

    s.json(Method::PUT, &format!("/studio/pipelines/{id}/draft"), json!({"steps": page_chunking()}))
        .await
        .expect(StatusCode::OK);
    // A deploy with no body at all is fine: version_name is optional.
    let v2 =
        s.send(Request::post(format!("/studio/pipelines/{id}/deploy")).body(Body::empty()).unwrap()).await;
    v2.expect(StatusCode::OK);
    assert_eq!((&v2.body["version"], &v2.body["version_name"]), (&json!(2), &Value::Null));

    let versions = s.get(&format!("/studio/pipelines/{id}/versions")).await;
    versions.expect(StatusCode::OK);
    let v = versions.body.as_array().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!((&v[0]["version"], &v[0]["steps"]), (&json!(1), &steps));
    assert_eq!((&v[1]["version"], &v[1]["steps"]), (&json!(2), &page_chunking()));

    let shown = s.get(&format!("/studio/pipelines/{id}")).await;
    assert_eq!(shown.body["deployed"]["version"], 2);
    assert_eq!(shown.body["versions"].as_array().unwrap().len(), 2);

    let rolled = s.post(&format!("/studio/pipelines/{id}/rollback"), json!({"version": 1})).await;
    rolled.expect(StatusCode::OK);
    assert_eq!((&rolled.body["version"], &rolled.body["version_name"]), (&json!(1), &json!("launch")));
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    let run = s.run(&id, json!(file_id)).await;
    run.expect(StatusCode::OK);
    assert_eq!((run.header("x-pipeline-version"), run.chunks().len()), ("1", 1));

    // The draft (page chunking) can be tried without deploying it.
    let test = s.post(&format!("/studio/pipelines/{id}/test"), json!({"input": file_id})).await;
    test.expect(StatusCode::OK);
    assert_eq!((test.header("x-pipeline-version"), test.chunks().len()), ("draft", 4));

    let nowhere = s.post(&format!("/studio/pipelines/{id}/rollback"), json!({"version": 9})).await;
    nowhere.expect(StatusCode::NOT_FOUND);
    assert!(nowhere.detail().contains("no version 9"));

    // A new name changes nothing callers see: same ID, same live version.
    let renamed = s.json(Method::PATCH, &format!("/studio/pipelines/{id}"), json!({"name": " Bills "})).await;
    renamed.expect(StatusCode::OK);
    assert_eq!((&renamed.body["id"], &renamed.body["name"]), (&json!(id), &json!("Bills")));
    assert_eq!(renamed.body["deployed"]["version"], 1);
    s.run(&id, json!(file_id)).await.expect(StatusCode::OK);
    let blank = s.json(Method::PATCH, &format!("/studio/pipelines/{id}"), json!({"name": "  "})).await;
    assert_eq!(blank.validation()["loc"], json!(["body", "name"]));
    assert_eq!(s.get(&format!("/studio/pipelines/{id}")).await.body["name"], "Bills");
    s.json(Method::PATCH, "/studio/pipelines/nope", json!({"name": "x"})).await.expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn studio_errors() {
    let s = Server::new().await;
    for uri in ["/studio/pipelines/nope", "/studio/pipelines/nope/versions"] {
        let reply = s.get(uri).await;
        reply.expect(StatusCode::NOT_FOUND);
        assert_eq!(reply.detail(), "Pipeline 'nope' not found");
    }
    s.post("/studio/pipelines/nope/deploy", json!({})).await.expect(StatusCode::NOT_FOUND);
    s.json(Method::PUT, "/studio/pipelines/nope/draft", json!({"steps": {}}))
        .await
        .expect(StatusCode::NOT_FOUND);

    let nameless = s.post("/studio/pipelines", json!({"steps": {}})).await;
    assert_eq!(nameless.validation()["loc"], json!(["body", "name"]));

    let cases = [
        (json!({"summarize": {}}), json!(["body", "steps", "summarize"]), "summarize"),
        (
            json!({"split": {"categories": []}}),
            json!(["body", "steps", "split", "categories"]),
            "at least one",
        ),
        (
            json!({"split": {"categories": [{"name": "a"}]}}),
            json!(["body", "steps", "split", "categories", 0, "description"]),
            "Field required",
        ),
        (
            json!({"extract": {"schema": "not an object"}}),
            json!(["body", "steps", "extract", "schema"]),
            "map",
        ),
        (
            json!({"parse": {"options": {"chunking": {"chunk_mode": "sentences"}}}}),
            json!(["body", "steps", "parse", "options", "chunking", "chunk_mode"]),
            "'sentences'",
        ),
    ];
    for (steps, loc, msg) in cases {
        let reply = s.post("/studio/pipelines", json!({"name": "x", "steps": steps})).await;
        let e = reply.validation();
        assert_eq!(e["loc"], loc, "{steps}: {e}");
        assert!(e["msg"].as_str().unwrap().contains(msg), "{steps}: {e}");
    }
    let listed = s.get("/studio/pipelines").await;
    assert_eq!(listed.body, json!([]), "invalid pipelines are not created");
}

// ---- auth, CORS, static files, version ----

#[tokio::test]
async fn api_keys_guard_every_api_route_but_not_static_files() {
    let mut s = Server::with(|c| c.api_keys = vec!["key-one".into(), "key-two".into()]).await;
    std::fs::create_dir_all(s.dir.path().join("www")).unwrap();
    std::fs::write(s.dir.path().join("www/index.html"), "<h1>demo</h1>").unwrap();

    for uri in ["/version", "/studio/pipelines"] {
        let reply = s.get(uri).await;
        reply.expect(StatusCode::UNAUTHORIZED);
        assert!(reply.detail().contains("Authorization: Bearer"), "{}", reply.detail());
    }
    s.post("/pipeline", json!({})).await.expect(StatusCode::UNAUTHORIZED);
    let wrong = s
        .send(
            Request::get("/version")
                .header(header::AUTHORIZATION, "Bearer key-three")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    wrong.expect(StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.detail(), "Invalid API key");
    // A header that holds no bearer token is a wrong one, not a missing one.
    for sent in ["Basic a2V5LW9uZQ==", "key-one", "Bearer\tkey-three"] {
        let request =
            Request::get("/version").header(header::AUTHORIZATION, sent).body(Body::empty()).unwrap();
        let refused = s.send(request).await;
        refused.expect(StatusCode::UNAUTHORIZED);
        assert!(refused.detail().starts_with("Invalid"), "{sent}: {}", refused.detail());
    }
    s.get("/").await.expect(StatusCode::OK);

    s.key = Some("key-two");
    s.get("/version").await.expect(StatusCode::OK);
    s.get("/studio/pipelines").await.expect(StatusCode::OK);
}

#[tokio::test]
async fn cors_preflight_needs_no_key_and_exposes_the_retry_headers() {
    let s = Server::with(|c| c.api_keys = vec!["secret".into()]).await;
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/pipeline")
        .header(header::ORIGIN, "http://localhost:5173")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type,x-stainless-retry-count")
        .body(Body::empty())
        .unwrap();
    let reply = s.send(preflight).await;
    assert!(reply.status.is_success(), "preflight answered {}", reply.status);
    assert_eq!(reply.header("access-control-allow-origin"), "http://localhost:5173");
    assert!(reply.header("access-control-allow-methods").contains("PUT"));
    let allowed = reply.header("access-control-allow-headers").to_ascii_lowercase();
    for h in ["authorization", "content-type", "x-stainless-retry-count"] {
        assert!(allowed.contains(h), "{h} not allowed: {allowed}");
    }

    let actual =
        Request::get("/version").header(header::ORIGIN, "http://localhost:5173").body(Body::empty()).unwrap();
    let reply = s.send(actual).await;
    reply.expect(StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        "http://localhost:5173",
        "errors are readable cross-origin too"
    );
    let exposed = reply.header("access-control-expose-headers").to_ascii_lowercase();
    for h in ["x-pipeline-version", "retry-after", "retry-after-ms", "x-should-retry", "x-request-id"] {
        assert!(exposed.contains(h), "{h} not exposed: {exposed}");
    }
}

#[tokio::test]
async fn static_files_and_the_wasm_package() {
    let s = Server::new().await;
    let root = s.dir.path();
    std::fs::create_dir_all(root.join("www")).unwrap();
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("www/index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(root.join("pkg/reducto_wasm_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();

    let index = s.get("/").await;
    index.expect(StatusCode::OK);
    assert!(index.header("content-type").starts_with("text/html"));
    let wasm = s.get("/pkg/reducto_wasm_bg.wasm").await;
    wasm.expect(StatusCode::OK);
    assert_eq!(wasm.header("content-type"), "application/wasm");
    let missing = s.get("/no/such/page").await;
    missing.expect(StatusCode::NOT_FOUND);
    assert_eq!(missing.detail(), "Not Found");
}

#[tokio::test]
async fn version_is_a_json_string() {
    let reply = Server::new().await.get("/version").await;
    reply.expect(StatusCode::OK);
    assert_eq!(reply.body, json!(concat!("reducto-local ", env!("CARGO_PKG_VERSION"))));
}

// ---- restart ----

#[tokio::test]
async fn a_restart_loses_nothing() {
    let first = Server::new().await;
    let file_id = first.upload_fixture("pdflatex-4-pages.pdf").await;
    let id = first.create(page_chunking()).await;
    first.post(&format!("/studio/pipelines/{id}/deploy"), json!({"version_name": "v1"})).await;
    let Server { dir, .. } = first;

    let second = Server::over(dir, |_| {}).await;
    let shown = second.get(&format!("/studio/pipelines/{id}")).await;
    shown.expect(StatusCode::OK);
    assert_eq!(shown.body["deployed"]["version_name"], "v1");
    assert_eq!(shown.body["draft"], page_chunking());
    let versions = second.get(&format!("/studio/pipelines/{id}/versions")).await;
    assert_eq!(versions.body.as_array().unwrap().len(), 1);
    let run = second.run(&id, json!(file_id)).await;
    run.expect(StatusCode::OK);
    assert_eq!(run.chunks().len(), 4, "the upload and the deployed version survived");
}
