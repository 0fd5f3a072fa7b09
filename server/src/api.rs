//! Reducto's REST wire types that this server speaks, named and spelled as in the OpenAPI
//! spec (`UploadResponse`, `V3PipelineConfig`, `PipelineResponse`, ...). Requests ignore
//! unknown fields, as Reducto's API does; responses carry every field the spec requires.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::classify::ResponseConfidence;
use crate::engine::edit::Widget;
use crate::engine::split::SplitOutput;
use crate::engine::{Chunk, Ocr};
pub use crate::store::JobStatus;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadResponse {
    pub file_id: String,
    pub presigned_url: Option<String>,
}

/// `V3PipelineConfig` and `V3AsyncPipelineConfig`: the bodies of `POST /pipeline` and
/// `POST /pipeline_async` (the latter's `async` settings name the webhook that announces the
/// job's end: see `webhooks`).
#[derive(Debug, Clone, Deserialize)]
pub struct PipelineRequest {
    /// A `reducto://` id, an `UploadResponse` object, or a list of them (checked by the runner,
    /// which can say precisely what is wrong with it).
    pub input: Value,
    pub pipeline_id: String,
    #[serde(default)]
    pub settings: PipelineSettings,
}

/// `PipelineSettings`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PipelineSettings {
    #[serde(default)]
    pub document_password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineResponse {
    pub response_type: ResponseType,
    pub job_id: String,
    pub usage: ParseUsage,
    pub result: PipelineResult,
}

/// What a pipeline produced: its last step's result. A parse-only pipeline fills `parse`
/// (one `ParseResponse` per document when `input` names several); one with a split step fills
/// `split`; one with an extract step fills `extract`, which is an `ExtractResponse`, or one
/// `ExtractSplitResponse` per section when a split ran first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineResult {
    pub parse: Option<PipelineParse>,
    pub extract: Option<PipelineExtract>,
    pub split: Option<SplitResponse>,
    /// Filled by a pipeline with an edit step; absent otherwise, as the spec allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditResponse>,
}

/// `PipelineResult.parse`: `ParseResponse | ParseResponse[]` in the spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PipelineParse {
    One(ParseResponse),
    /// A multi-document input: one per document, in `input`'s order.
    Many(Vec<ParseResponse>),
}

/// `PipelineResult.extract`: of the whole document, or of each split section.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PipelineExtract {
    Document(ExtractResponse),
    Sections(Vec<ExtractSplitResponse>),
}

/// `ExtractResponse` (the spec leaves it open; this is the shape Reducto documents).
/// `result` is `[{...}]` without citations and `{field: {value, citations}}` with them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractResponse {
    pub response_type: ResponseType,
    pub job_id: String,
    pub usage: ExtractUsage,
    pub result: Value,
    /// Always null: citations, when asked for, sit beside each value in `result`.
    pub citations: Option<Value>,
    pub studio_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractUsage {
    pub num_pages: u32,
    /// Fields that received a value (nested fields and array items included).
    pub num_fields: u32,
    pub credits: Option<f64>,
}

/// `ExtractSplitResponse`: the extract of one section of a split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractSplitResponse {
    pub split_name: String,
    pub page_range: Vec<u32>,
    pub partition: Option<String>,
    pub result: ExtractResponse,
}

/// `SplitResponse` with a `SplitResult`. `job_id` is not in the spec's schema; the official
/// SDKs model it (optional), as they do on `EditResponse`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitResponse {
    pub response_type: ResponseType,
    pub job_id: String,
    pub usage: ParseUsage,
    pub result: SplitOutput,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParseResponse {
    pub response_type: ResponseType,
    pub job_id: String,
    /// Seconds.
    pub duration: f64,
    pub pdf_url: Option<String>,
    pub studio_link: Option<String>,
    pub usage: ParseUsage,
    pub result: ParseResult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseType {
    Pipeline,
    Parse,
    Extract,
    Split,
    Classify,
    Edit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParseUsage {
    pub num_pages: u32,
    /// Always null: nothing is billed locally.
    pub credits: Option<f64>,
}

/// `ParseResponse.result`: `FullResult`, or `UrlResult` for one too large to answer inline
/// (`--inline-result-limit-mb`), whose URL serves the `FullResult`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ParseResult {
    Full {
        chunks: Vec<Chunk>,
        /// The lines and words OCR read, on the pages that had no text layer (or of an
        /// image); null when no page needed OCR.
        ocr: Option<Ocr>,
    },
    Url {
        url: String,
        result_id: String,
    },
}

/// `SyncParseConfig` / `AsyncParseConfig`: `input` beside the `ParseOptions` keys
/// (`retrieval`, `settings`, ...), which stay as JSON for [`crate::options`] to read.
#[derive(Debug, Clone, Deserialize)]
pub struct ParseRequest {
    pub input: Value,
    /// Present (even `{}`) on `POST /parse`: answer with a job id instead of the result.
    #[serde(default, rename = "async")]
    pub async_config: Option<Value>,
    #[serde(flatten)]
    pub options: Map<String, Value>,
}

/// `SyncExtractConfig` / `AsyncExtractConfig`.
#[derive(Debug, Clone, Deserialize)]
pub struct ExtractRequest {
    pub input: Value,
    #[serde(default, rename = "async")]
    pub async_config: Option<Value>,
    #[serde(default)]
    pub parsing: Option<Map<String, Value>>,
    #[serde(default)]
    pub instructions: Instructions,
    #[serde(default)]
    pub settings: ExtractSettings,
}

/// `Instructions`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Instructions {
    /// A JSON Schema (an object); `{}` when absent, which extracts nothing.
    #[serde(default)]
    pub schema: Option<Map<String, Value>>,
    #[serde(default)]
    pub system_prompt: Option<String>,
}

/// `ExtractSettings`; only citations matter to the local engine.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExtractSettings {
    #[serde(default)]
    pub citations: Option<Citations>,
    #[serde(default)]
    pub array_extract: Option<bool>,
}

/// `Citations`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Citations {
    #[serde(default)]
    pub enabled: bool,
}

/// `SyncSplitConfig` / `AsyncSplitConfig`.
#[derive(Debug, Clone, Deserialize)]
pub struct SplitRequest {
    pub input: Value,
    #[serde(default, rename = "async")]
    pub async_config: Option<Value>,
    #[serde(default)]
    pub parsing: Option<Map<String, Value>>,
    pub split_description: Vec<SplitCategory>,
    #[serde(default)]
    pub split_rules: Option<String>,
    #[serde(default)]
    pub settings: Option<Value>,
}

/// `SplitCategory`. Unlike a Studio step's categories (strict, to catch typos while
/// designing), unknown keys here are ignored as the real API does.
#[derive(Debug, Clone, Deserialize)]
pub struct SplitCategory {
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub partition_key: Option<String>,
}

/// `ClassifyConfig` (and the body of `POST /classify_async`, which may carry `async`).
#[derive(Debug, Clone, Deserialize)]
pub struct ClassifyRequest {
    pub input: Value,
    #[serde(default, rename = "async")]
    pub async_config: Option<Value>,
    #[serde(default)]
    pub classification_schema: Vec<ClassificationCategory>,
    /// `PageRange | PageRange[] | int[]`, read by the route.
    #[serde(default)]
    pub page_range: Option<Value>,
    #[serde(default)]
    pub document_metadata: Option<String>,
}

/// `ClassificationCategory`.
#[derive(Debug, Clone, Deserialize)]
pub struct ClassificationCategory {
    pub category: String,
    pub criteria: Vec<String>,
}

/// `ClassifyResponse`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifyResponse {
    pub response_type: ResponseType,
    pub job_id: String,
    pub result: ClassifyResult,
    pub response_confidence: ResponseConfidence,
    pub usage: ClassifyUsage,
    pub duration: f64,
}

/// `ClassifyResponseCategory`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifyResult {
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassifyUsage {
    pub num_pages: u32,
    pub num_categories: u32,
    pub credits: Option<f64>,
}

/// `EditConfig` / `AsyncEditConfig`.
#[derive(Debug, Clone, Deserialize)]
pub struct EditRequest {
    /// A `reducto://` id, an `UploadResponse` or an http(s) URL: one document.
    pub document_url: Value,
    pub edit_instructions: String,
    #[serde(default)]
    pub edit_options: EditOptions,
    #[serde(default)]
    pub form_schema: Option<Vec<Widget>>,
    /// `AsyncEditConfig.webhook` (`WebhookConfigNew`).
    #[serde(default)]
    pub webhook: Option<Value>,
}

/// `EditOptions`: what the local engine honours of it (`color` is checked, and unused: filled
/// text is black).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EditOptions {
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub font_size: Option<f64>,
    #[serde(default)]
    pub flatten: bool,
}

/// `EditResponse`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditResponse {
    pub response_type: ResponseType,
    pub job_id: String,
    /// The edited PDF, served by this server until it expires.
    pub document_url: String,
    pub form_schema: Vec<Widget>,
    pub usage: ParseUsage,
}

/// `AsyncParseResponse`, `AsyncPipelineResponse`, `AsyncExtractResponse`, `AsyncSplitResponse`:
/// all four are just the id of the queued job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsyncJobCreated {
    pub job_id: String,
}

/// A finished job's response, whichever kind of job it was: what a sync route answers and
/// `GET /job/{id}`'s `result`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum JobResult {
    Parse(ParseResponse),
    Extract(ExtractResponse),
    Split(SplitResponse),
    Classify(ClassifyResponse),
    Edit(EditResponse),
    Pipeline(Box<PipelineResponse>),
    /// A response an earlier reducto-local stored whole, answered as it was.
    AsStored(Value),
}

/// `AsyncJobResponse`: what `GET /job/{id}` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsyncJobResponse {
    pub status: AsyncJobStatus,
    /// 0..1 as pages complete; 1 when completed; null once failed.
    pub progress: Option<f64>,
    /// Why it failed ("Cancelled by the user" for a cancelled job).
    pub reason: Option<String>,
    /// The `ParseResponse`, `PipelineResponse`, ... once completed.
    pub result: Option<JobResult>,
}

/// `AsyncJobResponse.status`. Queued and running jobs are both `Pending`, a cancelled one is
/// `Failed` with its reason: the spec has no other values here. (`Idle` is never used.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AsyncJobStatus {
    Pending,
    Completed,
    Failed,
}

/// `SingleJob.status` is the store's own [`JobStatus`]; polling hears it coarser.
impl From<JobStatus> for AsyncJobStatus {
    fn from(status: JobStatus) -> AsyncJobStatus {
        match status {
            JobStatus::Pending | JobStatus::InProgress => AsyncJobStatus::Pending,
            JobStatus::Completed => AsyncJobStatus::Completed,
            JobStatus::Failed | JobStatus::Cancelled => AsyncJobStatus::Failed,
        }
    }
}

/// `SingleJob.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobType {
    Parse,
    Extract,
    Split,
    Edit,
    Pipeline,
    Classify,
}

/// `SingleJob`: one row of `GET /jobs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SingleJob {
    pub job_id: String,
    pub status: JobStatus,
    #[serde(rename = "type")]
    pub kind: JobType,
    /// The request as received (JSON, with any document password masked); `""` when the
    /// caller asked for `exclude_configs`.
    pub raw_config: String,
    pub created_at: String,
    pub num_pages: Option<u32>,
    pub total_pages: Option<u32>,
    /// Seconds, once finished.
    pub duration: Option<f64>,
}

/// `JobsResponse`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobsResponse {
    pub jobs: Vec<SingleJob>,
    pub next_cursor: Option<String>,
}
