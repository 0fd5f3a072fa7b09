//! Multi-document inputs (`input` as a list): a parse-only pipeline answers one `ParseResponse`
//! per document, while `/parse`, split and extract work on the documents' pages concatenated,
//! so a split section can span two documents. A list that is empty, or names a document that
//! cannot be read, fails with a message saying which element is at fault.

use crate::common::{categories, extract_schema, pages, pdf, Server};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// Three pages: an invoice (pages 1-2), then the first page of a contract.
fn first() -> Vec<u8> {
    pdf(&pages(
        "INVOICE\nInvoice Number: A-1\nAmount due: 100.00\n\
         \u{c}Line items continued\nTotal: 100.00\n\
         \u{c}SERVICES AGREEMENT\nThis contract is made between the parties.",
    ))
}

/// Two pages: the contract's signatures, then a photo caption.
fn second() -> Vec<u8> {
    pdf(&pages("Signatures of the parties\nSigned: Jane Doe\n\u{c}A photo of a cat on a sofa"))
}

async fn two_documents(s: &Server) -> (String, String) {
    (s.upload_pdf(&first()).await, s.upload_pdf(&second()).await)
}

#[tokio::test]
async fn a_parse_only_pipeline_answers_one_parse_per_document() {
    let s = Server::new().await;
    let (a, b) = two_documents(&s).await;
    let pipeline = s.create(json!({})).await;
    s.deploy(&pipeline).await;

    let reply = s.run(&pipeline, json!([a, b])).await;
    reply.expect(StatusCode::OK);
    assert_eq!(reply.body["usage"]["num_pages"], 5, "{}", reply.body);
    let parses = reply.body["result"]["parse"].as_array().expect("an array of ParseResponse");
    let counts: Vec<&Value> = parses.iter().map(|p| &p["usage"]["num_pages"]).collect();
    assert_eq!(counts, [&json!(3), &json!(2)]);
    assert!(parses[1]["result"]["chunks"].to_string().contains("Jane Doe"));

    // A list of one is one document, answered as a single input is.
    let one = s.run(&pipeline, json!([a])).await;
    assert!(one.body["result"]["parse"].is_object(), "{}", one.body);

    // Reusing the run (jobid://) reads both documents' pages again, in order.
    let job = reply.body["job_id"].as_str().unwrap();
    let reused = s.post("/parse", json!({"input": format!("jobid://{job}")})).await;
    reused.expect(StatusCode::OK);
    assert_eq!(reused.body["usage"]["num_pages"], 5, "{}", reused.body);
}

#[tokio::test]
async fn parse_concatenates_the_documents_pages() {
    let s = Server::new().await;
    let (a, b) = two_documents(&s).await;
    let body = json!({"input": [a, b], "retrieval": {"chunking": {"chunk_mode": "page"}}});
    let reply = s.post("/parse", body).await;
    reply.expect(StatusCode::OK);
    assert_eq!(reply.body["usage"]["num_pages"], 5);
    let chunks = reply.body["result"]["chunks"].as_array().unwrap();
    assert_eq!(chunks.len(), 5, "one chunk per page");
    let blocks: Vec<&Value> = chunks.iter().flat_map(|c| c["blocks"].as_array().unwrap()).collect();
    let signed = blocks.iter().find(|b| b["content"].as_str().unwrap().contains("Jane Doe")).unwrap();
    // Page 4 of the whole, page 1 of its own document.
    assert_eq!((&signed["bbox"]["page"], &signed["bbox"]["original_page"]), (&json!(4), &json!(1)));
}

#[tokio::test]
async fn split_and_extract_run_across_the_documents() {
    let s = Server::new().await;
    let (a, b) = two_documents(&s).await;

    let split = s.post("/split", json!({"input": [a, b], "split_description": categories()})).await;
    split.expect(StatusCode::OK);
    assert_eq!(split.body["usage"]["num_pages"], 5);
    assert_eq!(
        split.body["result"]["section_mapping"],
        json!({"Invoice": [1, 2], "Contract": [3, 4]}),
        "the contract spans both documents"
    );

    let body = json!({"input": [a, b], "instructions": {"schema": extract_schema()}});
    let extract = s.post("/extract", body).await;
    extract.expect(StatusCode::OK);
    assert_eq!(
        extract.body["result"],
        json!([{"invoice_number": "A-1", "total": 100.0, "signed": "Jane Doe"}]),
        "fields from both documents"
    );
    assert_eq!(extract.body["usage"]["num_pages"], 5);

    let both = s
        .create(json!({"split": {"categories": categories()}, "extract": {"schema": extract_schema()}}))
        .await;
    s.deploy(&both).await;
    let run = s.run(&both, json!([a, b])).await;
    run.expect(StatusCode::OK);
    assert_eq!(run.body["usage"]["num_pages"], 5);
    assert_eq!(run.body["result"]["parse"], Value::Null);
    let sections = run.body["result"]["extract"].as_array().unwrap();
    let contract = sections.iter().find(|s| s["split_name"] == "Contract").unwrap();
    assert_eq!(contract["page_range"], json!([3, 4]));
    assert_eq!(contract["result"]["result"][0]["signed"], "Jane Doe");

    // Async too: the job completes with every page counted.
    let queued = s.post("/parse_async", json!({"input": [a, b]})).await;
    let done = s.finished(&queued.job_id()).await;
    assert_eq!(done.body["status"], "Completed", "{}", done.body);
    assert_eq!(done.body["progress"], 1.0, "{}", done.body);
    assert_eq!(done.body["result"]["usage"]["num_pages"], 5);
}

#[tokio::test]
async fn bad_lists_say_which_element_is_at_fault() {
    let s = Server::new().await;
    let (a, _) = two_documents(&s).await;
    let pipeline = s.create(json!({})).await;
    s.deploy(&pipeline).await;

    for reply in [s.run(&pipeline, json!([])).await, s.post("/parse", json!({"input": []})).await] {
        reply.expect(StatusCode::UNPROCESSABLE_ENTITY);
        let e = reply.validation();
        assert_eq!((&e["loc"], &e["type"]), (&json!(["body", "input"]), &json!("too_short")), "{e}");
    }
    let shape =
        s.post("/extract", json!({"input": [a, 42], "instructions": {"schema": extract_schema()}})).await;
    assert_eq!(shape.validation()["loc"], json!(["body", "input", 1]));

    // Checked before anything is queued: a file that does not exist.
    let ghost = "reducto://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pdf";
    let missing = s.run(&pipeline, json!([a, ghost])).await;
    missing.expect(StatusCode::NOT_FOUND);
    assert_eq!(missing.detail(), format!("input[1] ({ghost}): File '{ghost}' not found"));

    // Found only when the job reads it: a scan without a text layer.
    let scan = s.upload_fixture("imagemagick-images.pdf").await;
    let unreadable = s.post("/split", json!({"input": [a, scan], "split_description": categories()})).await;
    unreadable.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unreadable.detail().starts_with(&format!("input[1] ({scan}): ")), "{}", unreadable.detail());
    let queued = s.post("/pipeline_async", json!({"input": [scan, a], "pipeline_id": pipeline})).await;
    let failed = s.finished(&queued.job_id()).await;
    assert_eq!(failed.body["status"], "Failed");
    assert!(failed.body["reason"].as_str().unwrap().starts_with("input[0] ("), "{}", failed.body);
}
