//! `POST /upload`: multipart upload of one document (field `file`, optional `?extension=`).
//! The field is streamed to a scratch file and renamed into place when complete, so a large
//! upload never sits in memory and a failed one leaves nothing behind. The body limit
//! (`--max-upload-mb`) is enforced while streaming and answered with 413.
//!
//! Not yet: the presigned flow (`POST /upload` with no body, then `PUT` the bytes).

use std::path::Path;

use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::api::UploadResponse;
use crate::engine::parse::looks_like_pdf;
use crate::error::{AppError, AppResult};
use crate::ids::{normalize_extension, FileId};
use crate::loc;
use crate::store::UploadRow;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/upload", post(upload))
}

#[derive(Debug, Deserialize)]
struct UploadQuery {
    extension: Option<String>,
}

/// How many leading bytes are kept to sniff the type of a file that has no extension.
const SNIFF_LEN: usize = 1024;

async fn upload(
    State(state): State<AppState>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    multipart: Result<Multipart, MultipartRejection>,
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
    let missing_file = || {
        AppError::invalid(
            loc!["body", "file"],
            "Field required: send the document as the multipart/form-data field 'file'",
            "missing",
        )
    };
    let mut multipart = multipart.map_err(|_| missing_file())?;
    let limit = state.config.max_upload_bytes();
    while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(e, &state))? {
        if field.name() != Some("file") {
            continue;
        }
        let from_name = field
            .file_name()
            .and_then(|name| Path::new(name).extension())
            .and_then(|ext| normalize_extension(&ext.to_string_lossy()));
        let filename = field.file_name().map(str::to_owned);
        let mut file_id = FileId::new(None);
        let temp = state.store.upload_temp_path(&file_id);
        let (size, head) = match save(field, &temp, limit, &state).await {
            Ok((0, _)) => Err(AppError::BadRequest("The uploaded file is empty".into())),
            other => other,
        }
        .inspect_err(|_| {
            // Best effort: a leftover scratch file is harmless, the error is what matters.
            let _ = std::fs::remove_file(&temp);
        })?;
        file_id.extension =
            declared.or(from_name).or_else(|| looks_like_pdf(&head).then(|| "pdf".to_owned()));
        tokio::fs::rename(&temp, state.store.upload_path(&file_id)).await?;
        state.store.insert_upload(&UploadRow { file_id: file_id.clone(), filename, size })?;
        return Ok(Json(UploadResponse { file_id: file_id.to_string(), presigned_url: None }));
    }
    Err(missing_file())
}

/// Streams one field to `path`; returns its size and first bytes.
async fn save(mut field: Field<'_>, path: &Path, limit: u64, state: &AppState) -> AppResult<(u64, Vec<u8>)> {
    let mut out = tokio::fs::File::create(path).await?;
    let mut size = 0u64;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, state))? {
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large(state));
        }
        let keep = SNIFF_LEN.saturating_sub(head.len()).min(chunk.len());
        head.extend_from_slice(&chunk[..keep]);
        out.write_all(&chunk).await?;
    }
    out.flush().await?;
    Ok((size, head))
}

fn multipart_error(e: MultipartError, state: &AppState) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(state)
    } else {
        AppError::BadRequest(format!("Malformed multipart body: {}", e.body_text()))
    }
}

fn too_large(state: &AppState) -> AppError {
    AppError::PayloadTooLarge(format!(
        "File too large: this server accepts uploads up to {} MB (--max-upload-mb)",
        state.config.max_upload_mb
    ))
}
