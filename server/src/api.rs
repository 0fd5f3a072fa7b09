//! Reducto's REST wire types that this server speaks, named and spelled as in the OpenAPI
//! spec (`UploadResponse`, `V3PipelineConfig`, `PipelineResponse`, ...). Requests ignore
//! unknown fields, as Reducto's API does; responses carry every field the spec requires.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::Chunk;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadResponse {
    pub file_id: String,
    pub presigned_url: Option<String>,
}

/// `V3PipelineConfig`: the body of `POST /pipeline`.
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineResult {
    pub parse: Option<ParseResponse>,
    /// Always null until the engine has an extract step.
    pub extract: Option<Value>,
    /// Always null until the engine has a split step.
    pub split: Option<Value>,
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
    pub result: FullResult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseType {
    Pipeline,
    Parse,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParseUsage {
    pub num_pages: u32,
    /// Always null: nothing is billed locally.
    pub credits: Option<f64>,
}

/// `FullResult` (`type: "full"`); this server never answers with a `UrlResult`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FullResult {
    #[serde(rename = "type")]
    pub kind: FullResultType,
    pub chunks: Vec<Chunk>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FullResultType {
    Full,
}
