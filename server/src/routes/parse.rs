//! `POST /parse` and `POST /parse_async`: parse the `input` document(s) with the `ParseOptions` in
//! the body (several documents answer one `ParseResponse` of their pages concatenated; see
//! [`crate::jobs::work`]). `/parse` awaits the `ParseResponse`, unless the body carries an `async`
//! object (an `AsyncParseConfig`), in which case it answers `{job_id}` like `/parse_async`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Map, Value};

use crate::api::{AsyncJobCreated, ParseRequest};
use crate::body::JsonWithRaw;
use crate::error::{AppError, AppResult};
use crate::jobs::{input, now_ms, JobSpec, Submission, Submitted, Task};
use crate::{loc, options, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/parse", post(parse)).route("/parse_async", post(parse_async))
}

async fn parse(
    State(state): State<AppState>,
    JsonWithRaw(req, raw): JsonWithRaw<ParseRequest>,
) -> AppResult<Response> {
    let wants_async = req.async_config.as_ref().is_some_and(|a| !a.is_null());
    let submitted = submit(&state, &req, &raw)?;
    if wants_async {
        return Ok(Json(AsyncJobCreated { job_id: submitted.job_id }).into_response());
    }
    Ok(Json(submitted.finished().await?).into_response())
}

async fn parse_async(
    State(state): State<AppState>,
    JsonWithRaw(req, raw): JsonWithRaw<ParseRequest>,
) -> AppResult<Json<AsyncJobCreated>> {
    let submitted = submit(&state, &req, &raw)?;
    Ok(Json(AsyncJobCreated { job_id: submitted.job_id }))
}

fn submit(state: &AppState, req: &ParseRequest, raw: &Value) -> AppResult<Submitted> {
    let docs = input::parse(&req.input)?;
    let (options, at) = parse_options(&req.options);
    let settings = options::read(options, at).map_err(AppError::Validation)?;
    input::check(&state.store, &docs, now_ms())?;
    state.runner.submit(
        state,
        Submission {
            kind: "parse",
            pipeline_id: None,
            pipeline_version: None,
            request: raw,
            spec: JobSpec { task: Task::Parse, input: docs, parse: settings },
        },
    )
}

/// The `ParseOptions` of a parse body: its own top-level keys (the spec), or, when it has none
/// of the keys the engine reads there, an `options` object (the older nested form).
fn parse_options(body: &Map<String, Value>) -> (&Map<String, Value>, Vec<crate::error::Loc>) {
    let has_own = ["retrieval", "chunking", "settings"].iter().any(|k| body.contains_key(*k));
    match body.get("options") {
        Some(Value::Object(nested)) if !has_own => (nested, loc!["body", "options"]),
        _ => (body, loc!["body"]),
    }
}
