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
    // `Bearer` with no token (as a client with an empty key sends it) sends no key.
    let header = req.headers().get(AUTHORIZATION).filter(|v| {
        let sent = v.as_bytes().trim_ascii();
        !sent.is_empty() && !sent.eq_ignore_ascii_case(b"bearer")
    });
    let presented = header
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once([' ', '\t']))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim());
    match (presented, header) {
        (Some(key), _) if keys.iter().any(|k| constant_time_eq(k.as_str().as_bytes(), key.as_bytes())) => {
            Ok(next.run(req).await)
        }
        (Some(_), _) => Err(AppError::Unauthorized("Invalid API key".into())),
        // A header that is there but no bearer token of printable ASCII (another scheme,
        // non-ASCII bytes): a key was sent, in a form no key has.
        (None, Some(_)) => Err(AppError::Unauthorized(
            "Invalid Authorization header: send 'Authorization: Bearer <key>'".into(),
        )),
        (None, None) => Err(AppError::Unauthorized(
            "Missing API key: send the header 'Authorization: Bearer <key>'".into(),
        )),
    }
}

/// Equality whose time depends only on the lengths, so a key cannot be guessed byte by byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
