//! What a job does and how a worker does it: a [`JobSpec`] (kept in the store, so a restart can
//! run it again) and [`execute`], which runs on a blocking thread: it loads the document,
//! runs the engine and shapes the Reducto response (`ParseResponse`, `PipelineResponse`).

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::input::{self, DocRef};
use super::Failure;
use crate::api::{
    FullResult, FullResultType, ParseResponse, ParseUsage, PipelineResponse, PipelineResult, ResponseType,
};
use crate::engine::{chunk, Document, OnPage};
use crate::options::ParseSettings;
use crate::steps::{MissingStep, Steps};
use crate::store::Store;

/// Everything a worker needs to run a job, frozen at submission: later edits to a pipeline's
/// draft never change a queued job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    pub task: Task,
    pub input: Vec<DocRef>,
    pub parse: ParseSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Task {
    /// `POST /parse`: the result is a `ParseResponse`.
    Parse,
    /// A pipeline version (or a Studio draft, `version: None`): a `PipelineResponse`.
    Pipeline { pipeline_id: String, version: Option<i64>, steps: Steps },
}

/// A finished job's result and page count.
#[derive(Debug)]
pub struct Done {
    pub result: Value,
    pub num_pages: u32,
}

/// Runs `spec` as job `job_id`. Blocking: call it from a blocking thread.
pub fn execute(
    store: &Store,
    job_id: &str,
    spec: &JobSpec,
    now_ms: i64,
    on_page: OnPage,
) -> Result<Done, Failure> {
    if let Task::Pipeline { steps, .. } = &spec.task {
        if let Some(step) = steps.unsupported_step() {
            // Submission refuses these; only a spec queued by a newer server could get here.
            let name = if step == MissingStep::Split { "split" } else { "extract" };
            return Err(Failure::document(format!("The local engine does not implement the '{name}' step")));
        }
    }
    let started = Instant::now();
    let [doc] = spec.input.as_slice() else {
        return Err(Failure::document("Multi-document input is not supported by this server yet".into()));
    };
    let document = input::load(store, doc, spec.parse.password.as_deref(), now_ms, on_page)?;
    let parse = parse_response(job_id, &document, &spec.parse, started.elapsed().as_secs_f64());
    let num_pages = parse.usage.num_pages;
    let result = match &spec.task {
        Task::Parse => serde_json::to_value(&parse),
        Task::Pipeline { .. } => serde_json::to_value(PipelineResponse {
            response_type: ResponseType::Pipeline,
            job_id: job_id.to_owned(),
            usage: parse.usage.clone(),
            result: PipelineResult { parse: Some(parse), extract: None, split: None },
        }),
    }
    .map_err(Failure::internal)?;
    Ok(Done { result, num_pages })
}

fn parse_response(
    job_id: &str,
    document: &Document,
    settings: &ParseSettings,
    duration: f64,
) -> ParseResponse {
    let usage = ParseUsage { num_pages: document.pages.len() as u32, credits: None };
    ParseResponse {
        response_type: ResponseType::Parse,
        job_id: job_id.to_owned(),
        duration,
        pdf_url: None,
        studio_link: None,
        usage,
        result: FullResult { kind: FullResultType::Full, chunks: chunk::chunk(document, settings.chunking) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Chunking;

    #[test]
    fn specs_survive_the_store() {
        let steps: Steps =
            serde_json::from_str(r#"{"parse":{"options":{"chunking":{"chunk_mode":"page"}}}}"#).unwrap();
        let spec = JobSpec {
            task: Task::Pipeline { pipeline_id: "p".into(), version: Some(3), steps },
            input: vec![DocRef::Job("j".into())],
            parse: ParseSettings { chunking: Chunking::Variable { size: 10 }, password: Some("pw".into()) },
        };
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<JobSpec>(&json).unwrap(), spec);
    }
}
