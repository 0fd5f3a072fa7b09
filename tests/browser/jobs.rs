//! Jobs: start one, wait for it with progress, see it fail with the server's reason, stop
//! waiting without stopping it, cancel it, and page through the list.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use gloo_net::http::Method;
use js_sys::{Array, Object, Reflect};
use reducto_wasm::Reducto;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::AbortController;

use crate::*;

/// Makes the faults server's workers take `ms` per page, so jobs run long enough to watch.
async fn slow_pages(ms: u32) {
    reset_faults().await;
    let body = format!(r#"{{"page_delay_ms": {ms}}}"#);
    call_server(faults_url(), Method::POST, "/_faults/engine", Some(&body)).await;
}

async fn start_pipeline_job(client: &Reducto, file: web_sys::File) -> String {
    let pipeline_id = deployed_pipeline(faults_url(), r#"{"parse": {}}"#).await;
    let params = Object::new();
    Reflect::set(&params, &"input".into(), &file).unwrap();
    Reflect::set(&params, &"pipeline_id".into(), &pipeline_id.into()).unwrap();
    let job =
        resolve(client.pipeline().run_job(params.into(), JsValue::UNDEFINED)).await.expect("the job starts");
    get(&job, "job_id").as_string().unwrap()
}

fn wait_options(signal: Option<&web_sys::AbortSignal>, extra: &str) -> (Object, Rc<RefCell<Vec<f64>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let on_progress = Closure::<dyn FnMut(JsValue)>::new(move |progress: JsValue| {
        sink.borrow_mut().push(progress.as_f64().unwrap());
    });
    let options: Object = json(&format!("{{{extra}}}")).unchecked_into();
    Reflect::set(&options, &"onProgress".into(), &on_progress.into_js_value()).unwrap();
    if let Some(signal) = signal {
        Reflect::set(&options, &"signal".into(), signal).unwrap();
    }
    (options, seen)
}

#[wasm_bindgen_test]
async fn a_job_is_waited_for_with_its_progress() {
    slow_pages(150).await;
    let client = faults_client("");
    let job_id = start_pipeline_job(&client, pdf_file()).await;
    let (options, seen) = wait_options(None, r#""pollInterval": 50"#);
    let result = resolve(client.job().wait(job_id.into(), options.into())).await.expect("the job completes");
    assert_eq!(get(&result, "usage.num_pages"), 4);
    assert_eq!(get(&result, "result.parse.usage.num_pages"), 4);
    let seen = seen.borrow();
    assert!(!seen.is_empty(), "progress was reported");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "each report is new and larger: {seen:?}");
    assert!(seen.iter().all(|p| (0.0..=1.0).contains(p)), "{seen:?}");
}

#[wasm_bindgen_test]
async fn a_failed_job_throws_job_failed_error_with_the_servers_reason() {
    slow_pages(0).await;
    let client = faults_client("");
    let job_id = start_pipeline_job(&client, file(b"%PDF-1.7\nthis is not really a PDF", "broken.pdf")).await;
    let error = resolve(client.job().wait(job_id.clone().into(), JsValue::UNDEFINED))
        .await
        .expect_err("the job fails");
    assert!(error.has_type::<JobFailedError>() && error.has_type::<ReductoError>(), "{}", message(&error));
    assert_eq!(get(&error, "jobId").as_string().unwrap(), job_id);
    let reason = get(&error, "reason").as_string().unwrap();
    assert_eq!(reason, "The PDF could not be read: Invalid cross-reference table");
    assert!(message(&error).contains(&reason), "{}", message(&error));
}

#[wasm_bindgen_test]
async fn aborting_a_wait_stops_polling_but_not_the_job() {
    slow_pages(400).await;
    let client = faults_client("");
    let job_id = start_pipeline_job(&client, pdf_file()).await;
    let controller = AbortController::new().unwrap();
    let (options, _) = wait_options(Some(&controller.signal()), r#""pollInterval": 50"#);
    let waiting = client.job().wait(job_id.clone().into(), options.into());
    abort_after(&controller, 200);
    let error = resolve(waiting).await.expect_err("the wait is aborted");
    assert!(error.has_type::<APIUserAbortError>(), "{}", message(&error));

    let job = resolve(client.job().get(job_id.clone().into(), JsValue::UNDEFINED)).await.unwrap();
    assert_eq!(get(&job, "status"), "Pending", "the job goes on");
    let result = resolve(client.job().wait(job_id.into(), JsValue::UNDEFINED)).await.expect("and completes");
    assert_eq!(get(&result, "usage.num_pages"), 4);
}

#[wasm_bindgen_test]
async fn a_cancelled_job_ends_as_failed() {
    slow_pages(500).await;
    let client = faults_client("");
    let job_id = start_pipeline_job(&client, pdf_file()).await;
    resolve(client.job().cancel(job_id.clone().into(), JsValue::UNDEFINED))
        .await
        .expect("cancel is accepted");
    let error = resolve(client.job().wait(job_id.into(), JsValue::UNDEFINED))
        .await
        .expect_err("a cancelled job does not complete");
    assert!(error.has_type::<JobFailedError>(), "{}", message(&error));
}

#[wasm_bindgen_test]
async fn wait_gives_up_after_its_timeout_and_says_the_job_goes_on() {
    slow_pages(500).await;
    let client = faults_client("");
    let job_id = start_pipeline_job(&client, pdf_file()).await;
    let error =
        resolve(client.job().wait(job_id.clone().into(), options(r#"{"timeout": 300}"#))).await.unwrap_err();
    assert!(
        error.has_type::<JobWaitTimeoutError>() && error.has_type::<ReductoError>(),
        "{}",
        message(&error)
    );
    assert!(!error.has_type::<APIError>(), "{}", message(&error));
    assert_eq!(Reflect::get(&error, &"jobId".into()).unwrap().as_string(), Some(job_id));
    assert!(
        message(&error).contains("options.timeout") && message(&error).contains("still running"),
        "{}",
        message(&error)
    );
}

#[wasm_bindgen_test]
async fn the_job_list_pages_with_its_cursor() {
    slow_pages(0).await;
    let client = faults_client("");
    let upload = resolve(client.upload(pdf_file().into(), JsValue::UNDEFINED)).await.unwrap();
    let input = get(&upload, "file_id").as_string().unwrap();
    let mut started = HashSet::new();
    for _ in 0..3 {
        let job =
            resolve(client.parse().run_job(json(&format!(r#"{{"input": "{input}"}}"#)), JsValue::UNDEFINED))
                .await
                .unwrap();
        started.insert(get(&job, "job_id").as_string().unwrap());
    }
    let (mut listed, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let params = match &cursor {
            Some(cursor) => format!(r#"{{"limit": 2, "cursor": "{cursor}"}}"#),
            None => r#"{"limit": 2}"#.to_string(),
        };
        let page =
            resolve(client.job().list(options(&params), JsValue::UNDEFINED)).await.expect("a page of jobs");
        let jobs: Array = get(&page, "jobs").unchecked_into();
        assert!(jobs.length() <= 2, "limit is respected");
        listed.extend(jobs.iter().map(|job| get(&job, "job_id").as_string().unwrap()));
        pages += 1;
        cursor = get(&page, "next_cursor").as_string();
        if cursor.is_none() {
            break;
        }
    }
    let unique: HashSet<_> = listed.iter().cloned().collect();
    assert_eq!(unique.len(), listed.len(), "no job is listed twice");
    assert!(started.is_subset(&unique), "every started job is listed");
    assert!(pages >= 2, "{} jobs came in {pages} pages of 2", listed.len());
}
