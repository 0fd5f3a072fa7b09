//! What a job does and how a worker does it: a [`JobSpec`] (kept in the store, so a restart can
//! run it again) and [`execute`], which runs on a blocking thread: it loads the documents,
//! runs the engine and gives the job's [`Answer`]. An edited PDF is stored as an artifact of
//! the job, served by URL until it expires.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::answer::{
    Answer, Classified, Edited, Extracted, Parsed, PipelineAnswer, PipelineExtract, SectionExtract, Split,
};
use super::failure::{Failure, FailureKind};
use super::input::{self, DocRef, Fetched};
use crate::engine::edit;
use crate::engine::{chunk, classify, extract, split, Document, KeepGoing, OnPage, PageRange, Stopped};
use crate::options::ParseSettings;
use crate::steps::{Category, Steps};
use crate::store::{NewArtifact, Store};
use crate::webhooks::Webhook;

/// Everything a worker needs to run a job, frozen at submission: later edits to a pipeline's
/// draft never change a queued job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    pub task: Task,
    pub input: Vec<DocRef>,
    pub parse: ParseSettings,
    /// Announced when the job ends.
    #[serde(default)]
    pub webhook: Option<Webhook>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Task {
    /// `POST /parse`.
    Parse,
    /// `POST /extract`.
    Extract(ExtractTask),
    /// `POST /split`.
    Split { categories: Vec<Category> },
    /// `POST /classify`.
    Classify(ClassifyTask),
    /// `POST /edit`.
    Edit(edit::EditRequest),
    /// A pipeline version (or a Studio draft, `version: None`).
    Pipeline { pipeline_id: String, version: Option<i64>, steps: Steps },
}

/// What an extract fills, and whether each value carries its citations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractTask {
    pub schema: Map<String, Value>,
    pub citations: bool,
}

/// What a classify weighs, and which pages it reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifyTask {
    /// `(category, criteria)`, in the caller's order.
    pub categories: Vec<(String, Vec<String>)>,
    pub pages: PageSelection,
}

/// Pages a classify reads: `page_range`'s spans and pages, or the first [`DEFAULT_PAGES`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PageSelection {
    Default,
    /// Inclusive `(start, end)` spans; an open end is `None`.
    Spans(Vec<(Option<u32>, Option<u32>)>),
}

/// Pages a classify reads when `page_range` is not given, and the most it ever reads.
pub const DEFAULT_PAGES: u32 = 5;
pub const MAX_PAGES: usize = 25;

impl PageSelection {
    /// The page numbers selected among `1..=num_pages`, in order, at most [`MAX_PAGES`].
    pub fn pages(&self, num_pages: u32) -> Vec<u32> {
        let mut pages: Vec<u32> = match self {
            PageSelection::Default => (1..=num_pages.min(DEFAULT_PAGES)).collect(),
            PageSelection::Spans(spans) => PageRange::numbers(spans, num_pages),
        };
        pages.truncate(MAX_PAGES);
        pages
    }
}

/// What a worker needs besides the spec.
pub struct Context<'a> {
    pub store: &'a Store,
    pub job_id: &'a str,
    pub now_ms: i64,
    /// The bodies of the job's URL inputs.
    pub fetched: &'a HashMap<String, Fetched>,
    pub max_document_bytes: u64,
    /// How long an edited PDF's URL stays valid.
    pub link_ttl: Duration,
    /// Whether the steps after reading may go on (a cancel, a shutdown, the deadline stop them).
    pub keep_going: KeepGoing<'a>,
}

/// A finished job's answer, and the pages of its documents.
#[derive(Debug)]
pub struct Done {
    pub answer: Answer,
    pub num_pages: u32,
}

/// Runs `spec` as job `cx.job_id`. Blocking: call it from a blocking thread.
pub fn execute(cx: &Context, spec: &JobSpec, on_page: OnPage) -> Result<Done, Failure> {
    let started = Instant::now();
    if let Task::Edit(request) = &spec.task {
        let edited = edit_form(cx, spec, request)?;
        return Ok(Done { num_pages: edited.num_pages, answer: Answer::Edit(edited) });
    }
    let documents = load_documents(cx, spec, on_page)?;
    let num_pages = documents.iter().map(|d| d.pages.len() as u32).sum();
    // Parse, extract, split and classify work on the documents' pages concatenated in order
    // (renumbered 1..N; `original_page` keeps each document's own number). For `/parse` that
    // is the only way to answer: a `ParseResponse` describes one document, and the spec gives
    // `/parse` no list form of its response. Only a parse-only pipeline answers one per document.
    let keep_going = cx.keep_going;
    let answer = match &spec.task {
        Task::Parse => Answer::Parse(parse(&Document::concat(documents), &spec.parse, started)),
        Task::Extract(task) => Answer::Extract(extract(&Document::concat(documents), task, keep_going)?),
        Task::Split { categories } => {
            Answer::Split(split(&Document::concat(documents), categories, keep_going)?)
        }
        Task::Classify(task) => {
            Answer::Classify(classify(&Document::concat(documents), task, started, keep_going)?)
        }
        Task::Edit(_) => unreachable!("an edit reads no parsed document"),
        Task::Pipeline { steps, .. } => {
            let edited = match &steps.edit {
                Some(step) => {
                    let request = edit::EditRequest {
                        instructions: step.instructions.clone(),
                        form_schema: step.form_schema.clone(),
                        ..Default::default()
                    };
                    Some(edit_form(cx, spec, &request)?)
                }
                None => None,
            };
            Answer::Pipeline(pipeline(documents, &spec.parse, steps, edited, started, keep_going)?)
        }
    };
    Ok(Done { answer, num_pages })
}

/// Reads every input document, naming the one that fails in a list.
fn load_documents(cx: &Context, spec: &JobSpec, on_page: OnPage) -> Result<Vec<Document>, Failure> {
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
        let document = input::load(
            cx.store,
            doc,
            &spec.parse,
            cx.now_ms,
            cx.fetched,
            cx.max_document_bytes,
            &mut on_doc_page,
        )
        .map_err(|f| named(docs, index, f))?;
        pages_before += document.pages.len() as u32;
        documents.push(document);
    }
    Ok(documents)
}

/// Names the failing document of a list; a stop or a bug is not about one document.
fn named(docs: &[DocRef], index: usize, mut failure: Failure) -> Failure {
    if matches!(failure.kind, FailureKind::Document | FailureKind::Missing) {
        failure.reason = format!("{}{}", input::which(docs, index), failure.reason);
    }
    failure
}

/// Fills the one input PDF's form and stores the edited file as the job's `document`.
fn edit_form(cx: &Context, spec: &JobSpec, request: &edit::EditRequest) -> Result<Edited, Failure> {
    let [doc] = spec.input.as_slice() else {
        return Err(Failure::document(format!(
            "An edit fills one PDF's form, and the input names {} documents",
            spec.input.len()
        )));
    };
    let bytes = input::load_bytes(cx.store, doc, cx.now_ms, cx.fetched, cx.max_document_bytes)?;
    let edited = edit::edit(&bytes, request).map_err(Failure::document)?;
    let expires_at_ms = cx.now_ms + cx.link_ttl.as_millis() as i64;
    let artifact =
        NewArtifact { job_id: cx.job_id, part: "document", content_type: "application/pdf", expires_at_ms };
    let token = cx.store.put_artifact(&artifact, &edited.pdf).map_err(Failure::internal)?;
    Ok(Edited { num_pages: edited.num_pages, token, form_schema: edited.form_schema })
}

fn classify(
    document: &Document,
    task: &ClassifyTask,
    started: Instant,
    keep_going: KeepGoing,
) -> Result<Classified, Failure> {
    let num_pages = document.pages.len() as u32;
    let pages = task.pages.pages(num_pages);
    if pages.is_empty() {
        return Err(Failure::document(format!(
            "page_range selects no page of this {num_pages}-page document"
        )));
    }
    let categories: Vec<classify::Category> = task
        .categories
        .iter()
        .map(|(name, criteria)| classify::Category { name: name.clone(), criteria: criteria.clone() })
        .collect();
    let classified = classify::classify(&document.only_pages(&pages), &categories, keep_going)
        .map_err(|Stopped| Failure::stopped())?;
    Ok(Classified {
        num_pages: pages.len() as u32,
        num_categories: categories.len() as u32,
        category: classified.category,
        confidence: classified.confidence,
        duration: started.elapsed().as_secs_f64(),
    })
}

fn parse(document: &Document, settings: &ParseSettings, started: Instant) -> Parsed {
    Parsed {
        num_pages: document.pages.len() as u32,
        duration: started.elapsed().as_secs_f64(),
        chunks: chunk::chunk(document, settings.chunking),
        ocr: (!document.ocr.lines.is_empty()).then(|| document.ocr.clone()),
        presentation: settings.presentation.clone(),
    }
}

fn extract(document: &Document, task: &ExtractTask, keep_going: KeepGoing) -> Result<Extracted, Failure> {
    let out = extract::extract(document, &task.schema, task.citations, keep_going)
        .map_err(|Stopped| Failure::stopped())?;
    Ok(Extracted {
        num_pages: document.pages.len() as u32,
        num_fields: out.num_fields,
        value: out.value,
        citations: task.citations,
    })
}

fn split(document: &Document, categories: &[Category], keep_going: KeepGoing) -> Result<Split, Failure> {
    Ok(Split {
        num_pages: document.pages.len() as u32,
        output: split::split(document, categories, keep_going).map_err(|Stopped| Failure::stopped())?,
    })
}

/// A pipeline's steps in order: parse, then split, then extract (per split section, or per
/// partition of a section split by a `partition_key`, when a split ran first), and the edit
/// already made. A parse-only pipeline over several documents answers one parse each; split
/// and extract run on the documents concatenated, so a split section may span two of them.
fn pipeline(
    documents: Vec<Document>,
    settings: &ParseSettings,
    steps: &Steps,
    edit: Option<Edited>,
    started: Instant,
    keep_going: KeepGoing,
) -> Result<PipelineAnswer, Failure> {
    let num_pages = documents.iter().map(|d| d.pages.len() as u32).sum();
    if steps.split.is_none() && steps.extract.is_none() {
        let parses = documents.iter().map(|document| parse(document, settings, started)).collect();
        return Ok(PipelineAnswer { num_pages, parses, split: None, extract: None, edit });
    }
    let document = Document::concat(documents);
    let split = steps.split.as_ref().map(|s| split(&document, &s.categories, keep_going)).transpose()?;
    let extract = match (&steps.extract, &split) {
        (None, _) => None,
        (Some(step), split) => {
            let task = ExtractTask { schema: step.schema.clone(), citations: step.wants_citations() };
            Some(match split {
                None => PipelineExtract::Document(extract(&document, &task, keep_going)?),
                Some(split) => {
                    PipelineExtract::Sections(extract_sections(&document, &split.output, &task, keep_going)?)
                }
            })
        }
    };
    Ok(PipelineAnswer { num_pages, parses: Vec::new(), split, extract, edit })
}

/// One extract per split section, or per partition of a section that has them.
fn extract_sections(
    document: &Document,
    split: &split::SplitOutput,
    task: &ExtractTask,
    keep_going: KeepGoing,
) -> Result<Vec<SectionExtract>, Failure> {
    let extract_of = |section: &str, pages: &[u32], partition: Option<&str>| {
        Ok(SectionExtract {
            section: section.to_owned(),
            pages: pages.to_vec(),
            partition: partition.map(str::to_owned),
            extracted: extract(&document.only_pages(pages), task, keep_going)?,
        })
    };
    split
        .splits
        .iter()
        .flat_map(|section| match &section.partitions {
            Some(parts) => {
                parts.iter().map(|part| extract_of(&section.name, &part.pages, Some(&part.name))).collect()
            }
            None => vec![extract_of(&section.name, &section.pages, None)],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Chunking, Presentation};

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
                pages: Some(PageRange::Sheets(vec!["Q1".into()])),
                ocr_only: true,
                timeout_secs: Some(2.5),
                presentation: Presentation { page_markers: true, ..Default::default() },
                ..Default::default()
            },
            webhook: None,
        };
        let json = serde_json::to_string(&spec).unwrap();
        assert!(!json.contains("pw"), "{json}");
        let stored = serde_json::from_str::<JobSpec>(&json).unwrap();
        assert_eq!(stored.parse.password, None);
        assert_eq!(stored, JobSpec { parse: ParseSettings { password: None, ..spec.parse.clone() }, ..spec });
    }
}
