//! The rest of the API from the browser: classify, edit (the edited PDF read back), webhooks
//! delivered to a receiver the test harness runs, deletion, parse results served by URL, and
//! `for await` over every page of jobs.

use gloo_net::http::{Method, Request};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::documents::{packet_id, PACKET_PDF};
use crate::*;

const FORM_PDF: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/forms/application.pdf"));

fn small_results_url() -> &'static str {
    option_env!("REDUCTO_TEST_SMALL_RESULTS_URL")
        .expect("REDUCTO_TEST_SMALL_RESULTS_URL is not set: run with `npm test`")
}

fn hook_url() -> &'static str {
    option_env!("REDUCTO_TEST_HOOK_URL").expect("REDUCTO_TEST_HOOK_URL is not set: run with `npm test`")
}

async fn ok(promise: js_sys::Promise) -> JsValue {
    resolve(promise).await.unwrap_or_else(|e| panic!("{}", message(&e)))
}

fn strings(array: &JsValue, path: &str) -> Vec<String> {
    Array::from(array).iter().map(|item| get(&item, path).as_string().unwrap_or_default()).collect()
}

#[wasm_bindgen_test]
async fn classify_names_each_document_of_the_packet() {
    let input = packet_id().await;
    let schema = r#"[
        {"category": "invoice", "criteria": ["invoice number", "total due"]},
        {"category": "purchase order", "criteria": ["PO number", "ship to"]},
        {"category": "receipt", "criteria": ["amount paid", "payment received"]}
    ]"#;
    for (page, expected) in [(1, "invoice"), (2, "purchase order"), (3, "receipt")] {
        let params = json(&format!(
            r#"{{"input": "{input}", "classification_schema": {schema}, "page_range": [{page}]}}"#
        ));
        let classified = ok(local_client().classify().run(params, JsValue::UNDEFINED)).await;
        assert_eq!(get(&classified, "result.category"), expected, "page {page}");
    }
    // A File goes up first; a job resolves with the same shape.
    let params = json(&format!(r#"{{"classification_schema": {schema}, "page_range": [3]}}"#));
    Reflect::set(&params, &"input".into(), &file(PACKET_PDF, "packet.pdf")).unwrap();
    let job = ok(local_client().classify().run_job(params, JsValue::UNDEFINED)).await;
    let client = local_client();
    let done = ok(client.job().wait(get(&job, "job_id"), JsValue::UNDEFINED)).await;
    assert_eq!(get(&done, "result.category"), "receipt");

    let missing = resolve(
        local_client().classify().run(json(&format!(r#"{{"input": "{input}"}}"#)), JsValue::UNDEFINED),
    )
    .await;
    let error = missing.expect_err("no categories is refused before any request");
    assert!(
        error.has_type::<ReductoError>() && message(&error).contains("params.classification_schema"),
        "{}",
        message(&error)
    );
}

#[wasm_bindgen_test]
async fn edit_fills_a_form_and_the_edited_pdf_reads_back() {
    let client = local_client();
    let params = json(r#"{"edit_instructions": "Full name: Ada Lovelace\nMember: yes"}"#);
    Reflect::set(&params, &"document_url".into(), &file(FORM_PDF, "application.pdf")).unwrap();
    let edited = ok(client.edit().run(params, JsValue::UNDEFINED)).await;
    let url = get(&edited, "document_url").as_string().unwrap();

    // The document URL is a capability: fetched as it is, no key, no client headers.
    let response = Request::get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.binary().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"), "the edited document is a PDF");

    let again = json(r#"{"edit_instructions": ""}"#);
    Reflect::set(&again, &"document_url".into(), &file(&bytes, "edited.pdf")).unwrap();
    let read = ok(client.edit().run(again, JsValue::UNDEFINED)).await;
    let widgets = get(&read, "form_schema");
    assert_eq!(strings(&widgets, "description"), ["Full name", "Date", "Amount", "Member"]);
    assert_eq!(
        strings(&widgets, "value"),
        ["Ada Lovelace", "", "", "true"],
        "the edited file holds the values"
    );

    let text = client.upload(file(b"plain text", "notes.txt").into(), JsValue::UNDEFINED);
    let text_id = get(&ok(text).await, "file_id").as_string().unwrap();
    let refused = resolve(client.edit().run(
        json(&format!(r#"{{"document_url": "{text_id}", "edit_instructions": "Name: x"}}"#)),
        JsValue::UNDEFINED,
    ))
    .await
    .expect_err("a text file cannot be edited");
    assert!(
        refused.has_type::<UnprocessableEntityError>() && message(&refused).contains("not a PDF"),
        "{}",
        message(&refused)
    );
}

#[wasm_bindgen_test]
async fn a_webhook_is_delivered_and_retried_after_a_failure() {
    let client = local_client();
    let target = format!("{}/hook?fail=1", hook_url());
    let params = json(&format!(
        r#"{{"async": {{"webhook": {{"mode": "direct", "url": "{target}"}}, "metadata": {{"order": 7}}}}}}"#
    ));
    Reflect::set(&params, &"input".into(), &file(PACKET_PDF, "packet.pdf")).unwrap();
    let job = ok(client.parse().run_job(params, JsValue::UNDEFINED)).await;
    let job_id = get(&job, "job_id").as_string().unwrap();
    ok(client.job().wait(job_id.clone().into(), JsValue::UNDEFINED)).await;

    let mut mine = Vec::new();
    for _ in 0..100 {
        let all = call_server(hook_url(), Method::GET, "/deliveries", None).await;
        mine = Array::from(&all).iter().filter(|d| get(d, "body.job_id") == job_id.as_str()).collect();
        if mine.len() >= 2 {
            break;
        }
        reducto_wasm::abort::sleep(100.0, None).await;
    }
    assert_eq!(mine.len(), 2, "one injected failure, then one retry");
    assert_eq!(get(&mine[0], "answered"), 500);
    let body = get(&mine[1], "body");
    assert_eq!(get(&body, "status"), "Completed");
    assert_eq!(get(&body, "metadata.order"), 7);

    let portal = ok(client.webhook().run(JsValue::UNDEFINED)).await;
    assert!(portal.as_string().is_some_and(|url| url.starts_with("http")), "webhook.run gives a URL");
    let recorded = call_server(server_url(), Method::GET, "/studio/webhooks", None).await;
    let delivery = Array::from(&get(&recorded, "deliveries"))
        .iter()
        .find(|d| get(d, "job_id") == job_id.as_str())
        .expect("the delivery is recorded");
    assert_eq!((get(&delivery, "state"), get(&delivery, "attempts")), ("delivered".into(), 2.into()));
}

#[wasm_bindgen_test]
async fn deleted_uploads_and_jobs_are_404s_that_say_so() {
    let client = local_client();
    let upload = ok(client.upload(file(PACKET_PDF, "packet.pdf").into(), JsValue::UNDEFINED)).await;
    let parsed = ok(client.parse().run(
        json(&format!(r#"{{"input": "{}"}}"#, get(&upload, "file_id").as_string().unwrap())),
        JsValue::UNDEFINED,
    ))
    .await;
    let job_id = get(&parsed, "job_id");

    ok(client.job().delete(job_id.clone(), JsValue::UNDEFINED)).await;
    let gone = resolve(client.job().get(job_id, JsValue::UNDEFINED)).await.expect_err("a deleted job");
    assert!(gone.has_type::<NotFoundError>() && message(&gone).contains("was deleted"), "{}", message(&gone));

    // The Upload itself may be passed; its id goes in the path, escaped.
    ok(client.delete_upload(upload.clone(), JsValue::UNDEFINED)).await;
    let params = json("{}");
    Reflect::set(&params, &"input".into(), &upload).unwrap();
    let gone = resolve(client.parse().run(params, JsValue::UNDEFINED)).await.expect_err("a deleted upload");
    assert!(gone.has_type::<NotFoundError>() && message(&gone).contains("was deleted"), "{}", message(&gone));

    let bad =
        resolve(client.delete_upload(JsValue::from(3), JsValue::UNDEFINED)).await.expect_err("not an id");
    assert!(message(&bad).contains("fileId"), "{}", message(&bad));
}

#[wasm_bindgen_test]
async fn a_parse_result_served_by_url_is_fetched_in_place_unless_asked_not_to() {
    let base = small_results_url();
    let resolving = client_with(&format!(r#"{{"baseURL": "{base}"}}"#));
    let params = || {
        let params = json("{}");
        Reflect::set(&params, &"input".into(), &file(PACKET_PDF, "packet.pdf")).unwrap();
        params
    };
    let parsed = ok(resolving.parse().run(params(), JsValue::UNDEFINED)).await;
    assert_eq!(get(&parsed, "result.type"), "full", "fetched from its URL");
    let chunks = get(&parsed, "result.chunks");
    assert!(js_sys::JSON::stringify(&chunks).unwrap().as_string().unwrap().contains("INV-2041"));

    let job = ok(resolving.parse().run_job(params(), JsValue::UNDEFINED)).await;
    let waited = ok(resolving.job().wait(get(&job, "job_id"), JsValue::UNDEFINED)).await;
    assert_eq!(get(&waited, "result.type"), "full", "job.wait fetches it too");
    let polled = ok(resolving.job().get(get(&job, "job_id"), JsValue::UNDEFINED)).await;
    assert_eq!(get(&polled, "result.result.type"), "full", "and job.get");

    let keeping = client_with(&format!(r#"{{"baseURL": "{base}", "resolveUrlResults": false}}"#));
    let kept = ok(keeping.parse().run(params(), JsValue::UNDEFINED)).await;
    assert_eq!(get(&kept, "result.type"), "url");
    assert!(get(&kept, "result.url").as_string().unwrap().starts_with(base));
}

#[wasm_bindgen_test]
async fn for_await_walks_every_page_of_jobs() {
    // The small-results server sees only this test's jobs being listed this way.
    let client = client_with(&format!(r#"{{"baseURL": "{}"}}"#, small_results_url()));
    let upload = ok(client.upload(file(b"hello", "hello.txt").into(), JsValue::UNDEFINED)).await;
    let id = get(&upload, "file_id").as_string().unwrap();
    let mut made = Vec::new();
    for _ in 0..120 {
        let job =
            ok(client.parse().run_job(json(&format!(r#"{{"input": "{id}"}}"#)), JsValue::UNDEFINED)).await;
        made.push(get(&job, "job_id").as_string().unwrap());
    }
    let listing = client.job().list(json(r#"{"limit": 50}"#), JsValue::UNDEFINED);
    let first_page = ok(listing.clone()).await;
    assert_eq!(Array::from(&get(&first_page, "jobs")).length(), 50, "the Promise is the first page");

    let iterator_of: Function =
        Reflect::get(&listing, &js_sys::Symbol::async_iterator()).unwrap().unchecked_into();
    let iterator = iterator_of.call0(&listing).unwrap();
    let next: Function = Reflect::get(&iterator, &"next".into()).unwrap().unchecked_into();
    let mut seen = Vec::new();
    loop {
        let step = ok(next.call0(&iterator).unwrap().unchecked_into()).await;
        if get(&step, "done").as_bool() == Some(true) {
            break;
        }
        seen.push(get(&step, "value.job_id").as_string().unwrap());
    }
    for id in &made {
        assert_eq!(seen.iter().filter(|s| *s == id).count(), 1, "job {id} is listed once");
    }
}
