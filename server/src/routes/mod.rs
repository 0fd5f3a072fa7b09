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

use axum::Router;

use crate::AppState;

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
