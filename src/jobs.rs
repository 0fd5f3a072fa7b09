//! `client.job`: follow work started with `runJob` (`GET /job/{id}`, `POST /cancel/{id}`,
//! `GET /jobs`), and `wait`, which polls until the job ends.

use alloc::rc::Rc;
use alloc::string::String;

use js_sys::futures::JsFuture;
use js_sys::{Date, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use crate::args::{plain_text, Args};
use crate::client::{promise, Inner};
use crate::errors::{argument_error, job_failed_error, number_text, reducto_error, ErrorClass};
use crate::platform::sleep;
use crate::transport::{Call, RequestOptions};

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
        #[wasm_bindgen(unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
    ) -> Promise {
        self.inner.call(options, job_path("/job/", &job_id).map(|path| Call::new("GET", path)))
    }

    /// Asks the server to stop the job.
    #[wasm_bindgen(unchecked_return_type = "Promise<unknown>")]
    pub fn cancel(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
    ) -> Promise {
        self.inner.call(options, job_path("/cancel/", &job_id).map(|path| Call::new("POST", path)))
    }

    /// One page of jobs, newest first; pass `next_cursor` back as `cursor` for the next page.
    #[wasm_bindgen(unchecked_return_type = "Promise<JobsPage>")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "JobListParams")] params: Option<Object>,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
    ) -> Promise {
        self.inner.call(options, list_call(params))
    }

    /// Polls the job with growing intervals until it ends: resolves with its result when
    /// `Completed`, throws `JobFailedError` when it failed. Aborting `signal` stops the polling
    /// (the job goes on; call `cancel` to stop it).
    #[wasm_bindgen(unchecked_return_type = "Promise<JobResult>")]
    pub fn wait(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "JobWaitOptions")] options: Option<Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let path = job_path("/job/", &job_id)?;
            let job_id = job_id.as_string().unwrap_or_default();
            let args = Args::new(&options.map(JsValue::from).unwrap_or_default(), "options")?;
            let on_progress = args.function("onProgress")?;
            let signal = args.abort_signal("signal")?;
            let mut interval = args.non_negative_number("pollInterval")?.unwrap_or(FIRST_POLL_MS);
            let timeout = args.non_negative_number("timeout")?;
            let deadline = timeout.map(|ms| Date::now() + ms);
            let request_options = RequestOptions { signal: signal.clone(), ..RequestOptions::default() };
            let poll = Call::new("GET", path);
            let mut last_progress = JsValue::UNDEFINED;
            loop {
                let job = inner.transport.send(&poll, &request_options).await?;
                let field = |key: &str| Reflect::get(&job, &key.into()).unwrap_or_default();
                match field("status").as_string().as_deref() {
                    Some("Completed") => return Ok(field("result")),
                    Some(status @ ("Failed" | "Cancelled")) => {
                        let reason =
                            field("reason").as_string().unwrap_or_else(|| text!("the job ended as ", status));
                        return Err(job_failed_error(
                            &text!("Job ", job_id, " failed: ", reason),
                            &job_id,
                            &reason,
                        ));
                    }
                    _ => {}
                }
                let progress = field("progress");
                if let (Some(callback), true) =
                    (&on_progress, progress.as_f64().is_some() && progress != last_progress)
                {
                    let _ = callback.call2(&JsValue::NULL, &progress, &job);
                    last_progress = progress;
                }
                let mut wait = interval;
                if let Some(deadline) = deadline {
                    let left = deadline - Date::now();
                    if left <= 0.0 {
                        let message = text!(
                            "job.wait gave up after ",
                            number_text(timeout.unwrap_or_default() as u64),
                            " ms (options.timeout): job ",
                            job_id,
                            " is still running on the server"
                        );
                        return Err(reducto_error(ErrorClass::Reducto, &message));
                    }
                    wait = wait.min(left);
                }
                if JsFuture::from(sleep(wait, signal.as_ref())).await? != JsValue::TRUE {
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

/// `GET /jobs` with the paging params checked.
fn list_call(params: Option<Object>) -> Result<Call, JsValue> {
    let args = Args::new(&params.map(JsValue::from).unwrap_or_default(), "params")?;
    let mut call = Call::new("GET", "/jobs");
    if let Some(cursor) = args.string("cursor")? {
        call.query.push(("cursor", cursor));
    }
    if let Some(limit) = args.get("limit") {
        match limit.as_f64() {
            Some(n) if n == n as u32 as f64 && (1.0..=500.0).contains(&n) => {
                call.query.push(("limit", plain_text(&limit)))
            }
            _ => return Err(args.wrong_type("limit", "a whole number from 1 to 500", &limit)),
        }
    }
    if let Some(exclude) = args.bool("exclude_configs")? {
        call.query.push(("exclude_configs", String::from(if exclude { "true" } else { "false" })));
    }
    Ok(call)
}

/// `/job/<id>` with the id checked and escaped.
fn job_path(prefix: &str, job_id: &JsValue) -> Result<String, JsValue> {
    match job_id.as_string() {
        Some(id) if !id.trim_ascii().is_empty() => {
            Ok(text!(prefix, String::from(js_sys::encode_uri_component(&id))))
        }
        _ => Err(argument_error(text!(
            "jobId must be the job_id string returned by runJob, got ",
            crate::args::describe(job_id)
        ))),
    }
}
