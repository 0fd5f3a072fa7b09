//! Server metadata: `GET /version`.

use axum::routing::get;
use axum::{Json, Router};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/version", get(version))
}

/// The spec types this response as a bare JSON string.
async fn version() -> Json<&'static str> {
    Json(concat!("reducto-local ", env!("CARGO_PKG_VERSION")))
}
