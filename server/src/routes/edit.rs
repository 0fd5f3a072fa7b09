//! `POST /edit` and `POST /edit_async`: fill the form fields of the PDF at `document_url` from
//! `edit_instructions` (`label: value` lines) and the `form_schema` widgets that carry a value
//! (see [`crate::engine::edit`]). The answer's `document_url` serves the edited PDF from this
//! server until it expires. `/edit_async` answers `{job_id}` at once, and announces the end to
//! its `webhook`.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use super::input;
use super::{reply, submit_document_job, BaseUrl, ALWAYS_ASYNC};
use crate::api::EditRequest;
use crate::body::JsonWithRaw;
use crate::engine::edit;
use crate::error::{AppError, AppResult, ValidationError};
use crate::jobs::{Submitted, Task};
use crate::loc;
use crate::options::ParseSettings;
use crate::state::AppState;
use crate::store::JobKind;

pub fn routes() -> Router<AppState> {
    Router::new().route("/edit", post(edit)).route("/edit_async", post(edit_async))
}

async fn edit(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<EditRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, None).await
}

async fn edit_async(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<EditRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, ALWAYS_ASYNC).await
}

fn submit(state: &AppState, req: &EditRequest, raw: &Value) -> AppResult<Submitted> {
    if req.document_url.is_array() {
        return Err(AppError::invalid(
            loc!["body", "document_url"],
            "document_url names one document: an edit fills one PDF's form",
            "type_error",
        ));
    }
    let docs = vec![input::parse_single(&req.document_url, "document_url")?];
    let mut errors = Vec::new();
    let options = &req.edit_options;
    if let Some(size) = options.font_size.filter(|size| !(1.0..=72.0).contains(size)) {
        errors.push(ValidationError::new(
            loc!["body", "edit_options", "font_size"],
            format!("font_size must be from 1 to 72 points, not {size}"),
            "value_error",
        ));
    }
    if let Some(color) = options.color.as_deref().filter(|c| !is_hex_color(c)) {
        errors.push(ValidationError::new(
            loc!["body", "edit_options", "color"],
            format!("color must be a hex color such as #FF0000, not '{color}'"),
            "value_error",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let task = Task::Edit(edit::EditRequest {
        instructions: req.edit_instructions.clone(),
        form_schema: req.form_schema.clone(),
        flatten: options.flatten,
        font_size: options.font_size,
    });
    submit_document_job(state, JobKind::Edit, raw, docs, ParseSettings::default(), task)
}

fn is_hex_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit())
}
