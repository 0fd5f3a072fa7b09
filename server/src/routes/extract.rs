//! `POST /extract` and `POST /extract_async`. The bodies are checked in full (input, parsing
//! options, instructions) so callers get the same 422s, 404s and 409s as for a real run; the
//! local extract engine itself is not built yet, so a valid request is a 501 that says so.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;

use crate::api::ExtractRequest;
use crate::body::JsonBody;
use crate::error::{AppError, AppResult};
use crate::jobs::{input, now_ms};
use crate::{loc, options, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/extract", post(extract)).route("/extract_async", post(extract))
}

async fn extract(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<ExtractRequest>,
) -> AppResult<Response> {
    let docs = input::parse(&req.input)?;
    if let Some(parsing) = &req.parsing {
        options::read(parsing, loc!["body", "parsing"]).map_err(AppError::Validation)?;
    }
    input::check(&state.store, &docs, now_ms())?;
    Err(AppError::NotImplemented(
        "The local engine does not implement extract yet: parse the document with POST /parse \
         and read the values from its chunks"
            .into(),
    ))
}
