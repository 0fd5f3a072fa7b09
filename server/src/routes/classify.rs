//! `POST /classify` and `POST /classify_async`: which of the body's `classification_schema`
//! categories the `input` document is, from the pages `page_range` selects (the first five by
//! default, at most 25). `/classify` awaits the `ClassifyResponse`, unless the body carries an
//! `async` object (then `{job_id}`, like `/classify_async`).

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use super::input;
use super::{reply, submit_document_job, BaseUrl, ALWAYS_ASYNC};
use crate::api::ClassifyRequest;
use crate::body::JsonWithRaw;
use crate::engine::PageRange;
use crate::error::{AppError, AppResult, ValidationError};
use crate::jobs::work::{ClassifyTask, PageSelection};
use crate::jobs::{Submitted, Task};
use crate::loc;
use crate::options::{self, ParseSettings, Sheets};
use crate::state::AppState;
use crate::store::JobKind;

pub fn routes() -> Router<AppState> {
    Router::new().route("/classify", post(classify)).route("/classify_async", post(classify_async))
}

async fn classify(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<ClassifyRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, req.async_config.as_ref()).await
}

async fn classify_async(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<ClassifyRequest>,
) -> AppResult<Response> {
    reply(&state, &base, submit(&state, &req, &raw)?, ALWAYS_ASYNC).await
}

fn submit(state: &AppState, req: &ClassifyRequest, raw: &Value) -> AppResult<Submitted> {
    let docs = input::parse(&req.input)?;
    let mut errors = Vec::new();
    if req.classification_schema.is_empty() {
        errors.push(ValidationError::new(
            loc!["body", "classification_schema"],
            "classification_schema must list at least one {category, criteria}",
            "too_short",
        ));
    }
    for (i, category) in req.classification_schema.iter().enumerate() {
        if category.category.trim().is_empty() {
            errors.push(ValidationError::new(
                loc!["body", "classification_schema", i, "category"],
                "A category needs a non-empty name",
                "value_error",
            ));
        }
    }
    let pages = page_selection(req.page_range.as_ref()).unwrap_or_else(|problem| {
        errors.push(problem);
        PageSelection::Default
    });
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let categories = req
        .classification_schema
        .iter()
        .map(|c| (c.category.trim().to_owned(), c.criteria.clone()))
        .collect();
    let task = Task::Classify(ClassifyTask { categories, pages });
    submit_document_job(state, JobKind::Classify, raw, docs, ParseSettings::default(), task)
}

/// `page_range`: a `{start, end}`, a list of them, or a list of page numbers (1-indexed).
fn page_selection(page_range: Option<&Value>) -> Result<PageSelection, ValidationError> {
    let range = match page_range {
        Some(range) => options::page_range(range, loc!["body", "page_range"], Sheets::NotAllowed)?,
        None => None,
    };
    Ok(match range {
        Some(PageRange::Spans(spans)) => PageSelection::Spans(spans),
        _ => PageSelection::Default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn page_ranges_in_every_form() {
        let pages = |v: Value| page_selection(Some(&v)).unwrap().pages(40);
        assert_eq!(page_selection(None).unwrap().pages(40), [1, 2, 3, 4, 5]);
        assert_eq!(pages(json!({"start": 3, "end": 4})), [3, 4]);
        assert_eq!(pages(json!([{"start": 38}, 2])), [2, 38, 39, 40]);
        assert_eq!(pages(json!({"start": 1})).len(), 25, "at most 25 pages");
        for bad in [json!({"start": 0}), json!({"start": 5, "end": 2}), json!("1-3"), json!([1.5])] {
            assert!(page_selection(Some(&bad)).is_err(), "{bad}");
        }
    }
}
