//! Server metadata: `GET /version`, and `POST /configure_webhook`, which answers (as Reducto's
//! does with its Svix portal) the URL of a page: here, the local page that lists webhook
//! deliveries.

use axum::routing::{get, post};
use axum::{Json, Router};

use super::BaseUrl;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/version", get(version)).route("/configure_webhook", post(configure_webhook))
}

/// The spec types this response as a bare JSON string.
async fn version() -> Json<&'static str> {
    Json(concat!("reducto-local ", env!("CARGO_PKG_VERSION")))
}

/// The page that lists deliveries (`www/webhooks.html`, reading `GET /studio/webhooks`).
async fn configure_webhook(BaseUrl(base): BaseUrl) -> Json<String> {
    Json(format!("{base}/webhooks.html"))
}
