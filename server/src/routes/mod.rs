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
use serde_json::Value;

use crate::api::AsyncJobCreated;
use crate::error::AppResult;
use crate::jobs::Submitted;
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
