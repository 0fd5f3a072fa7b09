//! What a job does and how a worker does it: a [`JobSpec`] (kept in the store, so a restart can
//! run it again) and [`execute`], which runs on a blocking thread: it loads the documents,
//! runs the engine and shapes the Reducto response (`ParseResponse`, `ExtractResponse`,
//! `SplitResponse`, `PipelineResponse`).

use std::collections::HashMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fetch::Fetched;
use super::input::{self, DocRef};
use super::{Failure, FailureKind};
use crate::api::{
    ExtractResponse, ExtractSplitResponse, ExtractUsage, FullResult, FullResultType, ParseResponse,
    ParseUsage, PipelineParse, PipelineResponse, PipelineResult, ResponseType, SplitResponse,
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
    fetched: &HashMap<String, Fetched>,
    max_document_bytes: u64,
    on_page: OnPage,
) -> Result<Done, Failure> {
    let started = Instant::now();
    let docs = &spec.input;
    let mut documents = Vec::with_capacity(docs.len());
    let mut pages_before = 0u32;
    for (index, doc) in docs.iter().enumerate() {
        let unread = (docs.len() - index - 1) as u32;
        // Progress counts pages over all documents. A document's page count is only known once
        // it is read, so each one not read yet counts as big as the current one until then.
        let mut on_doc_page = |done: u32, total: u32| {
            on_page(pages_before + done, pages_before + total.saturating_mul(unread + 1))
        };
        let password = spec.parse.password.as_deref();
        let document =
            input::load(store, doc, password, now_ms, fetched, max_document_bytes, &mut on_doc_page)
                .map_err(|mut f| {
                    // Name the failing document; a stop or a bug is not about one document.
                    if matches!(f.kind, FailureKind::Document | FailureKind::Missing) {
                        f.reason = format!("{}{}", input::which(docs, index), f.reason);
                    }
                    f
                })?;
        pages_before += document.pages.len() as u32;
        documents.push(document);
    }
    let num_pages = pages_before;
    // Parse, extract and split work on the documents' pages concatenated in order (renumbered
    // 1..N; `original_page` keeps each document's own number). For `/parse` that is the only
    // way to answer: a `ParseResponse` describes one document, and the spec gives `/parse`
    // no list form of its response. Only a parse-only pipeline answers one per document.
    let result = match &spec.task {
        Task::Parse => {
            serde_json::to_value(parse_response(job_id, &Document::concat(documents), &spec.parse, started))
        }
        Task::Extract(task) => {
            serde_json::to_value(extract_response(job_id, &Document::concat(documents), task))
        }
        Task::Split { categories } => {
            serde_json::to_value(split_response(&Document::concat(documents), categories))
        }
        Task::Pipeline { steps, .. } => {
            pipeline_response(job_id, documents, &spec.parse, steps, started).and_then(serde_json::to_value)
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
/// first), else split, else parse. A parse-only pipeline over several documents answers one
/// `ParseResponse` each; split and extract run on the documents concatenated, so a split
/// section may span two of them.
fn pipeline_response(
    job_id: &str,
    documents: Vec<Document>,
    settings: &ParseSettings,
    steps: &Steps,
    started: Instant,
) -> Result<PipelineResponse, serde_json::Error> {
    let num_pages = documents.iter().map(|d| d.pages.len() as u32).sum();
    let usage = ParseUsage { num_pages, credits: None };
    let result = if steps.split.is_none() && steps.extract.is_none() {
        let mut parses: Vec<ParseResponse> =
            documents.iter().map(|document| parse_response(job_id, document, settings, started)).collect();
        // A list of one is one document, answered as a single input is.
        let parse = match parses.len() {
            1 => PipelineParse::One(parses.remove(0)),
            _ => PipelineParse::Many(parses),
        };
        PipelineResult { parse: Some(parse), extract: None, split: None }
    } else {
        let document = Document::concat(documents);
        let split = steps.split.as_ref().map(|s| split_response(&document, &s.categories));
        let extract = match &steps.extract {
            None => None,
            Some(step) => {
                let task = ExtractTask { schema: step.schema.clone(), citations: step.wants_citations() };
                Some(match &split {
                    None => serde_json::to_value(extract_response(job_id, &document, &task))?,
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
        PipelineResult { parse: None, extract, split }
    };
    Ok(PipelineResponse { response_type: ResponseType::Pipeline, job_id: job_id.to_owned(), usage, result })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Chunking;

    #[test]
    fn specs_survive_the_store_but_their_password_does_not() {
        let steps: Steps =
            serde_json::from_str(r#"{"parse":{"options":{"chunking":{"chunk_mode":"page"}}}}"#).unwrap();
        let spec = JobSpec {
            task: Task::Pipeline { pipeline_id: "p".into(), version: Some(3), steps },
            input: vec![DocRef::Job("j".into())],
            parse: ParseSettings {
                chunking: Chunking::Variable { size: 10 },
                password: Some("pw".into()),
                password_withheld: false,
            },
        };
        let json = serde_json::to_string(&spec).unwrap();
        assert!(!json.contains("pw"), "{json}");
        let stored = serde_json::from_str::<JobSpec>(&json).unwrap();
        assert_eq!(stored.parse.password, None);
        assert_eq!(stored, JobSpec { parse: ParseSettings { password: None, ..spec.parse.clone() }, ..spec });
    }
}
