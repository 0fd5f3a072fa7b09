//! `POST /extract` and `POST /extract_async`: fill `instructions.schema` from the `input`
//! document(s) (several: their pages concatenated), parsed with the body's `parsing` options.
//! `/extract` awaits the `ExtractResponse`, unless the body carries an `async` object, in which
//! case it answers `{job_id}` like `/extract_async`.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use super::input;
use super::{parsing_settings, reply, submit_document_job, BaseUrl, ALWAYS_ASYNC};
use crate::api::ExtractRequest;
use crate::body::JsonWithRaw;
use crate::engine::extract::check_schema;
use crate::error::{AppError, AppResult, ValidationError};
use crate::jobs::work::ExtractTask;
use crate::jobs::{Submitted, Task};
use crate::loc;
use crate::state::AppState;
use crate::store::JobKind;

pub fn routes() -> Router<AppState> {
    Router::new().route("/extract", post(extract)).route("/extract_async", post(extract_async))
}

async fn extract(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<ExtractRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, req.async_config.as_ref()).await
}

async fn extract_async(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<ExtractRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, ALWAYS_ASYNC).await
}

fn submit(state: &AppState, req: &ExtractRequest, raw: &Value) -> AppResult<Submitted> {
    let docs = input::parse(&req.input)?;
    let mut errors = Vec::new();
    let schema = req.instructions.schema.clone().unwrap_or_default();
    if let Some(problem) = check_schema(&schema) {
        errors.push(ValidationError::new(loc!["body", "instructions", "schema"], problem, "value_error"));
    }
    let parse = parsing_settings(req.parsing.as_ref(), loc!["body", "parsing"], &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let citations = req.settings.citations.as_ref().is_some_and(|c| c.enabled);
    submit_document_job(
        state,
        JobKind::Extract,
        raw,
        docs,
        parse,
        Task::Extract(ExtractTask { schema, citations }),
    )
}
