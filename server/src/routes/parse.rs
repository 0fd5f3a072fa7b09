//! `POST /parse` and `POST /parse_async`: parse the `input` document(s) with the `ParseOptions` in
//! the body (several documents answer one `ParseResponse` of their pages concatenated; see
//! [`crate::jobs::work`]). `/parse` awaits the `ParseResponse`, unless the body carries an `async`
//! object (an `AsyncParseConfig`), in which case it answers `{job_id}` like `/parse_async`.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{Map, Value};

use super::input;
use super::{reply, submit_document_job, BaseUrl, ALWAYS_ASYNC};
use crate::api::ParseRequest;
use crate::body::JsonWithRaw;
use crate::error::{AppError, AppResult};
use crate::jobs::{Submitted, Task};
use crate::state::AppState;
use crate::store::JobKind;
use crate::{loc, options};

pub fn routes() -> Router<AppState> {
    Router::new().route("/parse", post(parse)).route("/parse_async", post(parse_async))
}

async fn parse(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<ParseRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, req.async_config.as_ref()).await
}

async fn parse_async(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<ParseRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, ALWAYS_ASYNC).await
}

fn submit(state: &AppState, req: &ParseRequest, raw: &Value) -> AppResult<Submitted> {
    let docs = input::parse(&req.input)?;
    let (options, at) = parse_options(&req.options);
    let settings = options::read(options, at).map_err(AppError::Validation)?;
    submit_document_job(state, JobKind::Parse, raw, docs, settings, Task::Parse)
}

/// The `ParseOptions` of a parse body: its own top-level keys (the spec), or, when it has none
/// of the keys the engine reads there, an `options` object (the older nested form).
fn parse_options(body: &Map<String, Value>) -> (&Map<String, Value>, Vec<crate::error::Loc>) {
    let own = ["retrieval", "chunking", "settings", "formatting", "enhance", "spreadsheet"];
    let has_own = own.iter().any(|k| body.contains_key(*k));
    match body.get("options") {
        Some(Value::Object(nested)) if !has_own => (nested, loc!["body", "options"]),
        _ => (body, loc!["body"]),
    }
}
