//! HTTP routes, one module per API group. Handlers are thin: they extract and check the
//! request, call the store or the runner, and shape the response. Everything here sits behind
//! the API-key layer; static files are mounted separately in `app()`.

mod files;
mod meta;
mod pipeline;
mod studio;

use axum::Router;

use crate::AppState;

pub fn api() -> Router<AppState> {
    Router::new()
        .merge(meta::routes())
        .merge(files::routes())
        .merge(pipeline::routes())
        .merge(studio::routes())
}
