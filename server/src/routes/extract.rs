//! `POST /extract` and `POST /extract_async`: fill `instructions.schema` from the `input`
//! document(s) (several: their pages concatenated), parsed with the body's `parsing` options.
//! `/extract` awaits the `ExtractResponse`, unless the body carries an `async` object, in which
//! case it answers `{job_id}` like `/extract_async`.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use super::{reply, ALWAYS_ASYNC};
use crate::api::ExtractRequest;
use crate::body::JsonWithRaw;
use crate::engine::extract::check_schema;
use crate::error::{AppError, AppResult, ValidationError};
use crate::jobs::work::ExtractTask;
use crate::jobs::{input, now_ms, JobSpec, Submission, Submitted, Task};
use crate::options::ParseSettings;
use crate::{loc, options, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/extract", post(extract)).route("/extract_async", post(extract_async))
}

async fn extract(
    State(state): State<AppState>,
    JsonWithRaw(req, raw): JsonWithRaw<ExtractRequest>,
) -> AppResult<Response> {
    reply(submit(&state, &req, &raw)?, req.async_config.as_ref()).await
}

async fn extract_async(
    State(state): State<AppState>,
    JsonWithRaw(req, raw): JsonWithRaw<ExtractRequest>,
) -> AppResult<Response> {
    reply(submit(&state, &req, &raw)?, ALWAYS_ASYNC).await
}

fn submit(state: &AppState, req: &ExtractRequest, raw: &Value) -> AppResult<Submitted> {
    let docs = input::parse(&req.input)?;
    let mut errors = Vec::new();
    let schema = req.instructions.schema.clone().unwrap_or_default();
    if let Some(problem) = check_schema(&schema) {
        errors.push(ValidationError::new(loc!["body", "instructions", "schema"], problem, "value_error"));
    }
    let parse = match &req.parsing {
        Some(parsing) => options::read(parsing, loc!["body", "parsing"]).unwrap_or_else(|e| {
            errors.extend(e);
            ParseSettings::default()
        }),
        None => ParseSettings::default(),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    input::check(&state.store, &docs, now_ms())?;
    let citations = req.settings.citations.as_ref().is_some_and(|c| c.enabled);
    state.runner.submit(
        state,
        Submission {
            kind: "extract",
            pipeline_id: None,
            pipeline_version: None,
            request: raw,
            spec: JobSpec { task: Task::Extract(ExtractTask { schema, citations }), input: docs, parse },
        },
    )
}
