//! `POST /split` and `POST /split_async`: assign the pages of the `input` document(s) (several:
//! concatenated, in order) to the body's `split_description` categories, parsed with its `parsing`
//! options. `/split` awaits the `SplitResponse`, unless the body carries an `async` object (then
//! `{job_id}`, like `/split_async`).

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use super::input;
use super::{parsing_settings, reply, submit_document_job, BaseUrl, ALWAYS_ASYNC};
use crate::api::SplitRequest;
use crate::body::JsonWithRaw;
use crate::error::{AppError, AppResult};
use crate::jobs::{Submitted, Task};
use crate::loc;
use crate::state::AppState;
use crate::steps::{category_problems, Category};
use crate::store::JobKind;

pub fn routes() -> Router<AppState> {
    Router::new().route("/split", post(split)).route("/split_async", post(split_async))
}

async fn split(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<SplitRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, req.async_config.as_ref()).await
}

async fn split_async(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<SplitRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, ALWAYS_ASYNC).await
}

fn submit(state: &AppState, req: &SplitRequest, raw: &Value) -> AppResult<Submitted> {
    let docs = input::parse(&req.input)?;
    let names: Vec<&str> = req.split_description.iter().map(|c| c.name.as_str()).collect();
    let mut errors = category_problems(&names, "split_description", |rest| {
        [loc!["body", "split_description"], rest].concat()
    });
    let parse = parsing_settings(req.parsing.as_ref(), loc!["body", "parsing"], &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let categories = req
        .split_description
        .iter()
        .map(|c| Category {
            name: c.name.clone(),
            description: c.description.clone(),
            partition_key: c.partition_key.clone(),
        })
        .collect();
    submit_document_job(state, JobKind::Split, raw, docs, parse, Task::Split { categories })
}
