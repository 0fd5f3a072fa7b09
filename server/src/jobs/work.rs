//! What a job does and how a worker does it: a [`JobSpec`] (kept in the store, so a restart can
//! run it again) and [`execute`], which runs on a blocking thread: it loads the document,
//! runs the engine and shapes the Reducto response (`ParseResponse`, `ExtractResponse`,
//! `SplitResponse`, `PipelineResponse`).

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::input::{self, DocRef};
use super::Failure;
use crate::api::{
    ExtractResponse, ExtractSplitResponse, ExtractUsage, FullResult, FullResultType, ParseResponse,
    ParseUsage, PipelineResponse, PipelineResult, ResponseType, SplitResponse,
};
use crate::engine::{chunk, extract, split, Document, OnPage};
use crate::options::ParseSettings;
use crate::steps::{SplitCategory, Steps};
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
    /// `POST /extract`: an `ExtractResponse`.
    Extract(ExtractTask),
    /// `POST /split`: a `SplitResponse`.
    Split { categories: Vec<SplitCategory> },
    /// A pipeline version (or a Studio draft, `version: None`): a `PipelineResponse`.
    Pipeline { pipeline_id: String, version: Option<i64>, steps: Steps },
}

/// What an extract fills, and whether each value carries its citations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractTask {
    pub schema: Map<String, Value>,
    pub citations: bool,
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
    fetch: input::Fetch,
    on_page: OnPage,
) -> Result<Done, Failure> {
    let started = Instant::now();
    let [doc] = spec.input.as_slice() else {
        return Err(Failure::document("Multi-document input is not supported by this server yet".into()));
    };
    let document = input::load(store, doc, spec.parse.password.as_deref(), now_ms, fetch, on_page)?;
    let num_pages = document.pages.len() as u32;
    let result = match &spec.task {
        Task::Parse => serde_json::to_value(parse_response(job_id, &document, &spec.parse, started)),
        Task::Extract(task) => serde_json::to_value(extract_response(job_id, &document, task)),
        Task::Split { categories } => serde_json::to_value(split_response(&document, categories)),
        Task::Pipeline { steps, .. } => {
            pipeline_response(job_id, &document, &spec.parse, steps, started).and_then(serde_json::to_value)
        }
    }
    .map_err(Failure::internal)?;
    Ok(Done { result, num_pages })
}

fn parse_response(
    job_id: &str,
    document: &Document,
    settings: &ParseSettings,
    started: Instant,
) -> ParseResponse {
    let duration = started.elapsed().as_secs_f64();
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

fn extract_response(job_id: &str, document: &Document, task: &ExtractTask) -> ExtractResponse {
    let out = extract::extract(document, &task.schema, task.citations);
    ExtractResponse {
        job_id: job_id.to_owned(),
        usage: ExtractUsage {
            num_pages: document.pages.len() as u32,
            num_fields: out.num_fields,
            credits: None,
        },
        // Reducto's shapes: a list of one object, or the object of cited values.
        result: if task.citations { out.value } else { Value::Array(vec![out.value]) },
        citations: None,
        studio_link: None,
    }
}

fn split_response(document: &Document, categories: &[SplitCategory]) -> SplitResponse {
    let categories: Vec<split::Category> = categories
        .iter()
        .map(|c| split::Category { name: c.name.clone(), description: c.description.clone() })
        .collect();
    SplitResponse {
        response_type: ResponseType::Split,
        usage: ParseUsage { num_pages: document.pages.len() as u32, credits: None },
        result: split::split(document, &categories),
    }
}

/// A pipeline's result holds its last step: extract (per split section when a split ran
/// first), else split, else parse.
fn pipeline_response(
    job_id: &str,
    document: &Document,
    settings: &ParseSettings,
    steps: &Steps,
    started: Instant,
) -> Result<PipelineResponse, serde_json::Error> {
    let usage = ParseUsage { num_pages: document.pages.len() as u32, credits: None };
    let split = steps.split.as_ref().map(|s| split_response(document, &s.categories));
    let extract = match &steps.extract {
        None => None,
        Some(step) => {
            let task = ExtractTask { schema: step.schema.clone(), citations: step.wants_citations() };
            Some(match &split {
                None => serde_json::to_value(extract_response(job_id, document, &task))?,
                Some(split) => {
                    let sections: Vec<ExtractSplitResponse> = split
                        .result
                        .splits
                        .iter()
                        .map(|section| ExtractSplitResponse {
                            split_name: section.name.clone(),
                            page_range: section.pages.clone(),
                            partition: None,
                            result: extract_response(job_id, &document.only_pages(&section.pages), &task),
                        })
                        .collect();
                    serde_json::to_value(sections)?
                }
            })
        }
    };
    let parse =
        (split.is_none() && extract.is_none()).then(|| parse_response(job_id, document, settings, started));
    Ok(PipelineResponse {
        response_type: ResponseType::Pipeline,
        job_id: job_id.to_owned(),
        usage,
        result: PipelineResult { parse, extract, split },
    })
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
