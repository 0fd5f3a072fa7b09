//! The rest of Reducto's API, end to end through the router: classify, edit (read back with
//! poppler), deletion, parse results too large to inline, direct webhooks delivered to a real
//! receiver, and paging through every job.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{eventually, files_in, packet, Process, Reply, Server};
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

fn form() -> Vec<u8> {
    let path = format!("{}/../tests/fixtures/forms/application.pdf", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The path of a URL this server handed out (the tests drive the router, not a socket).
fn path_of(url: &Value) -> String {
    let url = url.as_str().unwrap_or_else(|| panic!("not a URL: {url}"));
    let after_scheme = url.split_once("://").expect("an absolute URL").1;
    after_scheme[after_scheme.find('/').unwrap()..].to_owned()
}

async fn download(s: &Server, url: &Value) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path_of(url)).body(axum::body::Body::empty()).unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// Runs a poppler tool on `pdf`; poppler-utils is installed by the bootstrap.
fn poppler(tool: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut command = std::process::Command::new(tool);
    command.arg(&path);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, installed by scripts/bootstrap.sh): {e}"));
    assert!(out.status.success(), "{tool} refused the edited PDF: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The font size at which the edited PDF draws `value` (its widget's appearance stream).
fn drawn_size(pdf: &[u8], value: &str) -> f64 {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let drawn = format!("({value}) Tj");
    for stream in doc.objects.values().filter_map(|object| object.as_stream().ok()) {
        let content = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let content = String::from_utf8_lossy(&content);
        if content.contains(&drawn) {
            // "/Helv 7.00 Tf"
            let before = &content[..content.find(" Tf").expect("a font operator")];
            return before.rsplit(' ').next().unwrap().parse().unwrap();
        }
    }
    panic!("no appearance stream draws {value}")
}

fn schema() -> Value {
    json!([
        {"category": "invoice", "criteria": ["invoice number", "amount due"]},
        {"category": "contract", "criteria": ["agreement between parties", "signatures"]},
        {"category": "recipe", "criteria": ["ingredients", "oven temperature"]}
    ])
}

#[tokio::test]
async fn classify_names_each_document_of_the_packet_and_says_when_none_fits() {
    let s = Server::new().await;
    let id = s.upload_pdf(&packet()).await;
    for (pages, expected) in
        [(json!([1, 2]), "invoice"), (json!({"start": 4, "end": 5}), "contract"), (json!([3]), "unknown")]
    {
        let reply = s
            .post("/classify", json!({"input": id, "classification_schema": schema(), "page_range": pages}))
            .await;
        reply.expect(StatusCode::OK);
        assert_eq!(reply.body["result"]["category"], expected, "{pages}: {}", reply.body);
        assert_eq!(reply.body["usage"]["num_categories"], 3);
    }
    let none =
        s.post("/classify", json!({"input": id, "classification_schema": schema(), "page_range": [3]})).await;
    let confidences: Vec<f64> = none.body["response_confidence"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["confidence"].as_f64().unwrap())
        .collect();
    assert_eq!(confidences, [0.0, 0.0, 0.0], "no category fits, and the confidence says so");

    let queued = s.post("/classify_async", json!({"input": id, "classification_schema": schema()})).await;
    let done = s.finished(&queued.job_id()).await;
    assert_eq!(done.body["result"]["result"]["category"], "invoice", "{}", done.body);
    let listed = s.get("/jobs?limit=1").await;
    assert_eq!(listed.body["jobs"][0]["type"], "Classify");

    for (body, expected) in [
        (json!({"input": id}), "classification_schema must list"),
        (
            json!({"input": id, "classification_schema": schema(), "page_range": {"start": 3, "end": 1}}),
            "after end",
        ),
        (json!({"input": id, "classification_schema": schema(), "page_range": [9]}), "selects no page"),
    ] {
        let reply = s.post("/classify", body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(reply.body.to_string().contains(expected), "{body}: {}", reply.body);
    }
}

#[tokio::test]
async fn edit_fills_a_form_and_the_served_pdf_holds_the_values() {
    let s = Server::new().await;
    let id = s.upload_pdf(&form()).await;
    let read = s.post("/edit", json!({"document_url": id, "edit_instructions": ""})).await;
    read.expect(StatusCode::OK);
    let described: Vec<&str> = read.body["form_schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["description"].as_str().unwrap())
        .collect();
    assert_eq!(described, ["Full name", "Date", "Amount", "Member"], "{}", read.body);

    // One value from the caller's form_schema (the date widget), the others from instructions.
    let mut widgets = read.body["form_schema"].clone();
    widgets[1]["value"] = json!("2026-11-29");
    let edit = json!({
        "document_url": {"file_id": id},
        "edit_instructions": "Full name: Ada Lovelace\nAmount: 1,250.00\nMember: yes",
        "form_schema": widgets,
    });
    let edited = s.post("/edit", edit).await;
    edited.expect(StatusCode::OK);
    assert_eq!(edited.body["response_type"], "edit");
    assert_eq!(edited.body["usage"]["num_pages"], 1);
    let pdf = download(&s, &edited.body["document_url"]).await;
    assert!(poppler("pdfinfo", &pdf).contains("AcroForm"), "poppler opens it, form intact");

    // Read back: the edited file, uploaded again, holds the values.
    let again = s.upload_pdf(&pdf).await;
    let back = s.post("/edit", json!({"document_url": again, "edit_instructions": ""})).await;
    let values: Vec<&Value> =
        back.body["form_schema"].as_array().unwrap().iter().map(|w| &w["value"]).collect();
    assert_eq!(values, [&json!("Ada Lovelace"), &json!("2026-11-29"), &json!("1,250.00"), &json!("true")]);

    // Flattened: the values are page content that pdftotext reads, and the form is gone.
    let flat = s
        .post(
            "/edit",
            json!({"document_url": id, "edit_instructions": "Full name: Ada Lovelace", "edit_options": {"flatten": true, "font_size": 10}}),
        )
        .await;
    flat.expect(StatusCode::OK);
    let flat_pdf = download(&s, &flat.body["document_url"]).await;
    let text = poppler("pdftotext", &flat_pdf);
    assert!(text.contains("Ada Lovelace") && text.contains("Full name"), "{text}");
    assert!(!poppler("pdfinfo", &flat_pdf).contains("AcroForm"));

    // font_size is the size the values are drawn at; without it they are fitted to their boxes.
    let sized = s
        .post(
            "/edit",
            json!({"document_url": id, "edit_instructions": "Full name: Ada Lovelace", "edit_options": {"font_size": 7}}),
        )
        .await;
    sized.expect(StatusCode::OK);
    assert_eq!(drawn_size(&download(&s, &sized.body["document_url"]).await, "Ada Lovelace"), 7.0);
    assert_ne!(drawn_size(&pdf, "Ada Lovelace"), 7.0, "the fitted size is another");

    // A pipeline may end in an edit step.
    let pipeline = s.create(json!({"edit": {"instructions": "Full name: Grace Hopper"}})).await;
    s.deploy(&pipeline).await;
    let run = s.run(&pipeline, json!(id)).await;
    run.expect(StatusCode::OK);
    let form_schema = &run.body["result"]["edit"]["form_schema"];
    assert_eq!(form_schema[0]["value"], "Grace Hopper", "{}", run.body);
}

#[tokio::test]
async fn a_filled_form_is_parsed_and_extracted_with_the_values_its_fields_show() {
    let s = Server::new().await;
    let blank = s.upload_pdf(&form()).await;
    let instructions = "Full name: Ada Lovelace\nAmount: 1,250.00\nMember: yes";
    let edited = s.post("/edit", json!({"document_url": blank, "edit_instructions": instructions})).await;
    edited.expect(StatusCode::OK);
    let filled = s.upload_pdf(&download(&s, &edited.body["document_url"]).await).await;

    let lines = |parsed: &Reply| -> Vec<String> {
        let chunks = parsed.body["result"]["chunks"].as_array().unwrap();
        chunks.iter().flat_map(|c| c["content"].as_str().unwrap().lines().map(str::to_owned)).collect()
    };
    let parsed = s.post("/parse", json!({"input": filled})).await;
    parsed.expect(StatusCode::OK);
    let lines = lines(&parsed);
    let line_of = |words: &str| lines.iter().find(|line| line.contains(words)).cloned().unwrap_or_default();
    assert!(line_of("Ada Lovelace").contains("Full name"), "the value sits on its label's line: {lines:?}");
    assert!(line_of("1,250.00").contains("Amount"), "{lines:?}");
    assert!(line_of("☑").contains("Member"), "a checked box shows ☑: {lines:?}");

    let blank_parse = s.post("/parse", json!({"input": blank})).await;
    let blank_text = blank_parse.body["result"]["chunks"][0]["content"].as_str().unwrap().to_owned();
    assert!(blank_text.contains('☐') && !blank_text.contains("Lovelace"), "{blank_text}");

    let schema = json!({"type": "object", "properties": {
        "full_name": {"type": "string"}, "amount": {"type": "number"}, "member": {"type": "boolean"},
    }});
    let extracted = s.post("/extract", json!({"input": filled, "instructions": {"schema": schema}})).await;
    extracted.expect(StatusCode::OK);
    let expected = json!({"full_name": "Ada Lovelace", "amount": 1250.0, "member": true});
    assert_eq!(extracted.body["result"][0], expected, "{}", extracted.body);
    let unfilled = s.post("/extract", json!({"input": blank, "instructions": {"schema": schema}})).await;
    let expected = json!({"full_name": null, "amount": null, "member": false});
    assert_eq!(unfilled.body["result"][0], expected, "an empty box is a no; an empty field, null");
}

#[tokio::test]
async fn a_label_that_several_fields_print_is_a_422_listing_them_and_a_fields_name_chooses_one() {
    // USCIS Form I-9 (bench/real/): three preparers' boxes print the same caption.
    let s = Server::new().await;
    let id = s.upload_pdf(include_bytes!("../../../bench/real/docs/en-form-uscis-i9.pdf")).await;
    let instruction = "Preparer or translator first name: Ana";
    let reply = s.post("/edit", json!({"document_url": id, "edit_instructions": instruction})).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let detail = reply.body["detail"].as_str().unwrap();
    let second = "Preparer or Translator First Name (Given Name) 2";
    assert!(detail.contains(&format!("(page 3, field '{second}')")), "{detail}");
    assert!(detail.contains("or the field's name"), "{detail}");

    let chosen =
        s.post("/edit", json!({"document_url": id, "edit_instructions": format!("{second}: Ana")})).await;
    chosen.expect(StatusCode::OK);
    let boxes = read_back(&s, &chosen).await;
    assert_eq!(boxes.iter().filter(|widget| widget["value"] == "Ana").count(), 1, "one box holds the value");
}

#[tokio::test]
async fn a_label_as_a_person_writes_it_fills_the_box_a_person_means() {
    let s = Server::new().await;
    let kindergeld =
        s.upload_pdf(include_bytes!("../../../bench/real/docs/de-form-kindergeld-antrag.pdf")).await;
    let i9 = s.upload_pdf(include_bytes!("../../../bench/real/docs/en-form-uscis-i9.pdf")).await;
    for (form, instruction, value, described) in [
        // The applicant's and the partner's boxes both print "Surname / Familienname"; the
        // fields' names say which is whose, and an application's details are the applicant's.
        (&kindergeld, "Familienname", "Müller", "Surname"),
        // "Date of birth / Geburtsdatum" and "Place of birth / Geburtsort" are printed side by
        // side on one line: each caption is its own box's.
        (&kindergeld, "Geburtsdatum", "12.03.1985", "Date of birth"),
        // Each preparer's box prints "City or Town" too; the employee's field is named so.
        (&i9, "City or town", "Austin", "Section 1., Enter City or Town."),
    ] {
        let reply = s
            .post(
                "/edit",
                json!({"document_url": form, "edit_instructions": format!("{instruction}: {value}")}),
            )
            .await;
        reply.expect(StatusCode::OK);
        let boxes = read_back(&s, &reply).await;
        let filled: Vec<&Value> = boxes.iter().filter(|widget| widget["value"] == value).collect();
        let meant = boxes.iter().find(|widget| widget["description"] == described).unwrap();
        assert_eq!(filled.len(), 1, "{instruction}");
        assert_eq!(filled[0]["bbox"], meant["bbox"], "{instruction}: the first box described '{described}'");
    }
}

/// The widgets of an edited PDF, with their values, as /edit's form_schema reads them back.
async fn read_back(s: &Server, edited: &Reply) -> Vec<Value> {
    let back = s.upload_pdf(&download(s, &edited.body["document_url"]).await).await;
    let read = s.post("/edit", json!({"document_url": back, "edit_instructions": ""})).await;
    read.body["form_schema"].as_array().unwrap().clone()
}

#[tokio::test]
async fn what_edit_cannot_do_is_a_422_that_says_so() {
    let s = Server::new().await;
    let form = s.upload_pdf(&form()).await;
    let plain = s.upload_pdf(&packet()).await;
    let text = s.upload_text("hello").await;
    for (document, instructions, expected) in [
        (&plain, "Name: Ada", "no form fields"),
        (&text, "Name: Ada", "not a PDF"),
        (&form, "Shoe size: 9", "'Shoe size'"),
        (&form, "Member: perhaps", "not a value for the checkbox"),
    ] {
        let reply =
            s.post("/edit", json!({"document_url": document, "edit_instructions": instructions})).await;
        reply.expect(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reply.detail().contains(expected), "{instructions}: {}", reply.detail());
    }
    let bad = s
        .post(
            "/edit",
            json!({"document_url": [form], "edit_instructions": "", "edit_options": {"font_size": 99}}),
        )
        .await;
    bad.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.validation()["loc"], json!(["body", "document_url"]), "{}", bad.body);
}

#[tokio::test]
async fn every_sample_pdf_and_every_cut_form_gets_the_answer_it_should() {
    let s = Server::new().await;
    let dir = format!("{}/../tests/fixtures/pdfs", env!("CARGO_MANIFEST_DIR"));
    let mut documents: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    let whole = form();
    for cut in [whole.len() / 4, whole.len() / 2, whole.len() - 40] {
        documents.push((format!("the form cut at {cut}"), whole[..cut].to_vec()));
    }
    assert!(documents.len() > 20);
    let cut_at = |n: usize| format!("the form cut at {n}");
    for (name, bytes) in documents {
        // The field each form is filled by (its own name), or the start of the 422's detail.
        let expected = match name.as_str() {
            "libreoffice-form.pdf" => Ok("First Name"),
            "pdflatex-forms.pdf" => Ok("Name"),
            // Only the end of the file is missing: its objects are still read.
            n if n == cut_at(whole.len() - 40) => Ok("Full name"),
            n if n.starts_with("the form cut at") => Err("The PDF cannot be read"),
            "libreoffice-writer-password.pdf" => Err("The PDF is encrypted"),
            _ => Err("This PDF has no form fields"),
        };
        let field = expected.unwrap_or("Full name");
        let id = s.upload_pdf(&bytes).await;
        let reply =
            s.post("/edit", json!({"document_url": id, "edit_instructions": format!("{field}: Ada")})).await;
        match expected {
            Ok(field) => {
                assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
                let filled =
                    reply.body["form_schema"].as_array().unwrap().iter().find(|w| w["description"] == field);
                assert_eq!(filled.map(|w| &w["value"]), Some(&json!("Ada")), "{name}: {}", reply.body);
            }
            Err(detail) => {
                assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", reply.body);
                assert!(reply.detail().starts_with(detail), "{name}: {}", reply.detail());
            }
        }
    }
}

#[tokio::test]
async fn deleted_uploads_and_jobs_are_gone_with_their_files_and_say_so() {
    // Every parse result is served by URL here, so a job leaves a file in the data dir too.
    let s = Server::with(|c| {
        c.enable_faults = true;
        c.inline_result_limit_mb = 0.001;
    })
    .await;
    let data = s.dir.path().join("data");
    let file = s.upload_pdf(&packet()).await;
    assert_eq!(files_in(&data.join("files")).len(), 1, "the upload is a file");
    let parsed = s.post("/parse", json!({"input": file})).await;
    let job = parsed.body["job_id"].as_str().unwrap().to_owned();
    assert_eq!(files_in(&data.join("artifacts")).len(), 1, "the result is a file");

    let deleted = s.json(Method::DELETE, &format!("/job/{job}"), json!(null)).await;
    deleted.expect(StatusCode::ACCEPTED);
    assert_eq!(files_in(&data.join("artifacts")), Vec::<String>::new(), "the job's result file is removed");
    s.get(&format!("/job/{job}")).await.expect(StatusCode::NOT_FOUND);
    assert!(s.get(&format!("/job/{job}")).await.detail().contains("was deleted"));
    let reuse = s.post("/parse", json!({"input": format!("jobid://{job}")})).await;
    reuse.expect(StatusCode::NOT_FOUND);
    assert!(reuse.detail().contains("was deleted"), "{}", reuse.detail());

    // The official SDKs put the whole id in the path, percent-encoded or not.
    let encoded = file.replace(':', "%3A").replace('/', "%2F");
    s.json(Method::DELETE, &format!("/upload/{encoded}"), json!(null)).await.expect(StatusCode::ACCEPTED);
    assert_eq!(files_in(&data.join("files")), Vec::<String>::new(), "the uploaded file is removed");
    let gone = s.post("/parse", json!({"input": file})).await;
    gone.expect(StatusCode::NOT_FOUND);
    assert!(gone.detail().contains("was deleted"), "{}", gone.detail());
    let again = s.json(Method::DELETE, &format!("/upload/{file}"), json!(null)).await;
    again.expect(StatusCode::NOT_FOUND);

    // A running job is cancelled, then deleted: its engine stops within seconds, not after
    // the minute each page takes here.
    s.page_delay(60_000).await;
    let file = s.upload_pdf(&packet()).await;
    let running = s.post("/parse_async", json!({"input": file})).await.job_id();
    eventually("the job starting", Duration::from_secs(10), || async {
        s.state.store.get_job(&running).unwrap().unwrap().status == reducto_local::api::JobStatus::InProgress
    })
    .await;
    s.json(Method::DELETE, &format!("/job/{running}"), json!(null)).await.expect(StatusCode::ACCEPTED);
    assert!(s.get(&format!("/job/{running}")).await.detail().contains("was deleted"));
    eventually("the deleted job's engine stopping", Duration::from_secs(10), || async {
        s.state.runner.progress(&running).is_none()
    })
    .await;
    s.json(Method::DELETE, "/job/no-such-job", json!(null)).await.expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_parse_result_over_the_inline_limit_is_served_by_url() {
    let s = Server::with(|c| c.inline_result_limit_mb = 0.001).await;
    let file = s.upload_pdf(&packet()).await;
    let parsed = s.post("/parse", json!({"input": file})).await;
    parsed.expect(StatusCode::OK);
    let result = &parsed.body["result"];
    assert_eq!(result["type"], "url", "{}", parsed.body);
    assert_eq!(result["result_id"].as_str().map(str::len), Some(32));
    let full: Value = serde_json::from_slice(&download(&s, &result["url"]).await).unwrap();
    assert_eq!(full["type"], "full");
    assert!(full["chunks"].to_string().contains("Invoice Number"));

    // GET /job answers the same way, with the same URL; jobid:// still sees the whole result.
    let job = parsed.body["job_id"].as_str().unwrap();
    let polled = s.get(&format!("/job/{job}")).await;
    assert_eq!(polled.body["result"]["result"], *result);
    let reused = s.post("/extract", json!({"input": format!("jobid://{job}"), "instructions": {"schema": {"type": "object", "properties": {"invoice_number": {"type": "string"}}}}})).await;
    assert_eq!(reused.body["result"][0]["invoice_number"], "A-1", "{}", reused.body);

    // A small result stays inline.
    let small = s.upload_text("hi");
    let small = s.post("/parse", json!({"input": small.await})).await;
    assert_eq!(small.body["result"]["type"], "full");
}

/// What a webhook receiver got: each request's body and when it arrived.
type Received = Arc<Mutex<Vec<(std::time::Instant, Value)>>>;

/// A webhook receiver on loopback that answers `fail_first` requests with a 500.
async fn receiver(fail_first: usize) -> (String, Received) {
    let received = Received::default();
    let log = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                log.push((std::time::Instant::now(), body));
                if log.len() <= fail_first {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

/// The bodies `received` got, once it has `count` of them.
async fn bodies(received: &Received, count: usize) -> Vec<Value> {
    eventually(&format!("{count} webhook requests"), Duration::from_secs(20), || async {
        received.lock().unwrap().len() >= count
    })
    .await;
    received.lock().unwrap().iter().map(|(_, body)| body.clone()).collect()
}

#[tokio::test]
async fn webhooks_are_delivered_retried_and_recorded() {
    // The URL-input guard on (the harness turns it off): loopback receivers pass, private ones not.
    let s = Server::with(|c| c.allow_private_urls = false).await;
    let (url, received) = receiver(1).await;
    let file = s.upload_pdf(&packet()).await;
    let body = json!({"input": file, "async": {"webhook": {"mode": "direct", "url": url}, "metadata": {"order": 7}}});
    let job = s.post("/parse_async", body).await.job_id();
    s.finished(&job).await;
    let got = bodies(&received, 2).await;
    assert_eq!(got.len(), 2, "one failure, then one retry: {got:?}");
    assert_eq!(got[1], json!({"status": "Completed", "job_id": job, "metadata": {"order": 7}}));

    let svix =
        s.post("/parse_async", json!({"input": file, "async": {"webhook": {"mode": "svix"}}})).await.job_id();
    s.finished(&svix).await;
    let listed = s.get("/studio/webhooks").await;
    let deliveries = listed.body["deliveries"].as_array().unwrap();
    let direct = deliveries.iter().find(|d| d["job_id"] == job).unwrap();
    assert_eq!(
        (&direct["state"], &direct["attempts"], &direct["last_status"]),
        (&json!("delivered"), &json!(2), &json!(200))
    );
    let hosted = deliveries.iter().find(|d| d["job_id"] == svix).unwrap();
    assert_eq!(hosted["state"], "not_deliverable");
    assert!(hosted["last_error"].as_str().unwrap().contains("direct"));

    let portal = s.post("/configure_webhook", json!(null)).await;
    assert!(portal.body.as_str().is_some_and(|u| u.ends_with("/webhooks.html")), "{}", portal.body);
    let private = s
        .post(
            "/parse_async",
            json!({"input": file, "async": {"webhook": {"url": "http://192.168.1.5/hook"}}}),
        )
        .await;
    private.expect(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_failing_webhook_is_retried_after_1_2_and_4_s_then_given_up() {
    let s = Server::new().await;
    let (url, received) = receiver(usize::MAX).await;
    let file = s.upload_pdf(&packet()).await;
    let body = json!({"input": file, "async": {"webhook": {"mode": "direct", "url": url}}});
    let job = s.post("/parse_async", body).await.job_id();
    s.finished(&job).await;
    assert_eq!(bodies(&received, 4).await.len(), 4);
    let delivery = || async {
        let listed = s.get("/studio/webhooks").await;
        listed.body["deliveries"].as_array().unwrap().iter().find(|d| d["job_id"] == job).unwrap().clone()
    };
    eventually("the delivery given up", Duration::from_secs(5), || async {
        delivery().await["state"] == "failed"
    })
    .await;
    let given_up = delivery().await;
    assert_eq!((&given_up["attempts"], &given_up["last_status"]), (&json!(4), &json!(500)), "{given_up}");
    assert!(given_up["last_error"].as_str().unwrap().contains("500"), "{given_up}");

    let times: Vec<std::time::Instant> = received.lock().unwrap().iter().map(|(at, _)| *at).collect();
    assert_eq!(times.len(), 4, "no attempt after the third retry");
    for (gap, seconds) in times.windows(2).map(|w| w[1] - w[0]).zip([1.0, 2.0, 4.0]) {
        let gap = gap.as_secs_f64();
        assert!(
            gap >= seconds - 0.05 && gap < seconds + 1.5,
            "a retry {gap:.2} s after the last, not {seconds} s"
        );
    }
}

#[tokio::test]
async fn a_webhook_receiver_that_redirects_is_not_followed() {
    // A redirect could lead the delivery anywhere, past the address checks: it is an answer.
    let (target, received) = receiver(0).await;
    let redirect = move || {
        let target = target.clone();
        async move { axum::response::Redirect::temporary(&target) }
    };
    let redirecting = axum::Router::new().route("/hook", axum::routing::post(redirect));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, redirecting).await.unwrap() });

    let s = Server::with(|c| c.allow_private_urls = false).await;
    let file = s.upload_pdf(&packet()).await;
    let job = s
        .post("/parse_async", json!({"input": file, "async": {"webhook": {"mode": "direct", "url": url}}}))
        .await;
    let job = job.job_id();
    s.finished(&job).await;
    eventually("the first attempt recorded", Duration::from_secs(10), || async {
        let listed = s.get("/studio/webhooks").await;
        listed.body["deliveries"][0]["last_status"] == 307
    })
    .await;
    assert!(received.lock().unwrap().is_empty(), "nothing reached the redirect's target");
}

#[tokio::test]
async fn a_webhook_pending_at_a_crash_is_sent_at_the_next_start() {
    let (url, received) = receiver(1).await;
    let mut server = Process::start(&[], &[]);
    let file = server.upload(packet()).await;
    let body = json!({"input": file, "async": {"webhook": {"mode": "direct", "url": url}, "metadata": {"order": 9}}});
    let (status, job) = server.post("/parse_async", body).await;
    assert_eq!(status, StatusCode::OK, "{job}");
    let job = job["job_id"].as_str().unwrap().to_owned();
    // The first attempt fails; the retry is a second away when the server is killed.
    assert_eq!(bodies(&received, 1).await.len(), 1);
    server.restart();
    let got = bodies(&received, 2).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[1], json!({"status": "Completed", "job_id": job, "metadata": {"order": 9}}));
    eventually("the delivery recorded as delivered", Duration::from_secs(5), || async {
        let (_, listed) = server.get("/studio/webhooks").await;
        listed["deliveries"][0]["state"] == "delivered"
    })
    .await;
}

#[tokio::test]
async fn every_job_is_listed_once_across_pages() {
    let s = Server::new().await;
    let file = s.upload_text("hello");
    let file = file.await;
    let mut made = Vec::new();
    for _ in 0..120 {
        made.push(s.post("/parse_async", json!({"input": file})).await.job_id());
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/jobs?limit=50&exclude_configs=true&cursor={c}"),
            None => "/jobs?limit=50&exclude_configs=true".into(),
        };
        let page = s.get(&uri).await;
        page.expect(StatusCode::OK);
        seen.extend(
            page.body["jobs"].as_array().unwrap().iter().map(|j| j["job_id"].as_str().unwrap().to_owned()),
        );
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    made.reverse();
    assert_eq!(seen, made, "newest first, each once");
}
