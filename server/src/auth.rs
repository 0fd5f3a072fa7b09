//! API-key check for the API routes (Reducto endpoints and `/studio/*`). With no `--api-key`
//! configured every caller is accepted (the CLI only allows that on loopback). Static files
//! and CORS preflights never reach this layer. Keys are compared in constant time and never
//! logged.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;
use crate::state::AppState;

pub async fn require_key(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let keys = &state.config.api_keys;
    if keys.is_empty() {
        return Ok(next.run(req).await);
    }
    let presented = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    match presented {
        Some(key) if keys.iter().any(|k| constant_time_eq(k.as_str().as_bytes(), key.as_bytes())) => {
            Ok(next.run(req).await)
        }
        Some(_) => Err(AppError::Unauthorized("Invalid API key".into())),
        None => Err(AppError::Unauthorized(
            "Missing API key: send the header 'Authorization: Bearer <key>'".into(),
        )),
    }
}

/// Equality whose time depends only on the lengths, so a key cannot be guessed byte by byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
