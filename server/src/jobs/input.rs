//! A request's `input`: which documents a job works on. Three steps, at three moments:
//!
//! - [`parse`] checks the shape when the request arrives (a 422 at `body.input` says what is
//!   wrong): a `reducto://` file id, a `jobid://` id of an earlier parse, an http(s) URL, an
//!   `UploadResponse` object, or a list of those (a multi-document input).
//! - [`check`] makes sure each document can be read right now, so a caller learns of a missing
//!   file or an unfinished job before anything is queued (404, 409 or 422).
//! - [`load`] reads the document when a worker runs the job: the file through the engine, the
//!   blocks an earlier parse produced (no second parse), or a URL's body, which the worker
//!   fetched just before, asynchronously, with the limits and the guard that keeps URL inputs
//!   off private networks ([`super::fetch`]).
//!
//! In a list, every message about one document starts with [`which`] one it is (its position
//! and id); how a job combines several documents is [`super::work`]'s business.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use std::collections::HashMap;

use super::failure::Failure;
use crate::api::JobStatus;
use crate::engine::{self, Block, Document, EngineError, OnPage};
use crate::error::{AppError, AppResult, Loc};
use crate::ids::FileId;
use crate::loc;
use crate::store::{Deleted, Store, UploadRow};

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

const JOB_SCHEME: &str = "jobid://";

/// Checks the shape of `input`; errors are 422s located at `body.input` (and, in a list, at
/// the element's index).
pub fn parse(input: &Value) -> AppResult<Vec<DocRef>> {
    match input {
        Value::Array(items) if items.is_empty() => Err(AppError::invalid(
            loc!["body", "input"],
            "input is an empty list: name at least one document",
            "too_short",
        )),
        // Elements are single documents: a list inside the list is refused by `parse_one`.
        Value::Array(items) => {
            items.iter().enumerate().map(|(i, item)| parse_one(item, loc!["body", "input", i])).collect()
        }
        one => parse_one(one, loc!["body", "input"]).map(|doc| vec![doc]),
    }
}

/// One document named by the body's `field` (an edit's `document_url`); errors are located
/// there.
pub fn parse_single(value: &Value, field: &str) -> AppResult<DocRef> {
    parse_one(value, loc!["body", field])
}

/// One document reference; `at` is where errors are located.
fn parse_one(input: &Value, at: Vec<Loc>) -> AppResult<DocRef> {
    let at_input = |msg: String, kind: &str| AppError::invalid(at.clone(), msg, kind);
    match input {
        Value::String(s) => parse_url(s).map_err(|msg| at_input(msg, "value_error")),
        Value::Object(o) => match o.get("file_id") {
            Some(Value::String(s)) => parse_url(s)
                .map_err(|msg| AppError::invalid([at.clone(), loc!["file_id"]].concat(), msg, "value_error")),
            _ => Err(at_input(
                "An input object needs a string file_id (the response of POST /upload)".into(),
                "missing",
            )),
        },
        other => Err(at_input(
            format!(
                "input must be a reducto:// file id, a jobid:// id, an http(s) URL, an upload object \
                 or a list of those, not {other}"
            ),
            "type_error",
        )),
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

fn parse_url(s: &str) -> Result<DocRef, String> {
    if let Some(id) = FileId::parse(s) {
        return Ok(DocRef::File(id.to_string()));
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with(JOB_SCHEME) {
        let id = &s[JOB_SCHEME.len()..];
        let valid = (1..=64).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        return if valid {
            Ok(DocRef::Job(id.to_owned()))
        } else {
            Err(format!("'{s}' is not a valid jobid:// reference (use the job_id of an earlier parse)"))
        };
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return match reqwest::Url::parse(s) {
            Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(DocRef::Url(url.to_string())),
            _ => Err(format!("'{s}' is not a valid http(s) URL")),
        };
    }
    let scheme = lower.split_once(':').map(|(scheme, _)| scheme).filter(|scheme| {
        !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    if let Some(scheme) = scheme.filter(|scheme| *scheme != "reducto") {
        Err(format!(
            "'{scheme}:' inputs are not supported: pass an http(s) URL, the reducto:// file_id from \
             POST /upload, or the jobid:// of an earlier parse"
        ))
    } else if lower.starts_with("reducto://") {
        Err(format!("'{s}' is not a valid reducto:// file id (use the file_id POST /upload returned)"))
    } else {
        Err(format!(
            "'{s}' is not a document reference: pass the reducto:// file_id from POST /upload \
             or the jobid:// of an earlier parse"
        ))
    }
}

/// Makes sure every document can be read now; `now_ms` judges presigned expiry.
pub fn check(store: &Store, docs: &[DocRef], now_ms: i64) -> AppResult<()> {
    for (index, doc) in docs.iter().enumerate() {
        check_one(store, doc, now_ms).map_err(|e| {
            let named = |msg: String| format!("{}{msg}", which(docs, index));
            match e {
                AppError::NotFound(msg) => AppError::NotFound(named(msg)),
                AppError::Conflict(msg) => AppError::Conflict(named(msg)),
                AppError::Unprocessable(msg) => AppError::Unprocessable(named(msg)),
                other => other,
            }
        })?;
    }
    Ok(())
}

fn check_one(store: &Store, doc: &DocRef, now_ms: i64) -> AppResult<()> {
    resolve(store, doc, now_ms).map(drop)
}

/// What a document input stands for right now.
enum Source {
    /// An upload: its row, naming its file.
    Upload(UploadRow),
    /// An earlier job's stored result, with at least one parse in it.
    Parsed(Value),
    /// A URL: fetched when the job runs, and any failure fails the job with the reason.
    Url,
}

/// The one resolver of inputs, used when a request arrives ([`check`]) and when a worker
/// reads the document ([`load`]): a missing file or job is a 404, one not ready yet a 409, a
/// job with nothing to reuse a 422.
fn resolve(store: &Store, doc: &DocRef, now_ms: i64) -> AppResult<Source> {
    match doc {
        DocRef::File(id) => {
            let file_id = FileId::parse(id).ok_or_else(|| file_not_found(id))?;
            match store.get_upload(&file_id)? {
                Some(upload) => Ok(Source::Upload(upload)),
                None => Err(match store.pending_upload(&file_id, now_ms)? {
                    Some(pending) => AppError::Conflict(not_uploaded(id, pending.expired)),
                    None if store.was_deleted(Deleted::Upload, &file_id.token)? => {
                        AppError::NotFound(format!("File '{id}' was deleted"))
                    }
                    None => file_not_found(id),
                }),
            }
        }
        DocRef::Job(id) => {
            let Some(job) = store.get_job(id)? else {
                return Err(match store.was_deleted(Deleted::Job, id)? {
                    true => AppError::NotFound(format!("Job '{id}' was deleted")),
                    false => job_not_found(id),
                });
            };
            match job.status {
                JobStatus::Completed => {
                    let result = job.result.as_deref().unwrap_or("null");
                    let value: Value = serde_json::from_str(result)
                        .map_err(|e| AppError::internal("stored job result", e))?;
                    if parse_results(&value).is_empty() {
                        return Err(AppError::Unprocessable(format!(
                            "Job '{id}' has no parse result to reuse: jobid:// needs a parse or \
                             pipeline job"
                        )));
                    }
                    Ok(Source::Parsed(value))
                }
                JobStatus::Pending | JobStatus::InProgress => Err(AppError::Conflict(format!(
                    "Job '{id}' has not completed yet: wait until GET /job/{id} says Completed \
                     before using jobid://{id}"
                ))),
                JobStatus::Failed | JobStatus::Cancelled => Err(AppError::Unprocessable(format!(
                    "Job '{id}' failed, so it has no result to reuse: {}",
                    job.error.as_deref().unwrap_or("no reason recorded")
                ))),
            }
        }
        DocRef::Url(_) => Ok(Source::Url),
    }
}

/// Reads a document for a running job, reporting pages to `on_page`; a URL's body is among
/// `fetched` ([`super::fetch::prefetch`]).
pub fn load(
    store: &Store,
    doc: &DocRef,
    password: Option<&str>,
    now_ms: i64,
    fetched: &HashMap<String, Fetched>,
    max_document_bytes: u64,
    on_page: OnPage,
) -> Result<Document, Failure> {
    let read = |bytes: &[u8], extension: Option<&str>, on_page: OnPage| {
        engine::read(bytes, extension, password, on_page).map_err(|e| match e {
            EngineError::Stopped => Failure::stopped(),
            e => Failure::document(e.to_string()),
        })
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
        Source::Parsed(value) => {
            let document = document_of(&parse_results(&value)).map_err(Failure::internal)?;
            let pages = document.pages.len() as u32;
            on_page(pages, pages).map_err(|_| Failure::stopped())?;
            Ok(document)
        }
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
        AppError::NotFound(_) | AppError::Conflict(_) => Failure::missing(e),
        AppError::Unprocessable(reason) => Failure::document(reason),
        other => Failure::internal(other),
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
            Err(Failure::missing(file_not_found(&doc.url())))
        }
        Err(e) => Err(Failure::internal(e)),
    }
}

fn fetched_body<'a>(doc: &DocRef, fetched: &'a HashMap<String, Fetched>) -> Result<&'a Fetched, Failure> {
    let url = doc.url();
    fetched.get(&url).ok_or_else(|| Failure::internal(format!("{url} was not fetched")))
}

/// Where the `ParseResponse`s of a stored result are, as JSON pointers: the result itself for
/// a parse job (""), `result.parse` for a pipeline job (one per document when it had several);
/// none for other jobs. The one reading of a stored result's shape: jobid:// inputs read the
/// parses, and large ones are served by URL (`routes::downloads`).
pub fn parse_result_pointers(result: &Value) -> Vec<String> {
    match result.get("response_type").and_then(Value::as_str) {
        Some("parse") => vec![String::new()],
        Some("pipeline") => match &result["result"]["parse"] {
            Value::Array(parses) => (0..parses.len()).map(|i| format!("/result/parse/{i}")).collect(),
            Value::Object(_) => vec!["/result/parse".into()],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The `ParseResponse`s inside a stored result (see [`parse_result_pointers`]).
fn parse_results(result: &Value) -> Vec<&Value> {
    parse_result_pointers(result).iter().filter_map(|pointer| result.pointer(pointer)).collect()
}

/// The document stored `ParseResponse`s describe (several are concatenated, in order): the
/// page counts and the blocks of their chunks.
fn document_of(parses: &[&Value]) -> Result<Document, serde_json::Error> {
    let mut documents = Vec::new();
    for parse in parses {
        let num_pages = parse["usage"]["num_pages"].as_u64().unwrap_or(0) as u32;
        let chunks = parse["result"]["chunks"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let mut blocks = Vec::new();
        for chunk in chunks {
            blocks.extend(Vec::<Block>::deserialize(&chunk["blocks"])?);
        }
        documents.push(Document::from_blocks(num_pages, blocks));
    }
    Ok(Document::concat(documents))
}

fn file_not_found(id: &str) -> AppError {
    AppError::NotFound(format!("File '{id}' not found"))
}

fn job_not_found(id: &str) -> AppError {
    AppError::NotFound(format!("Job '{id}' not found"))
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
    use serde_json::json;

    #[test]
    fn inputs_in_every_accepted_shape() {
        let id = FileId::new(Some("pdf".into())).to_string();
        let file = vec![DocRef::File(id.clone())];
        assert_eq!(parse(&json!(id)).unwrap(), file);
        assert_eq!(parse(&json!({"file_id": id, "presigned_url": null})).unwrap(), file);
        assert_eq!(parse(&json!([id])).unwrap(), file);
        let url = "https://example.com/a.pdf";
        let several = parse(&json!([id, {"file_id": id}, url])).unwrap();
        assert_eq!(several, [file[0].clone(), file[0].clone(), DocRef::Url(url.into())]);
        let job = "0b7e2c1a-3f4d-4e5f-8a9b-0c1d2e3f4a5b";
        assert_eq!(parse(&json!(format!("jobid://{job}"))).unwrap(), [DocRef::Job(job.into())]);
        let url = "https://example.com/files/a.pdf?x=1";
        assert_eq!(parse(&json!(url)).unwrap(), [DocRef::Url(url.into())]);
    }

    #[test]
    fn refused_inputs_say_why() {
        let id = FileId::new(None).to_string();
        let cases = [
            (json!([]), "empty list"),
            (json!([id, [id]]), "input must be"),
            (json!("ftp://example.com/a.pdf"), "'ftp:' inputs are not supported"),
            (json!("file:///etc/passwd"), "'file:' inputs are not supported"),
            (json!("https://"), "not a valid http(s) URL"),
            (json!("jobid://../etc"), "not a valid jobid://"),
            (json!("reducto://../../etc/passwd"), "not a valid reducto:// file id"),
            (json!(42), "input must be"),
            (json!({"url": "x"}), "file_id"),
        ];
        for (input, expected) in cases {
            let msg = parse(&input).unwrap_err().to_string();
            assert!(msg.contains(expected), "{input}: {msg}");
        }
    }

    #[test]
    fn a_pipeline_result_yields_its_parse() {
        let parse = json!({"response_type": "parse", "usage": {"num_pages": 2}, "result": {"chunks": []}});
        let pipeline = json!({"response_type": "pipeline", "result": {"parse": parse}});
        assert_eq!(parse_results(&pipeline), [&parse]);
        assert_eq!(parse_results(&parse), [&parse]);
        assert!(parse_results(&json!({"response_type": "split"})).is_empty());
        assert_eq!(document_of(&[&parse]).unwrap().pages.len(), 2, "empty pages keep the count");
        let several = json!({"response_type": "pipeline", "result": {"parse": [parse, parse]}});
        assert_eq!(document_of(&parse_results(&several)).unwrap().pages.len(), 4, "documents concatenated");
    }
}
