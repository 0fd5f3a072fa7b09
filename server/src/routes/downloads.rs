//! Files served by URL, whose unguessable token is the credential (no API key, like a
//! presigned URL): an edited PDF, and a parse result too large to answer inline.
//!
//! - `GET /download/{token}` serves one until it expires (an edited PDF after
//!   `--presigned-ttl-secs`, a result when the job's retention ends); then 410.
//! - A parse result too large to answer inline is made such a download by
//!   [`super::respond`].

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::PathParam;
use crate::clock::now_ms;
use crate::error::{AppError, AppResult};
use crate::links::DOWNLOAD_PATH;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(&format!("{DOWNLOAD_PATH}/{{token}}"), get(download))
}

async fn download(State(state): State<AppState>, PathParam(token): PathParam) -> AppResult<Response> {
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
