//! `POST /split` and `POST /split_async`: assign the pages of the `input` document(s) (several:
//! concatenated, in order) to the body's `split_description` categories, parsed with its `parsing`
//! options. `/split` awaits the `SplitResponse`, unless the body carries an `async` object (then
//! `{job_id}`, like `/split_async`).

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use super::{reply, ALWAYS_ASYNC};
use crate::api::SplitRequest;
use crate::body::JsonWithRaw;
use crate::error::{AppError, AppResult, ValidationError};
use crate::jobs::{input, now_ms, JobSpec, Submission, Submitted, Task};
use crate::options::ParseSettings;
use crate::steps::SplitCategory;
use crate::{loc, options, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/split", post(split)).route("/split_async", post(split_async))
}

async fn split(
    State(state): State<AppState>,
    JsonWithRaw(req, raw): JsonWithRaw<SplitRequest>,
) -> AppResult<Response> {
    reply(submit(&state, &req, &raw)?, req.async_config.as_ref()).await
}

async fn split_async(
    State(state): State<AppState>,
    JsonWithRaw(req, raw): JsonWithRaw<SplitRequest>,
) -> AppResult<Response> {
    reply(submit(&state, &req, &raw)?, ALWAYS_ASYNC).await
}

fn submit(state: &AppState, req: &SplitRequest, raw: &Value) -> AppResult<Submitted> {
    let docs = input::parse(&req.input)?;
    let mut errors = Vec::new();
    if req.split_description.is_empty() {
        errors.push(ValidationError::new(
            loc!["body", "split_description"],
            "split_description must list at least one {name, description}",
            "too_short",
        ));
    }
    for (i, category) in req.split_description.iter().enumerate() {
        if category.name.trim().is_empty() {
            errors.push(ValidationError::new(
                loc!["body", "split_description", i, "name"],
                "A split category needs a non-empty name",
                "value_error",
            ));
        }
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
    let categories = req
        .split_description
        .iter()
        .map(|c| SplitCategory {
            name: c.name.clone(),
            description: c.description.clone(),
            partition_key: c.partition_key.clone(),
        })
        .collect();
    state.runner.submit(
        state,
        Submission {
            kind: "split",
            pipeline_id: None,
            pipeline_version: None,
            request: raw,
            spec: JobSpec { task: Task::Split { categories }, input: docs, parse },
        },
    )
}
