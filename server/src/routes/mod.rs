//! HTTP routes, one module per API group. Handlers are thin: they extract and check the
//! request, call the store or the job runner, and shape the response. [`api`] sits behind the
//! API-key layer; the presigned PUT ([`public`]) does not (its URL is the credential); static
//! files and the fault-injection routes are mounted separately in `app()`.

mod extract;
mod files;
mod jobs;
mod meta;
mod parse;
pub mod pipeline;
mod snippets;
mod split;
mod studio;

use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::{Map, Value};

use crate::api::AsyncJobCreated;
use crate::error::{AppResult, Loc, ValidationError};
use crate::jobs::input::DocRef;
use crate::jobs::{input, now_ms, JobSpec, Submission, Submitted, Task};
use crate::options::{self, ParseSettings};
use crate::store::JobKind;
use crate::AppState;

/// Answers a submitted job as its route promises: the finished result for a sync call, or
/// `{job_id}` at once for an `_async` route or a sync body that carries an `async` object.
async fn reply(submitted: Submitted, async_config: Option<&Value>) -> AppResult<Response> {
    if async_config.is_some_and(|config| !config.is_null()) {
        return Ok(Json(AsyncJobCreated { job_id: submitted.job_id }).into_response());
    }
    Ok(Json(submitted.finished().await?).into_response())
}

/// What `reply` takes for an `_async` route, whatever its body says.
const ALWAYS_ASYNC: Option<&Value> = Some(&Value::Bool(true));

/// Queues a parse, extract or split job (`kind`) once its documents are known to exist.
fn submit_document_job(
    state: &AppState,
    kind: JobKind,
    request: &Value,
    input: Vec<DocRef>,
    parse: ParseSettings,
    task: Task,
) -> AppResult<Submitted> {
    input::check(&state.store, &input, now_ms())?;
    let spec = JobSpec { task, input, parse };
    state.runner.submit(Submission { kind, pipeline_id: None, pipeline_version: None, request, spec })
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
        .merge(pipeline::routes())
        .merge(jobs::routes())
        .merge(studio::routes())
        .merge(snippets::routes())
}

/// Routes that need no API key.
pub fn public() -> Router<AppState> {
    files::presigned_routes()
}
