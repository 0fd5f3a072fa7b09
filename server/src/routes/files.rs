//! Uploads, both ways Reducto offers them:
//!
//! - `POST /upload` with a multipart body: the document in field `file` (optional
//!   `?extension=`), limited by `--max-upload-mb`.
//! - `POST /upload` with no file (an empty body, or JSON without `file`, which is what the
//!   official SDKs send) → `{file_id, presigned_url}`; the bytes then go by
//!   `PUT /upload/presigned/<token>`. That URL is the credential (no API key: the SDKs never
//!   send one there), works once, expires (`--presigned-ttl-secs`) and takes up to
//!   `--max-presigned-mb`. Until the PUT completes, runs that name the file id get a 409.
//!
//! Either way the bytes stream to a scratch file that is renamed into place when complete, so
//! an upload never sits in memory and a failed one leaves nothing behind.

use std::path::Path;

use axum::body::{Body, Bytes};
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post, put};
use axum::{Json, Router};
use http_body_util::BodyExt;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use super::PathParam;
use crate::api::UploadResponse;
use crate::clock::now_ms;
use crate::engine::parse::looks_like_pdf;
use crate::error::{AppError, AppResult};
use crate::ids::{self, normalize_extension, FileId};
use crate::loc;
use crate::routes::BaseUrl;
use crate::state::AppState;
use crate::store::{Claim, Deleted, UploadRow};

/// Behind the API-key check.
pub fn routes() -> Router<AppState> {
    // The id is matched whole: the official SDKs put `reducto://…` in the path, encoded or not.
    Router::new().route("/upload", post(upload)).route("/upload/{*file_id}", delete(delete_upload))
}

/// `DELETE /upload/{file_id}`: removes the file (or a presigned upload still waiting for its
/// bytes) at once; 202, as Reducto answers. Later use of the id is a 404 that says it was deleted.
async fn delete_upload(State(state): State<AppState>, PathParam(raw): PathParam) -> AppResult<Response> {
    let raw = raw.trim_start_matches('/');
    let file_id = FileId::parse(raw)
        .or_else(|| FileId::parse(&format!("reducto://{raw}")))
        .ok_or_else(|| AppError::NotFound(format!("File '{raw}' not found")))?;
    let id = file_id.to_string();
    if !state.store.delete_upload(&file_id)? {
        return Err(AppError::NotFound(if state.store.was_deleted(Deleted::Upload, &file_id.token)? {
            format!("File '{id}' was deleted")
        } else {
            format!("File '{id}' not found")
        }));
    }
    Ok((StatusCode::ACCEPTED, Json(json!({"file_id": id, "status": "deleted"}))).into_response())
}

/// Not behind the API-key check: the token in the URL is the credential.
pub fn presigned_routes() -> Router<AppState> {
    Router::new().route(&format!("{PRESIGNED_PATH}/{{token}}"), put(put_presigned))
}

const PRESIGNED_PATH: &str = "/upload/presigned";

#[derive(Debug, Deserialize)]
struct UploadQuery {
    extension: Option<String>,
}

/// How many leading bytes are kept to sniff the type of a file that has no extension.
const SNIFF_LEN: usize = 1024;

/// The most a non-multipart `POST /upload` body may hold: it is only ever `{}` or similar.
const SMALL_BODY: usize = 64 * 1024;

async fn upload(
    State(state): State<AppState>,
    BaseUrl(base): BaseUrl,
    query: Result<Query<UploadQuery>, QueryRejection>,
    req: Request,
) -> AppResult<Json<UploadResponse>> {
    let Query(query) = query.map_err(|e| AppError::invalid(loc!["query"], e.body_text(), "value_error"))?;
    let declared = match query.extension.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(normalize_extension(raw).ok_or_else(|| {
            AppError::invalid(
                loc!["query", "extension"],
                format!("'{raw}' is not a file extension (1-10 letters or digits, like 'pdf')"),
                "value_error",
            )
        })?),
    };
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    if is_multipart {
        // A body that says it is far larger than an upload may be is refused before it is read.
        let length = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if length.is_some_and(|length| length > state.config.max_upload_bytes() + MULTIPART_OVERHEAD) {
            return Err(too_large(&state));
        }
        let multipart: Result<Multipart, MultipartRejection> = Multipart::from_request(req, &state).await;
        let multipart = multipart.map_err(|e| {
            let why = format!("Malformed multipart body: {}", e.body_text());
            AppError::invalid(loc!["body"], why, "value_error")
        })?;
        return receive_multipart(&state, declared, multipart).await;
    }
    let bytes = axum::body::to_bytes(req.into_body(), SMALL_BODY).await.map_err(|_| missing_file())?;
    if !asks_for_presigned(&bytes) {
        return Err(missing_file());
    }
    let file_id = FileId::new(declared);
    let url_token = ids::new_upload_token();
    let ttl_ms = state.config.presigned_ttl.as_millis() as i64;
    state.store.create_presigned(&url_token, &file_id, now_ms() + ttl_ms)?;
    Ok(Json(UploadResponse {
        file_id: file_id.to_string(),
        presigned_url: Some(format!("{base}{PRESIGNED_PATH}/{url_token}")),
    }))
}

/// Room in a multipart body for its boundaries and part headers beside the file.
const MULTIPART_OVERHEAD: u64 = 1 << 20;

fn too_large(state: &AppState) -> AppError {
    AppError::PayloadTooLarge(format!(
        "File too large: this server accepts uploads up to {} MB (--max-upload-mb)",
        state.config.max_upload_mb
    ))
}

fn missing_file() -> AppError {
    AppError::invalid(
        loc!["body", "file"],
        "Field required: send the document as the multipart/form-data field 'file', \
         or send no body at all to get a presigned upload URL",
        "missing",
    )
}

/// An empty body, or a JSON object whose `file` is absent or null.
fn asks_for_presigned(body: &Bytes) -> bool {
    if body.iter().all(u8::is_ascii_whitespace) {
        return true;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => o.get("file").is_none_or(Value::is_null),
        _ => false,
    }
}

/// `http://<authority>` as the caller reached this server, so the presigned URL works from
/// wherever the caller is (a browser on another machine, a port picked at random).
async fn receive_multipart(
    state: &AppState,
    declared: Option<String>,
    mut multipart: Multipart,
) -> AppResult<Json<UploadResponse>> {
    let limit = state.config.max_upload_bytes();
    let too_large = || too_large(state);
    let malformed = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::BadRequest(format!("Malformed multipart body: {}", e.body_text()))
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        if field.name() != Some("file") {
            continue;
        }
        let from_name = field
            .file_name()
            .and_then(|name| Path::new(name).extension())
            .and_then(|ext| normalize_extension(&ext.to_string_lossy()));
        let filename = field.file_name().map(str::to_owned);
        let mut file_id = FileId::new(None);
        let mut incoming = Incoming::create(state.store.upload_temp_path(&file_id), limit).await?;
        let received = async {
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                if !incoming.write(&chunk).await? {
                    return Err(too_large());
                }
            }
            Ok(())
        }
        .await;
        let received = received.and(incoming.finish().await);
        let (size, head) = incoming.keep_or_discard(received).await?;
        file_id.extension = declared.or(from_name).or_else(|| sniff(&head));
        tokio::fs::rename(state.store.upload_temp_path(&file_id), state.store.upload_path(&file_id)).await?;
        state.store.insert_upload(&UploadRow { file_id: file_id.clone(), filename, size })?;
        return Ok(Json(UploadResponse { file_id: file_id.to_string(), presigned_url: None }));
    }
    Err(missing_file())
}

async fn put_presigned(
    State(state): State<AppState>,
    PathParam(token): PathParam,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Json<Value>> {
    let unknown = || AppError::NotFound("This presigned upload URL is unknown".into());
    if !ids::is_token(&token) {
        return Err(unknown());
    }
    let file_id = match state.store.claim_presigned(&token, now_ms())? {
        Claim::Ready(file_id) => file_id,
        Claim::Unknown => return Err(unknown()),
        Claim::Expired => {
            return Err(AppError::Gone(format!(
                "This presigned upload URL has expired (they are valid for {} s): \
                 request a new one with POST /upload",
                state.config.presigned_ttl.as_secs()
            )))
        }
        Claim::Busy => {
            return Err(AppError::Conflict("Another upload to this presigned URL is in progress".into()))
        }
        Claim::Used => {
            return Err(AppError::Gone(
                "This presigned upload URL has already been used: each URL takes one upload; \
                 request a new one with POST /upload"
                    .into(),
            ))
        }
    };
    // If the PUT goes away mid-body (the client hangs up, the body stalls past the idle
    // timeout), this future is dropped: the guard gives the claim back, so the URL can be
    // tried again until it expires.
    let mut claim = ClaimGuard { state: &state, token: &token, held: true };
    let received = receive_put(&state, &file_id, &headers, body).await;
    // From here on, every way out below settles the claim itself.
    claim.held = false;
    match received {
        Ok((size, head)) => {
            let stored = FileId {
                token: file_id.token.clone(),
                extension: file_id.extension.clone().or_else(|| sniff(&head)),
            };
            let finished = async {
                tokio::fs::rename(state.store.upload_temp_path(&file_id), state.store.upload_path(&stored))
                    .await?;
                state
                    .store
                    .complete_presigned(&token, &UploadRow { file_id: stored, filename: None, size })?;
                Ok::<_, AppError>(())
            }
            .await;
            if finished.is_err() {
                let _ = state.store.release_presigned(&token);
            }
            finished?;
            Ok(Json(json!({ "file_id": file_id.to_string(), "size": size })))
        }
        Err(e) => {
            // The URL stays usable (until it expires) for another try.
            state.store.release_presigned(&token)?;
            Err(e)
        }
    }
}

/// A claim on a presigned upload, given back when dropped while `held`.
struct ClaimGuard<'a> {
    state: &'a AppState,
    token: &'a str,
    held: bool,
}

impl Drop for ClaimGuard<'_> {
    fn drop(&mut self) {
        if self.held {
            let _ = self.state.store.release_presigned(self.token);
        }
    }
}

/// Streams a PUT body to the scratch file of `file_id`; its size and first bytes.
async fn receive_put(
    state: &AppState,
    file_id: &FileId,
    headers: &HeaderMap,
    mut body: Body,
) -> AppResult<(u64, Vec<u8>)> {
    let limit = state.config.max_presigned_bytes();
    let too_large = || {
        AppError::PayloadTooLarge(format!(
            "File too large: presigned uploads take up to {} MB (--max-presigned-mb)",
            state.config.max_presigned_mb
        ))
    };
    let declared: Option<u64> =
        headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut incoming = Incoming::create(state.store.upload_temp_path(file_id), limit).await?;
    let received = async {
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| AppError::BadRequest(format!("The upload was cut off: {e}")))?;
            if let Ok(chunk) = frame.into_data() {
                if !incoming.write(&chunk).await? {
                    return Err(too_large());
                }
            }
        }
        Ok(())
    }
    .await;
    let received = received.and(incoming.finish().await);
    incoming.keep_or_discard(received).await
}

fn sniff(head: &[u8]) -> Option<String> {
    looks_like_pdf(head).then(|| "pdf".to_owned())
}

/// A file being received: written chunk by chunk, counted against a limit, with its first
/// bytes kept for sniffing.
struct Incoming {
    path: std::path::PathBuf,
    file: tokio::fs::File,
    size: u64,
    limit: u64,
    head: Vec<u8>,
}

impl Incoming {
    async fn create(path: std::path::PathBuf, limit: u64) -> AppResult<Incoming> {
        let file = tokio::fs::File::from_std(crate::store::private_file(&path, true)?);
        Ok(Incoming { path, file, size: 0, limit, head: Vec::with_capacity(SNIFF_LEN) })
    }

    /// Appends a chunk; `false` (and nothing written) if it would pass the limit.
    async fn write(&mut self, chunk: &[u8]) -> AppResult<bool> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Ok(false);
        }
        let keep = SNIFF_LEN.saturating_sub(self.head.len()).min(chunk.len());
        self.head.extend_from_slice(&chunk[..keep]);
        self.file.write_all(chunk).await?;
        Ok(true)
    }

    /// Flushes and syncs the bytes to disk, so a crash after the rename that puts the file in
    /// place cannot leave a file that is there but incomplete.
    async fn finish(&mut self) -> AppResult<()> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        Ok(())
    }

    /// On success (and a non-empty file) the size and first bytes; otherwise the scratch file
    /// is removed and the error returned.
    async fn keep_or_discard(self, received: AppResult<()>) -> AppResult<(u64, Vec<u8>)> {
        let outcome = match received {
            Ok(()) if self.size == 0 => Err(AppError::BadRequest("The uploaded file is empty".into())),
            other => other,
        };
        match outcome {
            Ok(()) => Ok((self.size, self.head)),
            Err(e) => {
                drop(self.file);
                // Best effort: a leftover scratch file is harmless (and removed at the next start).
                let _ = tokio::fs::remove_file(&self.path).await;
                Err(e)
            }
        }
    }
}
