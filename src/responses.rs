//! What the API answers, as Reducto's OpenAPI spec describes it. The client hands callers the
//! JSON the server sent, as it came (no copy through Rust): these types exist so that tsify
//! writes the TypeScript interfaces that describe it.

use std::collections::BTreeMap;

use tsify::Tsify;

use crate::json::JsonValue;

/// An uploaded file: pass it (or its `file_id`) as `input`.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Upload {
    /// `reducto://…`
    pub file_id: String,
    #[serde(default)]
    pub presigned_url: Option<String>,
}

/// A started job: follow it with `client.job.get` or `client.job.wait`.
#[derive(Tsify)]
pub struct AsyncJob {
    pub job_id: String,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct BoundingBox {
    /// Fractions of the page width and height, from the top left.
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// 1-indexed.
    pub page: u32,
    #[serde(default)]
    pub original_page: Option<u32>,
}

#[derive(Tsify)]
pub enum ParseBlockType {
    Header,
    Footer,
    Title,
    #[serde(rename = "Section Header")]
    SectionHeader,
    #[serde(rename = "Page Number")]
    PageNumber,
    #[serde(rename = "List Item")]
    ListItem,
    Figure,
    Table,
    #[serde(rename = "Key Value")]
    KeyValue,
    Text,
    Comment,
    Signature,
}

#[derive(Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct ParseBlock {
    #[serde(rename = "type")]
    pub block_type: ParseBlockType,
    pub bbox: BoundingBox,
    pub content: String,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub confidence: Option<String>,
    #[serde(default)]
    pub extra: Option<BTreeMap<String, JsonValue>>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ParseChunk {
    pub content: String,
    pub embed: String,
    pub enriched: Option<String>,
    #[serde(default)]
    pub enrichment_success: Option<bool>,
    pub blocks: Vec<ParseBlock>,
}

/// A parse result: inline (`full`), or too large for one response and stored at `url`.
#[derive(Tsify)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ParseResult {
    Full(FullResult),
    Url(UrlResult),
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct FullResult {
    pub chunks: Vec<ParseChunk>,
    #[serde(default)]
    pub ocr: Option<JsonValue>,
    #[serde(default)]
    pub custom: Option<JsonValue>,
}

#[derive(Tsify)]
pub struct UrlResult {
    pub url: String,
    pub result_id: String,
}

#[derive(Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct ParseUsage {
    pub num_pages: u32,
    #[serde(default)]
    pub credits: Option<f64>,
    #[serde(default)]
    pub credit_breakdown: Option<BTreeMap<String, f64>>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ParseResponse {
    pub job_id: String,
    /// Seconds.
    pub duration: f64,
    #[serde(default)]
    pub pdf_url: Option<String>,
    #[serde(default)]
    pub studio_link: Option<String>,
    pub usage: ParseUsage,
    pub result: ParseResult,
}

/// Values extracted with a JSON Schema: `result` holds one object of values per document;
/// with citations on, each value is `{ value, citations }`.
#[derive(Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct ExtractResponse {
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub usage: Option<ExtractUsage>,
    pub result: Vec<BTreeMap<String, JsonValue>>,
    #[serde(default)]
    pub citations: Option<JsonValue>,
    #[serde(default)]
    pub studio_link: Option<String>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ExtractUsage {
    pub num_pages: u32,
    #[serde(default)]
    pub num_fields: Option<u32>,
    #[serde(default)]
    pub credits: Option<f64>,
}

/// The extract result of one section of a split → extract pipeline.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ExtractSplitResponse {
    pub split_name: String,
    pub page_range: Vec<u32>,
    #[serde(default)]
    pub partition: Option<String>,
    pub result: ExtractResponse,
}

#[derive(Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Low,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct SplitPartition {
    pub name: String,
    pub pages: Vec<u32>,
    #[serde(default)]
    pub conf: Option<Confidence>,
}

/// One section of a split: its category and its pages (1-indexed).
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Split {
    pub name: String,
    pub pages: Vec<u32>,
    #[serde(default)]
    pub conf: Option<Confidence>,
    #[serde(default)]
    pub partitions: Option<Vec<SplitPartition>>,
}

#[derive(Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct SplitResult {
    pub section_mapping: Option<BTreeMap<String, Vec<u32>>>,
    pub splits: Vec<Split>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct SplitResponse {
    #[serde(default)]
    pub job_id: Option<String>,
    pub usage: ParseUsage,
    pub result: SplitResult,
}

/// A pipeline's parse: one response per document when the input was a list.
#[derive(Tsify)]
#[serde(untagged)]
pub enum PipelineParse {
    One(ParseResponse),
    Many(Vec<ParseResponse>),
}

/// A pipeline's extract: one result per section when it splits before extracting.
#[derive(Tsify)]
#[serde(untagged)]
pub enum PipelineExtract {
    One(ExtractResponse),
    PerSection(Vec<ExtractSplitResponse>),
}

/// What each step of the deployed pipeline gave; `null` for steps it does not have.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct PipelineResult {
    /// Filled when the pipeline is parse only.
    pub parse: Option<PipelineParse>,
    pub extract: Option<PipelineExtract>,
    pub split: Option<SplitResponse>,
    /// Filled when the pipeline ends in an edit step.
    #[serde(default)]
    pub edit: Option<EditResponse>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ClassifyResponse {
    pub job_id: String,
    pub result: ClassifyResult,
    #[serde(default)]
    pub response_confidence: Option<ResponseConfidence>,
    #[serde(default)]
    pub usage: Option<ClassifyUsage>,
    /// Seconds.
    #[serde(default)]
    pub duration: Option<f64>,
}

#[derive(Tsify)]
pub struct ClassifyResult {
    /// One of the categories asked for ("unknown" from reducto-local when none fits).
    pub category: String,
}

#[derive(Tsify)]
pub struct ResponseConfidence {
    pub categories: Vec<CategoryConfidence>,
}

#[derive(Tsify)]
pub struct CategoryConfidence {
    pub category: String,
    pub confidence: f64,
    pub criteria_confidence: Vec<CriterionConfidence>,
}

#[derive(Tsify)]
pub struct CriterionConfidence {
    pub criterion: String,
    pub confidence: Confidence,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ClassifyUsage {
    pub num_pages: u32,
    pub num_categories: u32,
    #[serde(default)]
    pub credits: Option<f64>,
}

/// The edited document and the form as filled.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct EditResponse {
    #[serde(default)]
    pub job_id: Option<String>,
    /// Where to download the edited document (a capability URL that expires).
    pub document_url: String,
    #[serde(default)]
    pub form_schema: Option<Vec<EditWidget>>,
    #[serde(default)]
    pub usage: Option<ParseUsage>,
}

/// One widget of a PDF form.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct EditWidget {
    pub bbox: BoundingBox,
    pub description: String,
    #[serde(rename = "type")]
    pub widget_type: WidgetType,
    /// `false` leaves the widget unfilled.
    #[serde(default)]
    pub fill: Option<bool>,
    /// Filled as given; for a checkbox, "true" or "false".
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub font_size: Option<f64>,
}

#[derive(Tsify)]
#[serde(rename_all = "lowercase")]
pub enum WidgetType {
    Text,
    Checkbox,
    Radio,
    Dropdown,
    Barcode,
}

#[derive(Tsify)]
pub struct PipelineResponse {
    pub job_id: String,
    pub usage: ParseUsage,
    pub result: PipelineResult,
}

/// What a finished job resolves with, by the kind of job.
// Never built in Rust (it only declares the TypeScript union), so its variants' sizes cost nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Tsify)]
#[serde(untagged)]
pub enum JobResult {
    Parse(ParseResponse),
    Extract(ExtractResponse),
    Split(SplitResponse),
    Pipeline(PipelineResponse),
    Classify(ClassifyResponse),
    Edit(EditResponse),
}

#[derive(Tsify)]
pub enum JobStatus {
    Pending,
    Completed,
    Failed,
    Idle,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct JobResponse {
    pub status: JobStatus,
    /// From 0 to 1, as pages complete.
    #[serde(default)]
    pub progress: Option<f64>,
    /// Why the job failed.
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub result: Option<JobResult>,
}

/// A job's status as the job list gives it.
#[derive(Tsify)]
pub enum JobSummaryStatus {
    Pending,
    Completed,
    Failed,
    Idle,
    InProgress,
    Completing,
    Cancelled,
}

#[derive(Tsify)]
pub enum JobType {
    Parse,
    Extract,
    Split,
    Edit,
    Pipeline,
    Classify,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct JobSummary {
    pub job_id: String,
    pub status: JobSummaryStatus,
    #[serde(default, rename = "type")]
    pub job_type: Option<JobType>,
    #[serde(default)]
    pub raw_config: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub num_pages: Option<u32>,
    #[serde(default)]
    pub total_pages: Option<u32>,
    #[serde(default)]
    pub duration: Option<f64>,
}

/// One page of `job.list`, newest first.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct JobsPage {
    pub jobs: Vec<JobSummary>,
    /// Pass it as `cursor` for the next page; `null` on the last page.
    #[serde(default)]
    pub next_cursor: Option<String>,
}
