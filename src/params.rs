//! The params of each API call, as Reducto's OpenAPI spec spells them (`pipeline_id`,
//! `split_description`), and as tsify writes their TypeScript interfaces.
//!
//! The client reads (`args::read`) what it acts on or must have: `input`, `pipeline_id`, the
//! split categories, the paging of the job list. The option groups inside (`settings`,
//! `parsing`, `instructions`, …) it passes on as they are, typed for TypeScript by the
//! declarations at the end of this file; the server checks them and names a bad field in its
//! 422. The body sent is the caller's own object with `input` resolved (see `input`), so a field
//! this client does not know yet passes through untouched and new API options work without a
//! new release.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

use crate::args;
use crate::errors::argument_error;
use crate::json::JsonValue;
use crate::responses::Upload;

/// Params of a call on a document: they have an `input`, and maybe rules beyond their types.
pub trait DocumentParams: DeserializeOwned {
    /// The name of the field that holds the document (`input`, or `document_url` for edit).
    const INPUT: &'static str = "input";

    fn into_input(self) -> JsValue;

    /// What is wrong with them beyond their types, as the message to throw.
    fn problem(&self) -> Option<String> {
        None
    }
}

/// Reads and checks `params` as `P`, and as `J` for a job (its `async` options, or the
/// webhook of an edit job); gives their document.
pub fn read<P: DocumentParams, J: DeserializeOwned>(
    params: &JsValue,
    as_job: bool,
) -> Result<JsValue, JsValue> {
    let read: P = args::read(params, "params")?;
    if let Some(problem) = read.problem() {
        return Err(argument_error(&problem));
    }
    if as_job {
        args::read::<J>(params, "params")?;
    }
    Ok(read.into_input())
}

macro_rules! document_params {
    ($($params:ty),+) => {$(
        impl DocumentParams for $params {
            fn into_input(self) -> JsValue {
                self.input
            }
        }
    )+};
}

document_params!(ParseRunParams, ExtractRunParams, SplitRunParams);

impl DocumentParams for ClassifyRunParams {
    fn into_input(self) -> JsValue {
        self.input
    }

    fn problem(&self) -> Option<String> {
        self.classification_schema
            .is_empty()
            .then(|| "params.classification_schema must list at least one {category, criteria}".into())
    }
}

impl DocumentParams for EditRunParams {
    const INPUT: &'static str = "document_url";

    fn into_input(self) -> JsValue {
        self.document_url
    }
}

impl DocumentParams for PipelineRunParams {
    fn into_input(self) -> JsValue {
        self.input
    }

    fn problem(&self) -> Option<String> {
        self.pipeline_id.trim().is_empty().then(|| {
            "params.pipeline_id must not be empty: pass the Pipeline ID shown by the Studio after Deploy"
                .into()
        })
    }
}

/// A document: a URL (`https://…`, `reducto://…`, `jobid://…`), several of them, an `Upload`,
/// or a `File`/`Blob`, which is uploaded first.
#[derive(Tsify)]
#[serde(untagged)]
pub enum DocumentInput {
    Url(String),
    Urls(Vec<String>),
    Upload(Upload),
    File(#[tsify(type = "File | Blob")] JsValue),
}

/// Params of `pipeline.run`.
#[derive(Deserialize, Tsify)]
pub struct PipelineRunParams {
    /// Kept as the caller's value; `input::resolve` checks it and uploads files.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "DocumentInput")]
    pub input: JsValue,
    /// The Pipeline ID shown by the Studio after Deploy.
    pub pipeline_id: String,
    #[serde(default)]
    #[tsify(type = "PipelineSettings")]
    pub settings: Option<JsonValue>,
}

/// What the `runJob` methods take besides their `run` params.
#[derive(Deserialize, Tsify)]
pub struct AsyncJobParams {
    #[serde(rename = "async", default)]
    #[tsify(type = "AsyncOptions")]
    pub async_options: Option<JsonValue>,
}

/// Params of `parse.run`.
#[derive(Deserialize, Tsify)]
pub struct ParseRunParams {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "DocumentInput")]
    pub input: JsValue,
    #[serde(default)]
    #[tsify(type = "Retrieval")]
    pub retrieval: Option<JsonValue>,
    #[serde(default)]
    #[tsify(type = "ParseSettings")]
    pub settings: Option<JsonValue>,
    #[serde(default)]
    #[tsify(type = "Enhance")]
    pub enhance: Option<JsonValue>,
    #[serde(default)]
    #[tsify(type = "Formatting")]
    pub formatting: Option<JsonValue>,
    #[serde(default)]
    #[tsify(type = "Record<string, unknown>")]
    pub spreadsheet: Option<JsonValue>,
}

/// Params of `extract.run`.
#[derive(Deserialize, Tsify)]
pub struct ExtractRunParams {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "DocumentInput")]
    pub input: JsValue,
    #[serde(default)]
    #[tsify(type = "Instructions")]
    pub instructions: Option<JsonValue>,
    #[serde(default)]
    #[tsify(type = "ParseOptions")]
    pub parsing: Option<JsonValue>,
    #[serde(default)]
    #[tsify(type = "ExtractSettings")]
    pub settings: Option<JsonValue>,
}

/// Params of `split.run`.
#[derive(Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct SplitRunParams {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "DocumentInput")]
    pub input: JsValue,
    /// The sections to sort pages into.
    pub split_description: Vec<SplitCategory>,
    #[serde(default)]
    pub split_rules: Option<String>,
    #[serde(default)]
    #[tsify(type = "ParseOptions")]
    pub parsing: Option<JsonValue>,
    #[serde(default)]
    #[tsify(type = "SplitSettings")]
    pub settings: Option<JsonValue>,
}

/// Params of `classify.run`.
#[derive(Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct ClassifyRunParams {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "DocumentInput")]
    pub input: JsValue,
    /// The categories to choose from.
    pub classification_schema: Vec<ClassificationCategory>,
    /// Pages to read (1-indexed); by default the first five.
    #[serde(default)]
    #[tsify(type = "PageRanges")]
    pub page_range: Option<JsonValue>,
    #[serde(default)]
    pub document_metadata: Option<String>,
    #[serde(default)]
    pub persist_results: Option<bool>,
}

#[derive(Deserialize, Tsify)]
pub struct ClassificationCategory {
    pub category: String,
    /// What a document of this category has: keywords or short descriptions.
    pub criteria: Vec<String>,
}

/// Params of `edit.run`: fill a PDF's form fields.
#[derive(Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct EditRunParams {
    /// The PDF: a URL, an `Upload`, or a `File`/`Blob` (uploaded first).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "string | Upload | File | Blob")]
    pub document_url: JsValue,
    /// What to fill in, e.g. `"Full name: Ada Lovelace"`.
    pub edit_instructions: String,
    #[serde(default)]
    #[tsify(type = "EditOptions")]
    pub edit_options: Option<JsonValue>,
    /// The form's widgets; one with a `value` is filled with it.
    #[serde(default)]
    #[tsify(type = "EditWidget[]")]
    pub form_schema: Option<JsonValue>,
    #[serde(default)]
    pub priority: Option<bool>,
}

/// What `edit.runJob` takes besides the `run` params: where to announce the job's end.
#[derive(Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct EditJobParams {
    #[serde(default)]
    #[tsify(type = "WebhookConfig")]
    pub webhook: Option<JsonValue>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct EditOptions {
    /// Hex color of edits, e.g. "#FF0000".
    #[serde(default)]
    pub color: Option<String>,
    /// Points (1 to 72) of filled text; sized to each field otherwise.
    #[serde(default)]
    pub font_size: Option<f64>,
    /// Turn the filled form into page content.
    #[serde(default)]
    pub flatten: Option<bool>,
    #[serde(default)]
    pub enable_overflow_pages: Option<bool>,
    #[serde(default)]
    pub llm_provider_preference: Option<String>,
}

#[derive(Deserialize, Tsify)]
#[tsify(missing_as_null)]
pub struct SplitCategory {
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub partition_key: Option<String>,
}

/// Params of `job.list`.
#[derive(Deserialize, Tsify, Default)]
#[tsify(missing_as_null)]
pub struct JobListParams {
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// 1 to 500; the server's default is 100.
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub exclude_configs: Option<bool>,
}

// The option groups the client passes on as they are: declarations for TypeScript.

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct PipelineSettings {
    /// Password of an encrypted PDF.
    #[serde(default)]
    pub document_password: Option<String>,
}

/// How a job runs: `priority` jobs go first; `metadata` comes back with the job and its webhook.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct AsyncOptions {
    #[serde(default)]
    pub priority: Option<bool>,
    #[serde(default)]
    pub metadata: Option<JsonValue>,
    #[serde(default)]
    pub webhook: Option<WebhookConfig>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct WebhookConfig {
    #[serde(default)]
    pub mode: Option<WebhookMode>,
    /// Where a `direct` webhook is POSTed when the job ends.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub metadata: Option<JsonValue>,
    #[serde(default)]
    pub channels: Option<Vec<String>>,
}

#[derive(Tsify)]
#[serde(rename_all = "lowercase")]
pub enum WebhookMode {
    Disabled,
    Svix,
    Direct,
}

/// How documents are parsed before extract and split (their `parsing`).
#[derive(Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct ParseOptions {
    #[serde(default)]
    pub retrieval: Option<Retrieval>,
    #[serde(default)]
    pub settings: Option<ParseSettings>,
    #[serde(default)]
    pub enhance: Option<Enhance>,
    #[serde(default)]
    pub formatting: Option<Formatting>,
    #[serde(default)]
    pub spreadsheet: Option<BTreeMap<String, JsonValue>>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Retrieval {
    #[serde(default)]
    pub chunking: Option<Chunking>,
    /// Block types to leave out of the chunks' text, e.g. "Header", "Footer".
    #[serde(default)]
    pub filter_blocks: Option<Vec<String>>,
    #[serde(default)]
    pub embedding_optimized: Option<bool>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Chunking {
    #[serde(default)]
    pub chunk_mode: Option<ChunkMode>,
    #[serde(default)]
    pub chunk_size: Option<f64>,
    #[serde(default)]
    pub chunk_overlap: Option<f64>,
}

#[derive(Tsify)]
#[serde(rename_all = "snake_case")]
pub enum ChunkMode {
    Variable,
    Section,
    Page,
    Disabled,
    Block,
    PageSections,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ParseSettings {
    /// Password of an encrypted PDF.
    #[serde(default)]
    pub document_password: Option<String>,
    /// The pages to read (1-indexed), or sheet names of a spreadsheet.
    #[serde(default)]
    pub page_range: Option<PageRanges>,
    #[serde(default)]
    pub ocr_system: Option<OcrSystem>,
    #[serde(default)]
    pub extraction_mode: Option<ExtractionMode>,
    /// Return the result as a URL, however small.
    #[serde(default)]
    pub force_url_result: Option<bool>,
    #[serde(default)]
    pub force_file_extension: Option<String>,
    #[serde(default)]
    pub return_ocr_data: Option<bool>,
    #[serde(default)]
    pub persist_results: Option<bool>,
    /// Seconds the job may take.
    #[serde(default)]
    pub timeout: Option<f64>,
}

#[derive(Tsify)]
#[serde(untagged)]
pub enum PageRanges {
    One(PageRange),
    Many(Vec<PageRange>),
    Pages(Vec<u32>),
    Sheets(Vec<String>),
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct PageRange {
    #[serde(default)]
    pub start: Option<u32>,
    #[serde(default)]
    pub end: Option<u32>,
}

#[derive(Tsify)]
#[serde(rename_all = "lowercase")]
pub enum OcrSystem {
    Standard,
    Legacy,
}

#[derive(Tsify)]
#[serde(rename_all = "lowercase")]
pub enum ExtractionMode {
    Ocr,
    Hybrid,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Enhance {
    #[serde(default)]
    pub agentic: Option<Vec<JsonValue>>,
    #[serde(default)]
    pub summarize_figures: Option<bool>,
    #[serde(default)]
    pub intelligent_ordering: Option<bool>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Formatting {
    #[serde(default)]
    pub add_page_markers: Option<bool>,
    #[serde(default)]
    pub table_output_format: Option<TableOutputFormat>,
    #[serde(default)]
    pub merge_tables: Option<bool>,
    #[serde(default)]
    pub include: Option<Vec<String>>,
}

#[derive(Tsify)]
#[serde(rename_all = "lowercase")]
pub enum TableOutputFormat {
    Html,
    Json,
    Md,
    Jsonbbox,
    Dynamic,
    Csv,
}

#[derive(Tsify)]
#[tsify(missing_as_null, hashmap_as_object)]
pub struct Instructions {
    /// A JSON Schema: the shape of the values to extract.
    #[serde(default)]
    pub schema: Option<BTreeMap<String, JsonValue>>,
    #[serde(default)]
    pub system_prompt: Option<String>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct ExtractSettings {
    #[serde(default)]
    pub include_images: Option<bool>,
    #[serde(default)]
    pub optimize_for_latency: Option<bool>,
    #[serde(default)]
    pub array_extract: Option<bool>,
    #[serde(default)]
    pub deep_extract: Option<bool>,
    /// With citations on, each value comes as `{ value, citations }`.
    #[serde(default)]
    pub citations: Option<Citations>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Citations {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub numerical_confidence: Option<bool>,
}

#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct SplitSettings {
    #[serde(default)]
    pub table_cutoff: Option<TableCutoff>,
    #[serde(default)]
    pub allow_page_overlap: Option<bool>,
    #[serde(default)]
    pub deep_split: Option<bool>,
}

#[derive(Tsify)]
#[serde(rename_all = "lowercase")]
pub enum TableCutoff {
    Truncate,
    Preserve,
}
