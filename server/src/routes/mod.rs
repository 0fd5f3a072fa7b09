//! HTTP routes, one module per API group. Handlers are thin: they extract and check the
//! request, call the store or the job runner, and shape the response. [`api`] sits behind the
//! API-key layer; the presigned PUT and the downloads ([`public`]) do not (their URLs are the
//! credential); static files and the fault-injection routes are mounted separately in `app()`.

mod classify;
mod downloads;
mod edit;
mod extract;
mod files;
mod input;
mod jobs;
mod meta;
mod parse;
pub mod pipeline;
mod respond;
mod snippets;
mod split;
mod studio;
mod webhook;

use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::header::HOST;
use axum::http::request::Parts;
use axum::http::uri::Authority;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{Map, Value};

use crate::api::AsyncJobCreated;
use crate::clock::now_ms;
use crate::error::{AppError, AppResult, Loc, ValidationError};
use crate::jobs::input::{self as inputs, DocRef};
use crate::jobs::{JobSpec, Submission, Submitted, Task};
use crate::options::{self, ParseSettings};
use crate::state::AppState;
use crate::store::JobKind;

/// `http://host:port` as the caller reached this server (its `Host`), else the configured
/// address: the base of every URL the server hands out (presigned uploads, downloads).
#[derive(Debug, Clone)]
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let from_request = parts
            .uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .or_else(|| parts.headers.get(HOST).and_then(|h| h.to_str().ok()).map(str::to_owned));
        let authority = from_request
            .filter(|a| !a.contains('@') && Authority::from_str(a).is_ok())
            .unwrap_or_else(|| {
                let (host, port) = (&state.config.host, state.config.port);
                if host.contains(':') {
                    format!("[{host}]:{port}")
                } else {
                    format!("{host}:{port}")
                }
            });
        Ok(BaseUrl(format!("http://{authority}")))
    }
}

/// Answers a submitted job as its route promises: the finished result for a sync call (a
/// large parse result as a URL, see [`downloads`]), or `{job_id}` at once for an `_async`
/// route or a sync body that carries an `async` object.
async fn reply(
    state: &AppState,
    base: &BaseUrl,
    submitted: Submitted,
    async_config: Option<&Value>,
) -> AppResult<Response> {
    if async_config.is_some_and(|config| !config.is_null()) {
        return Ok(Json(AsyncJobCreated { job_id: submitted.job_id }).into_response());
    }
    Ok(Json(respond::finished(state, base, submitted).await?).into_response())
}

/// What `reply` takes for an `_async` route, whatever its body says.
const ALWAYS_ASYNC: Option<&Value> = Some(&Value::Bool(true));

/// Queues a parse, extract, split, classify or edit job (`kind`) once its documents are known
/// to exist.
fn submit_document_job(
    state: &AppState,
    kind: JobKind,
    request: &Value,
    input: Vec<DocRef>,
    parse: ParseSettings,
    task: Task,
) -> AppResult<Submitted> {
    let webhook = webhook::read(request, state.config.allow_private_urls)?;
    inputs::check(&state.store, &input, now_ms())?;
    let spec = JobSpec { task, input, parse, webhook };
    Ok(state.runner.submit(Submission { kind, pipeline_id: None, pipeline_version: None, request, spec })?)
}

/// The parse settings of an extract or split body's `parsing` object (`at` names it); its
/// problems join `errors`, so one 422 lists them with the body's others.
fn parsing_settings(
    parsing: Option<&Map<String, Value>>,
    at: Vec<Loc>,
    errors: &mut Vec<ValidationError>,
) -> ParseSettings {
    let Some(parsing) = parsing else { return ParseSettings::default() };
    options::read(parsing, at).unwrap_or_else(|problems| {
        errors.extend(problems);
        ParseSettings::default()
    })
}

/// The API routes (Reducto's and the Studio's), all behind the API-key check.
pub fn api() -> Router<AppState> {
    Router::new()
        .merge(meta::routes())
        .merge(files::routes())
        .merge(parse::routes())
        .merge(extract::routes())
        .merge(split::routes())
        .merge(classify::routes())
        .merge(edit::routes())
        .merge(pipeline::routes())
        .merge(jobs::routes())
        .merge(studio::routes())
        .merge(snippets::routes())
}

/// A route's one path parameter (`/job/{id}`). A segment that does not decode (`%ff`) is a 400
/// in the API's error shape, where axum's own rejection is plain text.
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let param = axum::extract::Path::<String>::from_request_parts(parts, state).await;
        param
            .map(|axum::extract::Path(value)| PathParam(value))
            .map_err(|e| AppError::BadRequest(e.body_text()))
    }
}

/// Routes that need no API key.
pub fn public() -> Router<AppState> {
    files::presigned_routes().merge(downloads::routes())
}
