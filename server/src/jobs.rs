//! Running a pipeline: the one path from a request's `input` and a version's `steps` to a
//! `PipelineResponse`. It resolves the input to an upload, runs the engine on a blocking
//! thread (parsing is CPU work and must not stall the async workers), records the job, success
//! or failure, and shapes the response. Runs are synchronous for now; the queue and workers
//! behind `/pipeline_async` belong here when they come.

use std::time::Instant;

use serde_json::Value;

use crate::api::{
    FullResult, FullResultType, ParseResponse, ParseUsage, PipelineResponse, PipelineResult,
    PipelineSettings, ResponseType,
};
use crate::engine::{self, ParseConfig};
use crate::error::{AppError, AppResult};
use crate::ids::{self, FileId};
use crate::loc;
use crate::steps::{MissingStep, Steps};
use crate::store::{JobRecord, JobStatus};
use crate::AppState;

/// Which steps ran: a deployed version, or the draft (Studio's "test").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Version(i64),
    Draft,
}

impl Source {
    /// The `x-pipeline-version` header value.
    pub fn header_value(self) -> String {
        match self {
            Source::Version(n) => n.to_string(),
            Source::Draft => "draft".into(),
        }
    }
}

/// Everything a run needs; the input has already been checked by [`file_id_of`].
pub struct Run<'a> {
    pub pipeline_id: &'a str,
    pub source: Source,
    pub steps: &'a Steps,
    pub input: &'a Value,
    pub file_id: FileId,
    pub settings: &'a PipelineSettings,
}

/// The uploaded file an `input` names. Accepts a `reducto://` id, an `UploadResponse`
/// object, or a one-element list of either; everything else is a 422 that says why.
pub fn file_id_of(input: &Value) -> AppResult<FileId> {
    let at_input = |msg: String, kind: &str| AppError::invalid(loc!["body", "input"], msg, kind);
    match input {
        Value::String(s) => parse_url(s).map_err(|msg| at_input(msg, "value_error")),
        Value::Object(o) => match o.get("file_id") {
            Some(Value::String(s)) => parse_url(s)
                .map_err(|msg| AppError::invalid(loc!["body", "input", "file_id"], msg, "value_error")),
            _ => Err(at_input(
                "An input object needs a string file_id (the response of POST /upload)".into(),
                "missing",
            )),
        },
        Value::Array(items) => match items.as_slice() {
            [one] => file_id_of(one),
            [] => Err(at_input("input is an empty list".into(), "too_short")),
            _ => Err(at_input(
                "Multi-document input is not supported by this server yet: pass one document".into(),
                "value_error",
            )),
        },
        other => Err(at_input(
            format!("input must be a reducto:// file id, an upload object or a list, not {other}"),
            "type_error",
        )),
    }
}

fn parse_url(s: &str) -> Result<FileId, String> {
    if let Some(id) = FileId::parse(s) {
        return Ok(id);
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Err("URL inputs are not supported by this server yet: upload the file with POST /upload \
             and pass its reducto:// file_id"
            .into())
    } else if lower.starts_with("jobid://") {
        Err("jobid:// inputs are not supported by this server yet: pass the reducto:// file_id \
             of the uploaded document"
            .into())
    } else if lower.starts_with("reducto://") {
        Err(format!("'{s}' is not a valid reducto:// file id (use the file_id POST /upload returned)"))
    } else {
        Err(format!("'{s}' is not a document reference: pass the reducto:// file_id from POST /upload"))
    }
}

pub async fn run_pipeline(state: &AppState, run: Run<'_>) -> AppResult<PipelineResponse> {
    if let Some(step) = run.steps.unsupported_step() {
        let name = match step {
            MissingStep::Split => "split",
            MissingStep::Extract => "extract",
        };
        return Err(AppError::NotImplemented(format!(
            "The local engine does not implement the '{name}' step yet; \
             this pipeline's {} has it",
            match run.source {
                Source::Version(n) => format!("deployed version {n}"),
                Source::Draft => "draft".into(),
            }
        )));
    }
    let chunking = run.steps.chunking().map_err(|e| {
        let loc = [loc!["steps"], e.loc].concat();
        AppError::invalid(loc, e.msg, "value_error")
    })?;

    let not_found = || AppError::NotFound(format!("File '{}' not found", run.file_id));
    let upload = state.store.get_upload(&run.file_id)?.ok_or_else(not_found)?;
    let bytes = match tokio::fs::read(state.store.upload_path(&upload.file_id)).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };

    let config = ParseConfig { chunking, password: run.settings.document_password.clone() };
    let extension = upload.file_id.extension.clone();
    let started = Instant::now();
    let output =
        tokio::task::spawn_blocking(move || engine::run_parse(&bytes, extension.as_deref(), &config))
            .await
            .map_err(|e| AppError::internal("engine task", e))?;
    let duration = started.elapsed().as_secs_f64();

    let job_id = ids::new_job_id();
    let mut job = JobRecord {
        id: job_id.clone(),
        kind: match run.source {
            Source::Version(_) => "pipeline",
            Source::Draft => "pipeline_test",
        },
        status: JobStatus::Failed,
        pipeline_id: Some(run.pipeline_id.to_owned()),
        pipeline_version: match run.source {
            Source::Version(n) => Some(n),
            Source::Draft => None,
        },
        input: run.input.to_string(),
        num_pages: None,
        duration,
        result: None,
        error: None,
    };
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            job.error = Some(e.to_string());
            state.store.insert_job(&job)?;
            return Err(AppError::Unprocessable(e.to_string()));
        }
    };

    let usage = ParseUsage { num_pages: output.num_pages, credits: None };
    let response = PipelineResponse {
        response_type: ResponseType::Pipeline,
        job_id: job_id.clone(),
        usage: usage.clone(),
        result: PipelineResult {
            parse: Some(ParseResponse {
                response_type: ResponseType::Parse,
                job_id,
                duration,
                pdf_url: None,
                studio_link: None,
                usage,
                result: FullResult { kind: FullResultType::Full, chunks: output.chunks },
            }),
            extract: None,
            split: None,
        },
    };
    job.status = JobStatus::Completed;
    job.num_pages = Some(output.num_pages);
    job.result =
        Some(serde_json::to_string(&response).map_err(|e| AppError::internal("serialize result", e))?);
    state.store.insert_job(&job)?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn detail(err: AppError) -> String {
        err.to_string()
    }

    #[test]
    fn inputs_in_every_accepted_shape() {
        let id = FileId::new(Some("pdf".into())).to_string();
        assert!(file_id_of(&json!(id)).is_ok());
        assert!(file_id_of(&json!({"file_id": id, "presigned_url": null})).is_ok());
        assert!(file_id_of(&json!([id])).is_ok());
    }

    #[test]
    fn refused_inputs_say_why() {
        let id = FileId::new(None).to_string();
        let cases = [
            (json!([id, id]), "Multi-document"),
            (json!("https://example.com/a.pdf"), "URL inputs are not supported"),
            (json!("jobid://abc"), "jobid:// inputs are not supported"),
            (json!("reducto://../../etc/passwd"), "not a valid reducto:// file id"),
            (json!(42), "input must be"),
            (json!({"url": "x"}), "file_id"),
        ];
        for (input, expected) in cases {
            let msg = detail(file_id_of(&input).unwrap_err());
            assert!(msg.contains(expected), "{input}: {msg}");
        }
    }
}
