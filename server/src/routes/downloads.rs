//! Files served by URL, whose unguessable token is the credential (no API key, like a
//! presigned URL): an edited PDF, and a parse result too large to answer inline.
//!
//! - `GET /download/{token}` serves one until it expires (an edited PDF after
//!   `--presigned-ttl-secs`, a result when the job's retention ends); then 410.
//! - [`inline_or_url`] answers a finished job's result as Reducto does: each `ParseResponse` in
//!   it (a parse job's, or a pipeline's `result.parse`) whose `result` is larger than
//!   `--inline-result-limit-mb` carries `{type: "url", url, result_id}` instead, and the URL
//!   serves the `{type: "full", chunks}` it stands for. The store keeps the full result, so
//!   `jobid://` reuse and every later answer see the same thing.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::BaseUrl;
use crate::error::{AppError, AppResult};
use crate::jobs::input::parse_result_pointers;
use crate::jobs::now_ms;
use crate::links::{download_url, DOWNLOAD_PATH};
use crate::state::AppState;
use crate::store::NewArtifact;

pub fn routes() -> Router<AppState> {
    Router::new().route(&format!("{DOWNLOAD_PATH}/{{token}}"), get(download))
}

async fn download(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let artifact = state
        .store
        .get_artifact(&token, now_ms())?
        .ok_or_else(|| AppError::NotFound("No such download: it was never made, or it was deleted".into()))?;
    if artifact.expired {
        return Err(AppError::Gone("This download link has expired: run the job again for a new one".into()));
    }
    let bytes = match tokio::fs::read(&artifact.path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(AppError::NotFound("No such download: it was deleted".into()))
        }
        Err(e) => return Err(AppError::internal("read a download", e)),
    };
    Ok((
        [(CONTENT_TYPE, artifact.content_type), (CACHE_CONTROL, "private, no-store".into())],
        Body::from(bytes),
    )
        .into_response())
}

/// `result` (job `job_id`'s) with each too-large parse result replaced by its URL.
pub fn inline_or_url(state: &AppState, base: &BaseUrl, job_id: &str, mut result: Value) -> AppResult<Value> {
    let limit = state.config.inline_result_limit_bytes();
    for (index, pointer) in parse_result_pointers(&result).iter().enumerate() {
        let Some(parse) = result.pointer_mut(pointer) else { continue };
        let full = &mut parse["result"];
        if full.get("type").and_then(Value::as_str) != Some("full") {
            continue;
        }
        let bytes = serde_json::to_vec(full).map_err(|e| AppError::internal("serialize a result", e))?;
        if bytes.len() as u64 <= limit {
            continue;
        }
        let part = format!("result:{index}");
        let now = now_ms();
        let token = match state.store.find_artifact(job_id, &part, now)? {
            Some(token) => token,
            None => {
                let expires_at_ms = now + state.config.retention.as_millis() as i64;
                let artifact =
                    NewArtifact { job_id, part: &part, content_type: "application/json", expires_at_ms };
                state.store.put_artifact(&artifact, &bytes)?
            }
        };
        *full = json!({"type": "url", "url": download_url(&base.0, &token), "result_id": token});
    }
    Ok(result)
}
