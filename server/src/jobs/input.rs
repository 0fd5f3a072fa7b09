//! The documents a job works on ([`DocRef`]s, which the routes read from a request's `input`),
//! at two moments:
//!
//! - [`check`] makes sure each document can be read right now, so a caller learns of a missing
//!   file or an unfinished job before anything is queued ([`Unreadable`] says why not).
//! - [`load`] reads the document when a worker runs the job: the file through the engine, the
//!   blocks an earlier parse produced (no second parse), or a URL's body, which the worker
//!   fetched just before, asynchronously, with the limits and the guard that keeps URL inputs
//!   off private networks ([`super::fetch`]).
//!
//! In a list, every message about one document starts with [`which`] one it is (its position
//! and id); how a job combines several documents is [`super::work`]'s business.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::answer::{Answer, Parsed, Stored};
use super::failure::Failure;
use crate::engine::{self, Document, EngineError, OnPage, ReadOptions};
use crate::ids::FileId;
use crate::options::ParseSettings;
use crate::store::{Deleted, JobStatus, Store, StoreError, UploadRow};

/// A fetched URL input: its bytes, and the extension its path or content type implies.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub extension: Option<String>,
}

/// One document named by `input`. Kept with a queued job, so it is serializable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum DocRef {
    /// A `reducto://` file id, as written (its token names the file).
    File(String),
    /// The id of an earlier job whose parse result is reused.
    Job(String),
    /// An http(s) URL, fetched when the job runs.
    Url(String),
}

impl DocRef {
    /// As the caller wrote it, for messages.
    pub fn url(&self) -> String {
        match self {
            DocRef::File(id) => id.clone(),
            DocRef::Job(id) => format!("{JOB_SCHEME}{id}"),
            DocRef::Url(url) => url.clone(),
        }
    }
}

/// How a `jobid://` input is written.
pub const JOB_SCHEME: &str = "jobid://";

/// Why a document cannot be read now; each says so in words a caller can act on.
#[derive(Debug)]
pub enum Unreadable {
    /// No such file or job, or it was deleted.
    Missing(String),
    /// Its upload or job has not finished yet.
    NotReady(String),
    /// It exists, and has nothing this job can read.
    Unusable(String),
    /// The store failed, or holds what it cannot read: a fault of the server's, not the input's.
    Internal(String),
}

impl From<StoreError> for Unreadable {
    fn from(e: StoreError) -> Unreadable {
        Unreadable::Internal(e.to_string())
    }
}

/// Names input `index` of `docs` in a message: empty for a single document (its own message
/// already names it), else its position and id, so a caller knows which of the list failed.
pub fn which(docs: &[DocRef], index: usize) -> String {
    match docs {
        [_] => String::new(),
        _ => format!("input[{index}] ({}): ", docs[index].url()),
    }
}

/// Makes sure every document can be read now; `now_ms` judges presigned expiry.
pub fn check(store: &Store, docs: &[DocRef], now_ms: i64) -> Result<(), Unreadable> {
    for (index, doc) in docs.iter().enumerate() {
        resolve(store, doc, now_ms).map_err(|e| {
            let named = |msg: String| format!("{}{msg}", which(docs, index));
            match e {
                Unreadable::Missing(msg) => Unreadable::Missing(named(msg)),
                Unreadable::NotReady(msg) => Unreadable::NotReady(named(msg)),
                Unreadable::Unusable(msg) => Unreadable::Unusable(named(msg)),
                internal => internal,
            }
        })?;
    }
    Ok(())
}

/// What a document input stands for right now.
enum Source {
    /// An upload: its row, naming its file.
    Upload(UploadRow),
    /// An earlier job's answer, with at least one parse in it.
    Parsed(Answer),
    /// A URL: fetched when the job runs, and any failure fails the job with the reason.
    Url,
}

/// The one resolver of inputs, used when a request arrives ([`check`]) and when a worker
/// reads the document ([`load`]).
fn resolve(store: &Store, doc: &DocRef, now_ms: i64) -> Result<Source, Unreadable> {
    match doc {
        DocRef::File(id) => {
            let file_id = FileId::parse(id).ok_or_else(|| file_not_found(id))?;
            match store.get_upload(&file_id)? {
                Some(upload) => Ok(Source::Upload(upload)),
                None => Err(match store.pending_upload(&file_id, now_ms)? {
                    Some(pending) => Unreadable::NotReady(not_uploaded(id, pending.expired)),
                    None if store.was_deleted(Deleted::Upload, &file_id.token)? => {
                        Unreadable::Missing(format!("File '{id}' was deleted"))
                    }
                    None => file_not_found(id),
                }),
            }
        }
        DocRef::Job(id) => {
            let Some(job) = store.get_job(id)? else {
                return Err(match store.was_deleted(Deleted::Job, id)? {
                    true => Unreadable::Missing(format!("Job '{id}' was deleted")),
                    false => Unreadable::Missing(format!("Job '{id}' not found")),
                });
            };
            match job.status {
                JobStatus::Completed => reusable(id, job.result.as_deref().unwrap_or("null")),
                JobStatus::Pending | JobStatus::InProgress => Err(Unreadable::NotReady(format!(
                    "Job '{id}' has not completed yet: wait until GET /job/{id} says Completed \
                     before using jobid://{id}"
                ))),
                JobStatus::Failed | JobStatus::Cancelled => Err(Unreadable::Unusable(format!(
                    "Job '{id}' failed, so it has no result to reuse: {}",
                    job.error.as_deref().unwrap_or("no reason recorded")
                ))),
            }
        }
        DocRef::Url(_) => Ok(Source::Url),
    }
}

/// Completed job `id`'s stored result, if it has parses to reuse.
fn reusable(id: &str, stored: &str) -> Result<Source, Unreadable> {
    let unusable = |why: &str| Unreadable::Unusable(format!("Job '{id}' {why}"));
    match Stored::read(stored) {
        Ok(Stored::Answer(answer)) if !answer.parses().is_empty() => Ok(Source::Parsed(answer)),
        Ok(Stored::Answer(_)) => {
            Err(unusable("has no parse result to reuse: jobid:// needs a parse or pipeline job"))
        }
        Ok(Stored::Response(_)) => Err(unusable(
            "was run by an earlier version of reducto-local, whose results cannot be reused: \
             parse the document again",
        )),
        Err(e) => Err(Unreadable::Internal(format!("job {id}'s stored result: {e}"))),
    }
}

/// Reads a document for a running job, reporting pages to `on_page`; a URL's body is among
/// `fetched` ([`super::fetch::prefetch`]).
pub fn load(
    store: &Store,
    doc: &DocRef,
    settings: &ParseSettings,
    now_ms: i64,
    fetched: &HashMap<String, Fetched>,
    max_document_bytes: u64,
    on_page: OnPage,
) -> Result<Document, Failure> {
    let options = ReadOptions {
        password: settings.password.as_deref(),
        pages: settings.pages.as_ref(),
        ocr_only: settings.ocr_only,
        skip_hidden: settings.skip_hidden,
        comments: settings.comments,
    };
    let read = |bytes: &[u8], extension: Option<&str>, on_page: OnPage| {
        engine::read(bytes, extension, &options, on_page).map_err(engine_failure)
    };
    match resolve_for_run(store, doc, now_ms)? {
        Source::Upload(upload) => {
            let bytes = read_upload(store, doc, &upload, max_document_bytes)?;
            read(&bytes, upload.file_id.extension.as_deref(), on_page)
        }
        Source::Url => {
            let body = fetched_body(doc, fetched)?;
            read(&body.bytes, body.extension.as_deref(), on_page)
        }
        Source::Parsed(answer) => {
            let mut document = document_of(answer.parses());
            if let Some(range) = &settings.pages {
                let numbers =
                    range.select(document.pages.len() as u32, "parsed document").map_err(engine_failure)?;
                document = document.keep_pages(&numbers);
            }
            let pages = document.pages.len() as u32;
            on_page(pages, pages).map_err(|_| Failure::stopped())?;
            Ok(document)
        }
    }
}

fn engine_failure(e: EngineError) -> Failure {
    match e {
        EngineError::Stopped => Failure::stopped(),
        e => Failure::document(e.to_string()),
    }
}

/// The bytes of a file or URL input, for work on the file itself (an edit).
pub fn load_bytes(
    store: &Store,
    doc: &DocRef,
    now_ms: i64,
    fetched: &HashMap<String, Fetched>,
    max_document_bytes: u64,
) -> Result<Vec<u8>, Failure> {
    match resolve_for_run(store, doc, now_ms)? {
        Source::Upload(upload) => read_upload(store, doc, &upload, max_document_bytes),
        Source::Url => Ok(fetched_body(doc, fetched)?.bytes.clone()),
        Source::Parsed(_) => Err(Failure::document(format!(
            "{} is an earlier job's parse result, not a file: an edit needs the document itself \
             (its reducto:// file id or URL)",
            doc.url()
        ))),
    }
}

/// [`resolve`] when a job runs: what was there when the job was queued can be gone now.
fn resolve_for_run(store: &Store, doc: &DocRef, now_ms: i64) -> Result<Source, Failure> {
    resolve(store, doc, now_ms).map_err(|e| match e {
        Unreadable::Missing(reason) | Unreadable::NotReady(reason) => Failure::missing(reason),
        Unreadable::Unusable(reason) => Failure::document(reason),
        Unreadable::Internal(cause) => Failure::internal(cause),
    })
}

/// An upload's bytes. A presigned upload may be far larger than the engine reads into memory:
/// it is refused from its recorded size, before a byte of it is read.
fn read_upload(
    store: &Store,
    doc: &DocRef,
    upload: &UploadRow,
    max_document_bytes: u64,
) -> Result<Vec<u8>, Failure> {
    if upload.size > max_document_bytes {
        return Err(Failure::document(format!(
            "The document is {} MB, larger than the {} MB the local engine reads (--max-document-mb)",
            upload.size.div_ceil(1 << 20),
            max_document_bytes >> 20
        )));
    }
    match std::fs::read(store.upload_path(&upload.file_id)) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Failure::missing(format!("File '{}' not found", doc.url())))
        }
        Err(e) => Err(Failure::internal(e)),
    }
}

fn fetched_body<'a>(doc: &DocRef, fetched: &'a HashMap<String, Fetched>) -> Result<&'a Fetched, Failure> {
    let url = doc.url();
    fetched.get(&url).ok_or_else(|| Failure::internal(format!("{url} was not fetched")))
}

/// The document earlier parses describe (several are concatenated, in order): their page
/// counts and the blocks of their chunks.
fn document_of(parses: &[Parsed]) -> Document {
    let documents = parses.iter().map(|parsed| {
        let blocks = parsed.chunks.iter().flat_map(|chunk| chunk.blocks.iter().cloned());
        Document::from_blocks(parsed.num_pages, blocks)
    });
    Document::concat(documents.collect::<Vec<_>>())
}

fn file_not_found(id: &str) -> Unreadable {
    Unreadable::Missing(format!("File '{id}' not found"))
}

fn not_uploaded(id: &str, expired: bool) -> String {
    if expired {
        format!(
            "The upload of '{id}' has not completed and its presigned URL has expired: \
             request a new one with POST /upload"
        )
    } else {
        format!("The upload of '{id}' has not completed: PUT the file's bytes to its presigned_url first")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_parses_make_one_document() {
        let parsed = |num_pages| Parsed {
            num_pages,
            duration: 0.0,
            chunks: Vec::new(),
            ocr: None,
            presentation: Default::default(),
        };
        assert_eq!(document_of(&[parsed(2)]).pages.len(), 2, "empty pages keep the count");
        assert_eq!(document_of(&[parsed(2), parsed(3)]).pages.len(), 5, "documents concatenated");
    }

    #[test]
    fn only_answers_with_parses_are_reused() {
        let parse = Answer::Parse(Parsed {
            num_pages: 1,
            duration: 0.0,
            chunks: Vec::new(),
            ocr: None,
            presentation: Default::default(),
        });
        let stored = serde_json::to_string(&parse).unwrap();
        assert!(matches!(reusable("j", &stored), Ok(Source::Parsed(answer)) if answer == parse));
        let split = r#"{"answer":"split","num_pages":1,"output":{"section_mapping":{},"splits":[]}}"#;
        assert!(
            matches!(reusable("j", split), Err(Unreadable::Unusable(m)) if m.contains("no parse result"))
        );
        let earlier = r#"{"response_type":"parse","result":{"chunks":[]}}"#;
        assert!(
            matches!(reusable("j", earlier), Err(Unreadable::Unusable(m)) if m.contains("earlier version"))
        );
    }
}
