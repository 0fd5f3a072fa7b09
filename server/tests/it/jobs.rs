//! Jobs through the router: parse and pipeline runs, sync and async, on the one worker pool;
//! progress as pages complete, failures with their reasons, cancel, `/jobs` paging, and
//! what a restart does to unfinished jobs.

use std::time::Duration;

use crate::common::{
    eventually, packet, page_chunking, pages, pdf, rasterize, scanned_pdf, Process, Server, StandIns,
};
use axum::http::StatusCode;
use reducto_local::api::JobStatus;
use serde_json::{json, Value};

/// One worker and fault injection, so tests can slow jobs down and watch them.
async fn slow_server() -> Server {
    Server::with(|c| {
        c.workers = Some(1);
        c.enable_faults = true;
    })
    .await
}

async fn parse_async(s: &Server, input: &str, extra: Value) -> String {
    let mut body = json!({"input": input});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let reply = s.post("/parse_async", body).await;
    reply.expect(StatusCode::OK);
    assert_eq!(
        reply.body.as_object().unwrap().len(),
        1,
        "AsyncParseResponse is just the job id: {}",
        reply.body
    );
    reply.job_id()
}

#[tokio::test]
async fn an_async_parse_completes_with_its_parse_response() {
    let s = slow_server().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    s.page_delay(60).await;
    let id = parse_async(&s, &file_id, json!({"retrieval": {"chunking": {"chunk_mode": "page"}}})).await;

    let done = s
        .poll_until(&id, |job| {
            assert_eq!(job.as_object().unwrap().len(), 4, "status, progress, reason, result: {job}");
            job["status"] != "Pending"
        })
        .await;
    let job = &done.body;
    assert_eq!(job["status"], "Completed", "{job}");
    assert_eq!((&job["progress"], &job["reason"]), (&json!(1.0), &Value::Null));
    let result = &job["result"];
    assert_eq!((&result["response_type"], &result["job_id"]), (&json!("parse"), &json!(id)));
    assert_eq!(result["usage"]["num_pages"], 4);
    assert_eq!(result["result"]["chunks"].as_array().unwrap().len(), 4, "page chunking");
}

#[tokio::test]
async fn progress_grows_as_pages_complete() {
    let s = slow_server().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    s.page_delay(150).await;
    let id = parse_async(&s, &file_id, json!({})).await;
    let mut progress = Vec::new();
    let done = s
        .poll_until(&id, |job| {
            let pending = job["status"] == "Pending";
            if pending {
                progress.push(job["progress"].as_f64().expect("a pending job reports a number"));
            }
            !pending
        })
        .await;
    assert_eq!(done.body["status"], "Completed");
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "progress never goes back: {progress:?}");
    assert!(
        progress.iter().any(|&p| p > 0.0 && p < 1.0),
        "some progress between 0 and 1 was seen: {progress:?}"
    );
    assert!(
        progress.iter().all(|p| [0.0, 0.25, 0.5, 0.75, 1.0].contains(p)),
        "pages done / pages: {progress:?}"
    );
}

#[tokio::test]
async fn sync_parse_awaits_the_same_kind_of_job() {
    let s = Server::new().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    let started = std::time::Instant::now();
    let reply =
        s.post("/parse", json!({"input": file_id, "retrieval": {"chunking": {"chunk_mode": "page"}}})).await;
    let elapsed = started.elapsed().as_secs_f64();
    reply.expect(StatusCode::OK);
    let parse = &reply.body;
    assert_eq!((&parse["response_type"], &parse["usage"]["num_pages"]), (&json!("parse"), &json!(4)));
    assert_eq!(parse["result"]["chunks"].as_array().unwrap().len(), 4);
    let duration = parse["duration"].as_f64().unwrap();
    assert!(
        duration > 0.0 && duration <= elapsed,
        "the job's own time, {duration} s, within the call's {elapsed} s"
    );

    // The sync run is a job like any other: it can be fetched and is listed.
    let job = s.get(&format!("/job/{}", reply.job_id())).await;
    assert_eq!((&job.body["status"], &job.body["result"]), (&json!("Completed"), parse));
    let listed = s.get("/jobs").await;
    assert_eq!(listed.body["jobs"][0]["job_id"], json!(reply.job_id()));

    // `async` in a /parse body asks for a job id instead, as AsyncParseConfig does.
    let queued = s.post("/parse", json!({"input": file_id, "async": {"priority": false}})).await;
    queued.expect(StatusCode::OK);
    let done = s.finished(&queued.job_id()).await;
    assert_eq!(done.body["result"]["usage"]["num_pages"], 4);

    // Unknown fields are ignored, as the real API does; the older nested `options` works too.
    let nested = s
        .post(
            "/parse",
            json!({"input": file_id, "options": {"chunking": {"chunk_mode": "page"}}, "frobnicate": 1}),
        )
        .await;
    nested.expect(StatusCode::OK);
    assert_eq!(nested.body["result"]["chunks"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn parse_request_errors() {
    let s = Server::new().await;
    let missing = s.post("/parse", json!({"retrieval": {}})).await;
    assert_eq!(missing.validation()["loc"], json!(["body", "input"]));
    let bad_mode = s
        .post("/parse_async", json!({"input": "reducto://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "retrieval": {"chunking": {"chunk_mode": "sentences"}}}))
        .await;
    assert_eq!(bad_mode.validation()["loc"], json!(["body", "retrieval", "chunking", "chunk_mode"]));
    let ghost = s.post("/parse_async", json!({"input": "reducto://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})).await;
    ghost.expect(StatusCode::NOT_FOUND);
    let listed = s.get("/jobs").await;
    assert_eq!(listed.body["jobs"], json!([]), "a refused request queues no job");
}

#[tokio::test]
async fn a_document_that_cannot_be_read_fails_its_job_with_the_reason() {
    let s = Server::new().await;
    let cases = [
        ("imagemagick-images.pdf", json!({}), "no text layer"),
        ("libreoffice-writer-password.pdf", json!({}), "settings.document_password"),
        (
            "libreoffice-writer-password.pdf",
            json!({"settings": {"document_password": "guess"}}),
            "does not open",
        ),
    ];
    for (name, extra, reason) in cases {
        let file_id = s.upload_fixture(name).await;
        let id = parse_async(&s, &file_id, extra).await;
        let job = s.finished(&id).await;
        assert_eq!((&job.body["status"], &job.body["result"]), (&json!("Failed"), &Value::Null), "{name}");
        let got = job.body["reason"].as_str().unwrap();
        assert!(got.contains(reason), "{name}: {got}");
    }
    let locked = s.upload_fixture("libreoffice-writer-password.pdf").await;
    let id = parse_async(&s, &locked, json!({"settings": {"document_password": "openpassword"}})).await;
    assert_eq!(s.finished(&id).await.body["status"], "Completed");

    let corrupt = s.upload("/upload?extension=pdf", "file", "x.pdf", b"%PDF-1.4\nbroken").await;
    let id = parse_async(&s, corrupt.body["file_id"].as_str().unwrap(), json!({})).await;
    let job = s.finished(&id).await;
    assert!(job.body["reason"].as_str().unwrap().contains("could not be read"), "{}", job.body);
}

#[tokio::test]
async fn cancel_stops_a_running_job_and_frees_its_worker() {
    let s = slow_server().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    s.page_delay(300).await;
    let running = parse_async(&s, &file_id, json!({})).await;
    let queued = parse_async(&s, &file_id, json!({})).await;
    s.poll_until(&running, |job| job["progress"].as_f64().unwrap_or(0.0) > 0.0).await;

    // A queued job is cancelled before it ever runs.
    let cancelled = s.post(&format!("/cancel/{queued}"), json!({})).await;
    cancelled.expect(StatusCode::OK);
    assert_eq!(cancelled.body["status"], "Failed");
    assert_eq!(cancelled.body["reason"], "Cancelled by the user");

    let stopped = s.post(&format!("/cancel/{running}"), json!({})).await;
    stopped.expect(StatusCode::OK);
    assert_eq!(
        (&stopped.body["status"], &stopped.body["reason"]),
        (&json!("Failed"), &json!("Cancelled by the user"))
    );
    let again = s.post(&format!("/cancel/{running}"), json!({})).await;
    again.expect(StatusCode::OK);
    assert_eq!(again.body, stopped.body, "cancelling twice changes nothing");

    // The one worker is free again: a new job completes.
    s.page_delay(0).await;
    let next = parse_async(&s, &file_id, json!({})).await;
    assert_eq!(s.finished(&next).await.body["status"], "Completed");
    let job = s.get(&format!("/job/{running}")).await;
    assert_eq!(
        (&job.body["status"], &job.body["result"]),
        (&json!("Failed"), &Value::Null),
        "the cancelled job never completes"
    );

    let listed = s.get("/jobs").await;
    let statuses: Vec<(&str, &str)> = listed.body["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| (j["job_id"].as_str().unwrap(), j["status"].as_str().unwrap()))
        .collect();
    assert!(statuses.contains(&(running.as_str(), "Cancelled")), "{statuses:?}");
    assert!(statuses.contains(&(queued.as_str(), "Cancelled")), "{statuses:?}");

    let done = s.post(&format!("/cancel/{next}"), json!({})).await;
    done.expect(StatusCode::CONFLICT);
    assert!(done.detail().contains("already completed"), "{}", done.detail());
    let unknown = s.post("/cancel/no-such-job", json!({})).await;
    unknown.expect(StatusCode::NOT_FOUND);
    assert_eq!(unknown.detail(), "Job 'no-such-job' not found");
    s.get("/job/no-such-job").await.expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_sync_caller_learns_its_job_was_cancelled() {
    let s = slow_server().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    s.page_delay(200).await;
    let waiting = {
        let s = &s;
        let file_id = file_id.clone();
        async move { s.post("/parse", json!({"input": file_id})).await }
    };
    let cancelling = async {
        let listed = std::time::Instant::now();
        let id = loop {
            let jobs = s.get("/jobs").await;
            if let Some(id) = jobs.body["jobs"][0]["job_id"].as_str() {
                break id.to_owned();
            }
            assert!(listed.elapsed() < Duration::from_secs(10), "the sync parse's job was never listed");
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        s.post(&format!("/cancel/{id}"), json!({})).await.expect(StatusCode::OK);
        id
    };
    let (reply, id) = tokio::join!(waiting, cancelling);
    reply.expect(StatusCode::CONFLICT);
    assert_eq!(reply.detail(), format!("Job '{id}' was cancelled"));
}

#[tokio::test]
async fn jobs_are_listed_newest_first_by_cursor() {
    let s = Server::new().await;
    let file_id = s.upload_text("Hello.\n\nWorld.").await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let reply =
            s.post("/parse", json!({"input": file_id, "settings": {"document_password": "s3cret"}})).await;
        reply.expect(StatusCode::OK);
        ids.push(reply.job_id());
    }
    ids.reverse();

    let mut listed = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let uri = match &cursor {
            Some(c) => format!("/jobs?limit=2&cursor={c}"),
            None => "/jobs?limit=2".to_owned(),
        };
        let page = s.get(&uri).await;
        page.expect(StatusCode::OK);
        let jobs = page.body["jobs"].as_array().unwrap();
        assert!(jobs.len() <= 2);
        for job in jobs {
            assert_eq!((&job["status"], &job["type"]), (&json!("Completed"), &json!("Parse")));
            assert_eq!((&job["num_pages"], &job["total_pages"]), (&json!(1), &json!(1)));
            assert!(job["duration"].as_f64().is_some() && job["created_at"].as_str().unwrap().ends_with('Z'));
            let raw: Value = serde_json::from_str(job["raw_config"].as_str().unwrap()).unwrap();
            assert_eq!(raw["input"], json!(file_id));
            assert_ne!(raw["settings"]["document_password"], "s3cret", "passwords are masked");
            listed.push(job["job_id"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(listed, ids, "every job once, newest first");

    let slim = s.get("/jobs?exclude_configs=true&limit=500").await;
    slim.expect(StatusCode::OK);
    assert!(slim.body["jobs"].as_array().unwrap().iter().all(|j| j["raw_config"] == ""));
    assert_eq!(slim.body["next_cursor"], Value::Null);

    for (query, loc, kind) in [
        ("limit=0", "limit", "greater_than_equal"),
        ("limit=501", "limit", "less_than_equal"),
        ("limit=ten", "limit", "int_parsing"),
        ("exclude_configs=maybe", "exclude_configs", "bool_parsing"),
        ("cursor=not-a-cursor", "cursor", "value_error"),
    ] {
        let reply = s.get(&format!("/jobs?{query}")).await;
        let e = reply.validation();
        assert_eq!((&e["loc"], &e["type"]), (&json!(["query", loc]), &json!(kind)), "{query}");
    }
}

#[tokio::test]
async fn pipelines_run_async_and_say_which_version_ran() {
    let s = Server::new().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    let id = s.create(page_chunking()).await;
    s.deploy(&id).await;
    let reply = s.post("/pipeline_async", json!({"input": file_id, "pipeline_id": id, "async": {}})).await;
    reply.expect(StatusCode::OK);
    assert_eq!(reply.header("x-pipeline-version"), "1");
    let job = s.finished(&reply.job_id()).await;
    assert_eq!(job.header("x-pipeline-version"), "1");
    let result = &job.body["result"];
    assert_eq!((&result["response_type"], &result["job_id"]), (&json!("pipeline"), &json!(reply.job_id())));
    assert_eq!(result["result"]["parse"]["result"]["chunks"].as_array().unwrap().len(), 4);
    assert_eq!((&result["result"]["split"], &result["result"]["extract"]), (&Value::Null, &Value::Null));
    let listed = s.get("/jobs").await;
    assert_eq!(listed.body["jobs"][0]["type"], "Pipeline");

    let never = s.create(json!({})).await;
    let refused = s.post("/pipeline_async", json!({"input": file_id, "pipeline_id": never})).await;
    refused.expect(StatusCode::CONFLICT);
    let split = s.create(json!({"split": {"categories": [{"name": "a", "description": "b"}]}})).await;
    s.deploy(&split).await;
    let split_job = s.post("/pipeline_async", json!({"input": file_id, "pipeline_id": split})).await;
    split_job.expect(StatusCode::OK);
    let done = s.finished(&split_job.job_id()).await;
    assert_eq!(done.body["result"]["result"]["split"]["usage"]["num_pages"], 4);
}

#[tokio::test]
async fn jobid_inputs_reuse_an_earlier_parse() {
    let s = slow_server().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    let first = s.post("/parse", json!({"input": file_id})).await;
    first.expect(StatusCode::OK);
    assert_eq!(first.body["result"]["chunks"].as_array().unwrap().len(), 1);
    let reuse = format!("jobid://{}", first.job_id());

    let again =
        s.post("/parse", json!({"input": reuse, "retrieval": {"chunking": {"chunk_mode": "page"}}})).await;
    again.expect(StatusCode::OK);
    assert_eq!(again.body["usage"]["num_pages"], 4);
    assert_eq!(again.body["result"]["chunks"].as_array().unwrap().len(), 4, "re-chunked by page");

    let id = s.create(page_chunking()).await;
    s.deploy(&id).await;
    let run = s.run(&id, json!(reuse)).await;
    run.expect(StatusCode::OK);
    assert_eq!(run.chunks().len(), 4);
    let from_pipeline = s.post("/parse", json!({"input": format!("jobid://{}", run.job_id())})).await;
    from_pipeline.expect(StatusCode::OK);
    assert_eq!(from_pipeline.body["usage"]["num_pages"], 4, "a pipeline job's parse is reusable too");

    let scan = s.upload_fixture("imagemagick-images.pdf").await;
    let failed = parse_async(&s, &scan, json!({})).await;
    s.finished(&failed).await;
    let reply = s.post("/parse", json!({"input": format!("jobid://{failed}")})).await;
    reply.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.detail().contains("no text layer"), "{}", reply.detail());

    s.page_delay(200).await;
    let pending = parse_async(&s, &file_id, json!({})).await;
    let reply = s.post("/parse", json!({"input": format!("jobid://{pending}")})).await;
    reply.expect(StatusCode::CONFLICT);
    assert!(reply.detail().contains("has not completed yet"), "{}", reply.detail());
    s.post(&format!("/cancel/{pending}"), json!({})).await.expect(StatusCode::OK);
}

#[tokio::test]
async fn extract_and_split_check_their_bodies_then_run_as_jobs() {
    let s = Server::new().await;
    let file_id = s.upload_fixture("minimal-document.pdf").await;
    let missing = s.post("/split", json!({"input": file_id})).await;
    assert_eq!(missing.validation()["loc"], json!(["body", "split_description"]));
    let empty = s.post("/split_async", json!({"input": file_id, "split_description": []})).await;
    assert_eq!(empty.validation()["type"], "too_short");
    let bad_schema = s.post("/extract", json!({"input": file_id, "instructions": {"schema": "text"}})).await;
    assert_eq!(bad_schema.validation()["loc"], json!(["body", "instructions", "schema"]));
    let ghost = s.post("/extract", json!({"input": "reducto://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})).await;
    ghost.expect(StatusCode::NOT_FOUND);

    let split = json!({"input": file_id, "split_description": [{"name": "intro", "description": "The start", "extra": 1}]});
    let extract = json!({"input": file_id, "instructions": {"schema": {"type": "object"}}, "settings": {"citations": {"enabled": true}}});
    let reply = s.post("/split", split.clone()).await;
    reply.expect(StatusCode::OK);
    assert_eq!(reply.body["result"]["section_mapping"], json!({"intro": []}));
    let reply = s.post("/extract", extract.clone()).await;
    reply.expect(StatusCode::OK);
    assert_eq!(reply.body["result"], json!({}));
    for (uri, body) in [("/split_async", &split), ("/extract_async", &extract)] {
        let job = s.finished(&s.post(uri, body.clone()).await.job_id()).await;
        assert_eq!(job.body["status"], "Completed", "{uri}");
    }
}

#[tokio::test]
async fn a_graceful_restart_resumes_the_jobs_it_interrupted() {
    let s = slow_server().await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    s.page_delay(200).await;
    let running = parse_async(&s, &file_id, json!({})).await;
    let queued = parse_async(&s, &file_id, json!({})).await;
    s.poll_until(&running, |job| job["progress"].as_f64().unwrap_or(0.0) > 0.0).await;
    let store = s.state.store.clone();
    let dir = s.shut_down().await;
    for id in [&running, &queued] {
        assert_eq!(
            store.get_job(id).unwrap().unwrap().status,
            JobStatus::Pending,
            "{id} waits for the next start"
        );
    }
    drop(store);

    let restarted = Server::over(dir, |c| c.workers = Some(1)).await;
    for id in [&running, &queued] {
        let job = restarted.finished(id).await;
        assert_eq!(job.body["status"], "Completed", "{id}: {}", job.body);
        assert_eq!(job.body["result"]["usage"]["num_pages"], 4);
    }
}

#[tokio::test]
async fn a_crash_during_a_job_resumes_it_or_fails_it_with_a_reason() {
    // A crash is simulated by leaving jobs InProgress in the store, as a killed server would.
    let s = Server::new().await;
    let file_id = s.upload_fixture("minimal-document.pdf").await;
    let done = s.post("/parse", json!({"input": file_id})).await;
    let spec_of_done = s.state.store.get_job(&done.job_id()).unwrap().unwrap();
    assert_eq!(spec_of_done.status, JobStatus::Completed);
    let dir = s.shut_down().await;

    let (interrupted, crashy) = {
        use reducto_local::store::{NewJob, Store};
        let store = Store::open(&dir.path().join("data")).unwrap();
        let spec = format!(
            r#"{{"task":{{"type":"parse"}},"input":[{{"kind":"file","id":"{file_id}"}}],"parse":{{"chunking":{{"mode":"disabled"}}}}}}"#
        );
        let new = |id| NewJob {
            id,
            kind: reducto_local::store::JobKind::Parse,
            pipeline_id: None,
            pipeline_version: None,
            input: "\"x\"",
            config: "{}",
            spec: &spec,
        };
        store.insert_job(&new("interrupted")).unwrap();
        store.start_job("interrupted").unwrap();
        store.insert_job(&new("crashy")).unwrap();
        for _ in 0..reducto_local::jobs::MAX_ATTEMPTS {
            store.start_job("crashy").unwrap();
            store.requeue_job("crashy").unwrap();
        }
        store.start_job("crashy").unwrap();
        ("interrupted", "crashy")
    };

    let s = Server::over(dir, |_| {}).await;
    let resumed = s.finished(interrupted).await;
    assert_eq!(resumed.body["status"], "Completed", "{}", resumed.body);
    assert_eq!(resumed.body["result"]["job_id"], interrupted);
    let given_up = s.get(&format!("/job/{crashy}")).await;
    assert_eq!(given_up.body["status"], "Failed");
    assert!(given_up.body["reason"].as_str().unwrap().contains("not started again"), "{}", given_up.body);
}

#[tokio::test]
async fn a_document_that_reads_too_long_fails_with_the_reason() {
    let s = Server::with(|c| {
        c.enable_faults = true;
        // Room for a debug build on a busy machine to read the document without the delay.
        c.parse_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    let text: Vec<String> = (1..=10).map(|n| format!("Page {n}")).collect();
    let file_id = s.upload_pdf(&crate::common::pdf(&crate::common::pages(&text.join("\u{c}")))).await;
    // Ten pages at a second each cannot fit in two seconds.
    s.page_delay(1_000).await;

    let sync = s.post("/parse", json!({"input": file_id})).await;
    sync.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let detail = sync.detail();
    assert!(detail.contains("--parse-timeout-secs") && detail.contains("of 10 pages"), "{detail}");

    let queued = s.post("/parse_async", json!({"input": file_id})).await;
    let job = s.finished(&queued.job_id()).await;
    assert_eq!(job.body["status"], "Failed");
    assert!(job.body["reason"].as_str().unwrap().contains("2 s the server allows"), "{}", job.body);
    let jobs = s.get("/jobs").await;
    assert_eq!(jobs.body["jobs"][0]["status"], "Failed");

    // Without the delay the same document reads well within the limit.
    s.page_delay(0).await;
    s.post("/parse", json!({"input": file_id})).await.expect(StatusCode::OK);
}

#[tokio::test]
async fn a_caller_may_ask_for_a_shorter_time_limit() {
    let s = Server::with(|c| c.enable_faults = true).await;
    let text: Vec<String> = (1..=10).map(|n| format!("Page {n}")).collect();
    let file_id = s.upload_pdf(&crate::common::pdf(&crate::common::pages(&text.join("\u{c}")))).await;
    s.page_delay(1_000).await;
    let reply = s.post("/parse", json!({"input": file_id, "settings": {"timeout": 1.5}})).await;
    reply.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let detail = reply.detail();
    assert!(detail.contains("1.5 s settings.timeout asks for") && detail.contains("of 10 pages"), "{detail}");
}

#[tokio::test]
async fn the_time_limit_holds_even_when_no_page_ends() {
    // A URL input whose server takes the connection and never answers: the fetch would wait
    // for its own 60 s timeout, but the job fails when the 1 s parse limit is up.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/never.pdf", silent.local_addr().unwrap());
    let s = Server::with(|c| c.parse_timeout = std::time::Duration::from_secs(1)).await;

    let reply = s.post("/parse", json!({"input": url})).await;
    reply.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let detail = reply.detail();
    assert!(detail.contains("1 s the server allows") && detail.contains("before its first page"), "{detail}");
    drop(silent);
}

#[tokio::test]
async fn a_document_password_is_never_stored_and_a_restart_asks_for_it_again() {
    let s = slow_server().await;
    let locked = s.upload_fixture("libreoffice-writer-password.pdf").await;
    let file_id = s.upload_fixture("pdflatex-4-pages.pdf").await;
    s.page_delay(300).await;
    let blocker = parse_async(&s, &file_id, json!({})).await;
    let waiting = parse_async(&s, &locked, json!({"settings": {"document_password": "openpassword"}})).await;
    s.poll_until(&blocker, |job| job["progress"].as_f64().unwrap_or(0.0) > 0.0).await;
    let db = std::fs::read(s.dir.path().join("data/reducto.sqlite3")).unwrap();
    let wal = std::fs::read(s.dir.path().join("data/reducto.sqlite3-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(12).any(|w| w == b"openpassword"), "the password never reaches the database");
    }
    let dir = s.shut_down().await;

    let restarted = Server::over(dir, |c| c.workers = Some(1)).await;
    let job = restarted.finished(&waiting).await;
    assert_eq!(job.body["status"], "Failed", "{}", job.body);
    assert!(job.body["reason"].as_str().unwrap().contains("send the request again"), "{}", job.body);
    let other = restarted.finished(&blocker).await;
    assert_eq!(other.body["status"], "Completed", "a job without a password resumes: {}", other.body);
}

#[tokio::test]
async fn a_workers_slot_is_held_until_its_engine_thread_ends_not_until_the_deadline() {
    // A stand-in for tesseract that waits for a gate file, so the test decides when the
    // engine's thread (which waits for tesseract) ends.
    let gates = tempfile::tempdir().unwrap();
    let gate = gates.path().join("gate");
    let wait = format!("while [ ! -e '{}' ]; do sleep 0.05; done", gate.display());
    let tools = StandIns::new(&[("tesseract", &wait)]);
    let server = Process::start(&["--workers", "1", "--parse-timeout-secs", "1"], &[("PATH", &tools.path())]);

    let scan = server.upload(scanned_pdf(&[rasterize(&packet(), 1, "jpeg", 100)])).await;
    let (_, queued) = server.post("/parse_async", json!({"input": scan})).await;
    let scanning = queued["job_id"].as_str().unwrap().to_owned();
    let text = server.upload(pdf(&pages("Invoice Number: T-5"))).await;
    let job_status = |id: String| {
        let server = &server;
        async move { server.get(&format!("/job/{id}")).await.1 }
    };
    eventually("the scan failing at its deadline", Duration::from_secs(20), || async {
        job_status(scanning.clone()).await["status"] == "Failed"
    })
    .await;
    let failed = job_status(scanning.clone()).await;
    assert!(failed["reason"].as_str().unwrap().contains("1 s the server allows"), "{failed}");

    // Its engine's thread still waits for tesseract, so the one worker is not free: the next
    // job waits (watched for a second, in which a free worker would have started it) ...
    let (_, queued) = server.post("/parse_async", json!({"input": text})).await;
    let next = queued["job_id"].as_str().unwrap().to_owned();
    let watched = std::time::Instant::now();
    while watched.elapsed() < Duration::from_secs(1) {
        assert_eq!(job_status(next.clone()).await["status"], "Pending", "the slot is still held");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // ... until the thread ends.
    std::fs::write(&gate, "").unwrap();
    eventually("the next job completing", Duration::from_secs(20), || async {
        job_status(next.clone()).await["status"] == "Completed"
    })
    .await;
}
