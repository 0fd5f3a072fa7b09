//! `POST /split` and `POST /split_async`. The bodies are checked in full (input, parsing
//! options, categories) so callers get the same 422s, 404s and 409s as for a real run; the
//! local split engine itself is not built yet, so a valid request is a 501 that says so.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

use crate::api::SplitRequest;
use crate::body::JsonBody;
use crate::error::{AppError, AppResult, ValidationError};
use crate::jobs::{input, now_ms};
use crate::{loc, options, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/split", post(split)).route("/split_async", post(split))
}

async fn split(State(state): State<AppState>, JsonBody(req): JsonBody<SplitRequest>) -> AppResult<Response> {
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
    if let Some(parsing) = &req.parsing {
        if let Err(parse_errors) = options::read(parsing, loc!["body", "parsing"]) {
            errors.extend(parse_errors);
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    input::check(&state.store, &docs, now_ms())?;
    Err(AppError::NotImplemented(
        "The local engine does not implement split yet: parse the document with POST /parse \
         (chunk_mode 'page') and group its pages"
            .into(),
    ))
}
