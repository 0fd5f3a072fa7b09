//! Every response body of a full run, checked against JSON Schemas of Reducto's response types
//! (tests/schemas/*.json, written from the OpenAPI spec: its required fields, types and enums).
//! The shape tests elsewhere check values; this one catches a field that drifts from the spec
//! (a missing `usage`, a `"Parse"` where the enum says `"parse"`, a string `loc` index, ...).

use std::collections::BTreeMap;

use crate::common::{categories, extract_schema, packet, Reply, Server};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};

/// The `$id` prefix of every schema file; `$ref`s between them are relative to it.
const BASE: &str = "https://reducto-local.invalid/schemas/";

/// Validators for every schema file, by name (`"ParseResponse"`), with the files' mutual
/// `$ref`s resolved from a registry of all of them (nothing is fetched).
struct Schemas {
    validators: BTreeMap<String, jsonschema::Validator>,
}

impl Schemas {
    fn load() -> Schemas {
        let dir = format!("{}/tests/schemas", env!("CARGO_MANIFEST_DIR"));
        let mut documents = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(schema["$id"], format!("{BASE}{name}.json"), "{}", path.display());
            documents.push((name, schema));
        }
        let registry = jsonschema::Registry::new()
            .extend(documents.iter().map(|(name, schema)| (format!("{BASE}{name}.json"), schema.clone())))
            .unwrap()
            .prepare()
            .unwrap();
        let validators = documents
            .iter()
            .map(|(name, _)| {
                let root = json!({"$ref": format!("{BASE}{name}.json")});
                let validator = jsonschema::options()
                    .with_registry(&registry)
                    .build(&root)
                    .unwrap_or_else(|e| panic!("schema {name}: {e}"));
                (name.clone(), validator)
            })
            .collect();
        Schemas { validators }
    }

    /// Panics with every violation if `reply`'s body does not match the schema `name`.
    fn check(&self, name: &str, reply: &Reply) {
        let validator = self.validators.get(name).unwrap_or_else(|| panic!("no schema {name}"));
        let errors: Vec<String> =
            validator.iter_errors(&reply.body).map(|e| format!("  at {}: {e}", e.instance_path())).collect();
        assert!(
            errors.is_empty(),
            "{} does not match {name}:\n{}\nbody: {}",
            reply.what,
            errors.join("\n"),
            reply.body
        );
    }
}

#[tokio::test]
async fn every_response_of_a_full_run_matches_its_schema() {
    let schemas = Schemas::load();
    let s = Server::new().await;

    let upload = s.upload("/upload?extension=pdf", "file", "packet.pdf", &packet()).await;
    upload.expect(StatusCode::OK);
    schemas.check("UploadResponse", &upload);
    let file_id = upload.body["file_id"].as_str().unwrap().to_owned();

    let parse = s.post("/parse", json!({"input": file_id})).await;
    parse.expect(StatusCode::OK);
    schemas.check("ParseResponse", &parse);
    // Table and List Item blocks (from a CSV and HTML) are in the spec's enum too.
    for (name, bytes) in [
        ("rows.csv", &b"name,total\nA-1,100\n"[..]),
        ("page.html", &b"<h1>Title</h1><ul><li>One</li></ul><table><tr><td>x</td></tr></table>"[..]),
    ] {
        let upload = s.upload("/upload", "file", name, bytes).await;
        let parsed = s.post("/parse", json!({"input": upload.body["file_id"]})).await;
        parsed.expect(StatusCode::OK);
        schemas.check("ParseResponse", &parsed);
    }

    for citations in [false, true] {
        let body = json!({
            "input": file_id,
            "instructions": {"schema": extract_schema()},
            "settings": {"citations": {"enabled": citations}}
        });
        let extract = s.post("/extract", body).await;
        extract.expect(StatusCode::OK);
        schemas.check("ExtractResponse", &extract);
    }

    let split = s.post("/split", json!({"input": file_id, "split_description": categories()})).await;
    split.expect(StatusCode::OK);
    schemas.check("SplitResponse", &split);

    let scan = crate::common::scanned_pdf(&[crate::common::rasterize(&packet(), 1, "jpeg", 200)]);
    let scanned = s.upload_pdf(&scan).await;
    let ocr = s.post("/parse", json!({"input": scanned, "settings": {"return_ocr_data": true}})).await;
    ocr.expect(StatusCode::OK);
    assert!(ocr.body["result"]["ocr"]["lines"].is_array(), "{}", ocr.body);
    schemas.check("ParseResponse", &ocr);

    let classify_schema = json!([{"category": "invoice", "criteria": ["invoice number"]}]);
    let classify =
        s.post("/classify", json!({"input": file_id, "classification_schema": classify_schema})).await;
    classify.expect(StatusCode::OK);
    schemas.check("ClassifyResponse", &classify);

    let form_path = format!("{}/../tests/fixtures/forms/application.pdf", env!("CARGO_MANIFEST_DIR"));
    let form_id = s.upload_pdf(&std::fs::read(form_path).unwrap()).await;
    let edit_body = json!({"document_url": form_id, "edit_instructions": "Full name: Ada Lovelace"});
    let edit = s.post("/edit", edit_body.clone()).await;
    edit.expect(StatusCode::OK);
    schemas.check("EditResponse", &edit);
    let with_edit = s.create(json!({"edit": {"instructions": "Full name: Ada Lovelace"}})).await;
    s.deploy(&with_edit).await;
    let run = s.run(&with_edit, json!(form_id)).await;
    run.expect(StatusCode::OK);
    schemas.check("PipelineResponse", &run);

    let parse_only = s.create(json!({})).await;
    s.deploy(&parse_only).await;
    let run = s.run(&parse_only, json!(file_id)).await;
    run.expect(StatusCode::OK);
    schemas.check("PipelineResponse", &run);
    assert!(run.body["result"]["parse"].is_object());
    // Several documents: `parse` is the spec's array form, one `ParseResponse` each.
    let run = s.run(&parse_only, json!([file_id, file_id])).await;
    run.expect(StatusCode::OK);
    schemas.check("PipelineResponse", &run);
    assert_eq!(run.body["result"]["parse"].as_array().map(Vec::len), Some(2), "{}", run.body);

    let split_extract = s
        .create(json!({"split": {"categories": categories()}, "extract": {"schema": extract_schema()}}))
        .await;
    s.deploy(&split_extract).await;
    let run = s.run(&split_extract, json!(file_id)).await;
    run.expect(StatusCode::OK);
    schemas.check("PipelineResponse", &run);
    assert_eq!(run.body["result"]["extract"].as_array().map(Vec::len), Some(2), "{}", run.body);

    // Every async endpoint, and what polling each job answers once it is done.
    let queued = [
        ("/parse_async", json!({"input": file_id})),
        ("/extract_async", json!({"input": file_id, "instructions": {"schema": extract_schema()}})),
        ("/split_async", json!({"input": file_id, "split_description": categories()})),
        ("/pipeline_async", json!({"input": file_id, "pipeline_id": split_extract})),
        ("/classify_async", json!({"input": file_id, "classification_schema": classify_schema})),
        ("/edit_async", edit_body),
    ];
    for (uri, body) in queued {
        let created = s.post(uri, body).await;
        created.expect(StatusCode::OK);
        schemas.check("AsyncJobCreated", &created);
        let id = created.job_id();
        let pending = s.get(&format!("/job/{id}")).await;
        schemas.check("AsyncJobResponse", &pending);
        let done = s.finished(&id).await;
        assert_eq!(done.body["status"], "Completed", "{uri}: {}", done.body);
        schemas.check("AsyncJobResponse", &done);
    }

    // A job that fails: its reason, and a null result.
    let text_id = s.upload_text("hello").await;
    let scan = s.upload_fixture("imagemagick-images.pdf").await;
    let failing = s.post("/parse_async", json!({"input": scan})).await;
    let failed = s.finished(&failing.job_id()).await;
    assert_eq!(failed.body["status"], "Failed");
    schemas.check("AsyncJobResponse", &failed);

    let jobs = s.get("/jobs").await;
    jobs.expect(StatusCode::OK);
    schemas.check("JobsResponse", &jobs);
    let page = s.get("/jobs?limit=2").await;
    schemas.check("JobsResponse", &page);
    assert!(page.body["next_cursor"].is_string(), "{}", page.body);

    // Errors: an ordinary one ({detail: "..."}) of each kind, then FastAPI 422s.
    let unreadable = s.post("/parse", json!({"input": scan})).await;
    unreadable.expect(StatusCode::UNPROCESSABLE_ENTITY);
    schemas.check("ErrorDetail", &unreadable);
    let not_found = s.get("/job/no-such-job").await;
    not_found.expect(StatusCode::NOT_FOUND);
    schemas.check("ErrorDetail", &not_found);
    let never_deployed = s.create(json!({})).await;
    let conflict = s.run(&never_deployed, json!(text_id)).await;
    conflict.expect(StatusCode::CONFLICT);
    schemas.check("ErrorDetail", &conflict);

    let missing = s.post("/pipeline", json!({"input": file_id})).await;
    missing.expect(StatusCode::UNPROCESSABLE_ENTITY);
    schemas.check("HTTPValidationError", &missing);
    let malformed = s
        .send(
            Request::post("/parse")
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"input\": "))
                .unwrap(),
        )
        .await;
    malformed.expect(StatusCode::UNPROCESSABLE_ENTITY);
    schemas.check("HTTPValidationError", &malformed);
    let bad_category = s.post("/split", json!({"input": file_id, "split_description": [{"name": 3}]})).await;
    bad_category.expect(StatusCode::UNPROCESSABLE_ENTITY);
    schemas.check("HTTPValidationError", &bad_category);
}

#[tokio::test]
async fn a_parse_result_served_by_url_matches_its_schema() {
    let schemas = Schemas::load();
    let s = Server::with(|c| c.inline_result_limit_mb = 0.001).await;
    let file_id = s.upload_pdf(&packet()).await;
    let parse = s.post("/parse", json!({"input": file_id})).await;
    assert_eq!(parse.body["result"]["type"], "url", "{}", parse.body);
    schemas.check("ParseResponse", &parse);
    schemas.check("AsyncJobResponse", &s.get(&format!("/job/{}", parse.job_id())).await);
}

#[test]
fn the_schemas_reject_what_the_spec_forbids() {
    // The schemas are only as good as what they refuse: a few bodies that must fail.
    let schemas = Schemas::load();
    let rejects = |name: &str, body: Value| {
        assert!(!schemas.validators[name].is_valid(&body), "{name} accepted {body}");
    };
    rejects("UploadResponse", json!({"presigned_url": null}));
    rejects(
        "ParseResponse",
        json!({"job_id": "j", "duration": 1, "usage": {"num_pages": 1}, "result": {"type": "full"}}),
    );
    rejects(
        "ParseResponse",
        json!({"response_type": "Parse", "job_id": "j", "duration": 1, "usage": {"num_pages": 1},
               "result": {"type": "full", "chunks": []}}),
    );
    rejects("AsyncJobResponse", json!({"status": "Running"}));
    rejects("AsyncJobResponse", json!({"status": "Completed", "result": {"response_type": "parse"}}));
    rejects("JobsResponse", json!({"jobs": [{"job_id": "j", "status": "Completed", "type": "parse"}]}));
    rejects("HTTPValidationError", json!({"detail": [{"loc": [null], "msg": "m", "type": "t"}]}));
    rejects("ClassifyResponse", json!({"job_id": "j", "result": {"category": 3}}));
    rejects("EditResponse", json!({"document_url": "u", "form_schema": [{"type": "signature"}]}));
    rejects("ErrorDetail", json!({"detail": 3}));
    rejects(
        "SplitResponse",
        json!({"usage": {"num_pages": 1}, "result": {"section_mapping": {}, "splits": [{"name": "x", "pages": ["1"]}]}}),
    );
    let minimal = json!({"job_id": "j", "duration": 0.5, "usage": {"num_pages": 1},
                         "result": {"type": "full", "chunks": []}});
    assert!(schemas.validators["ParseResponse"].is_valid(&minimal));
}
