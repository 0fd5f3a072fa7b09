//! `client.job`: follow work started with `runJob` (`GET /job/{id}`, `POST /cancel/{id}`,
//! `DELETE /job/{id}`, `GET /jobs`), and `wait`, which polls until the job ends. `list` (alias
//! `getAll`, the official SDK's name) is a page and an async iterable of every job.

use std::rc::Rc;

use gloo_net::http::Method;
use js_sys::{Date, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;

use crate::abort::sleep;
use crate::args::{self, describe, js_text};
use crate::core::{promise, Inner};
use crate::errors::{argument_error, job_failed_error, job_wait_timeout_error, reducto_error, ErrorClass};
use crate::options::{non_negative, JobWaitOptions, RequestOptions};
use crate::params::JobListParams;
use crate::transport::Call;

#[wasm_bindgen(module = "/js/paging.js")]
extern "C" {
    /// `first_page`, made an async iterable that fetches later pages with `next_page(cursor)`.
    #[wasm_bindgen(js_name = walkPages)]
    fn walk_pages(first_page: &Promise, next_page: &Function) -> Promise;
}

/// Polling starts quickly, for short jobs, and slows down to this for long ones.
const FIRST_POLL_MS: f64 = 250.0;
const MAX_POLL_MS: f64 = 5_000.0;
const POLL_GROWTH: f64 = 1.5;

/// The `client.job` resource.
#[wasm_bindgen]
pub struct Job {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Job {
    /// The job's status, progress and, once `Completed`, its result.
    #[wasm_bindgen(unchecked_return_type = "Promise<JobResponse>")]
    pub fn get(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.inner.call(job_path("/job/", &job_id).map(|path| Call::new(Method::GET, path)), options)
    }

    /// Asks the server to stop the job.
    #[wasm_bindgen(unchecked_return_type = "Promise<unknown>")]
    pub fn cancel(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.inner.call(job_path("/cancel/", &job_id).map(|path| Call::new(Method::POST, path)), options)
    }

    /// Deletes the job and its result, cancelling it first if it still runs; later use of its
    /// id is a 404.
    #[wasm_bindgen(unchecked_return_type = "Promise<unknown>")]
    pub fn delete(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.inner.call(job_path("/job/", &job_id).map(|path| Call::new(Method::DELETE, path)), options)
    }

    /// One page of jobs, newest first (pass `next_cursor` back as `cursor` for the next page);
    /// `for await (const job of client.job.list())` walks every page.
    #[wasm_bindgen(unchecked_return_type = "Promise<JobsPage> & AsyncIterable<JobSummary>")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "JobListParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let first = self.inner.call(list_call(&params, None), options.clone());
        let inner = self.inner.clone();
        let next_page = Closure::<dyn FnMut(String) -> Promise>::new(move |cursor: String| {
            inner.call(list_call(&params, Some(cursor)), options.clone())
        });
        walk_pages(&first, next_page.into_js_value().unchecked_ref())
    }

    /// `list`, by the official SDK's name.
    #[wasm_bindgen(js_name = getAll, unchecked_return_type = "Promise<JobsPage> & AsyncIterable<JobSummary>")]
    pub fn get_all(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "JobListParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.list(params, options)
    }

    /// Polls the job with growing intervals until it ends: resolves with its result when
    /// `Completed`, throws `JobFailedError` when it failed or was cancelled. Aborting `signal`
    /// or passing `timeout` stops the waiting, not the job (`cancel` stops the job).
    #[wasm_bindgen(unchecked_return_type = "Promise<JobResult>")]
    pub fn wait(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "JobWaitOptions")] options: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let poll = Call::new(Method::GET, job_path("/job/", &job_id)?);
            let job_id = job_id.as_string().unwrap_or_default();
            let options: JobWaitOptions = args::read(&options, "options")?;
            let mut interval =
                non_negative("options.pollInterval", options.poll_interval)?.unwrap_or(FIRST_POLL_MS);
            let timeout = non_negative("options.timeout", options.timeout)?;
            let deadline = timeout.map(|ms| Date::now() + ms);
            let request_options =
                RequestOptions { signal: options.signal.clone(), ..RequestOptions::default() };
            let mut last_progress = None;
            loop {
                let job = inner.send(&poll, &request_options).await?;
                let field = |key: &str| Reflect::get(&job, &key.into()).unwrap_or_default();
                match field("status").as_string().as_deref() {
                    Some("Completed") => return Ok(field("result")),
                    Some(status @ ("Failed" | "Cancelled")) => {
                        let reason = field("reason")
                            .as_string()
                            .unwrap_or_else(|| format!("the job ended as {status}"));
                        return Err(job_failed_error(&job_id, &reason));
                    }
                    _ => {}
                }
                let progress = field("progress").as_f64();
                if let (Some(callback), Some(progress)) = (&options.on_progress, progress) {
                    if last_progress != Some(progress) {
                        // A throwing callback is the caller's bug; it must not end the wait.
                        let _ = callback.call2(&JsValue::NULL, &progress.into(), &job);
                        last_progress = Some(progress);
                    }
                }
                let mut wait = interval;
                if let (Some(deadline), Some(timeout)) = (deadline, timeout) {
                    let left = deadline - Date::now();
                    if left <= 0.0 {
                        return Err(job_wait_timeout_error(&job_id, &js_text(&timeout.into())));
                    }
                    wait = wait.min(left);
                }
                if !sleep(wait, options.signal.as_ref()).await {
                    return Err(reducto_error(
                        ErrorClass::UserAbort,
                        "job.wait was aborted; the job goes on",
                    ));
                }
                interval = (interval * POLL_GROWTH).min(MAX_POLL_MS);
            }
        })
    }
}

/// `GET /jobs` with the paging params checked; `cursor` (a later page's) wins over theirs.
fn list_call(params: &JsValue, cursor: Option<String>) -> Result<Call, JsValue> {
    let params: JobListParams = args::read(params, "params")?;
    let mut call = Call::new(Method::GET, "/jobs");
    if let Some(cursor) = cursor.or(params.cursor) {
        call = call.with_query("cursor", cursor);
    }
    if let Some(limit) = params.limit {
        if !(1..=500).contains(&limit) {
            return Err(argument_error(&format!(
                "params.limit must be a whole number from 1 to 500, got {limit}"
            )));
        }
        call = call.with_query("limit", limit.to_string());
    }
    if let Some(exclude) = params.exclude_configs {
        call = call.with_query("exclude_configs", exclude.to_string());
    }
    Ok(call)
}

/// `/job/<id>` with the id checked and escaped.
fn job_path(prefix: &str, job_id: &JsValue) -> Result<String, JsValue> {
    match job_id.as_string() {
        Some(id) if !id.trim().is_empty() => {
            Ok(format!("{prefix}{}", String::from(js_sys::encode_uri_component(&id))))
        }
        _ => Err(argument_error(&format!(
            "jobId must be the job_id string returned by runJob, got {}",
            describe(job_id)
        ))),
    }
}
