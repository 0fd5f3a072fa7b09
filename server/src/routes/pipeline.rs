//! `POST /pipeline`: run a pipeline's deployed version on one uploaded document. Drafts are
//! never run here; the response names the version that ran in `x-pipeline-version`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use crate::api::PipelineRequest;
use crate::body::JsonBody;
use crate::error::{AppError, AppResult};
use crate::jobs::{self, Run, Source};
use crate::store::Live;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/pipeline", post(run))
}

async fn run(State(state): State<AppState>, JsonBody(req): JsonBody<PipelineRequest>) -> AppResult<Response> {
    let file_id = jobs::file_id_of(&req.input)?;
    let id = &req.pipeline_id;
    let version = match state.store.live(id)? {
        Live::Version(version) => version,
        Live::NotFound => return Err(AppError::NotFound(format!("Pipeline '{id}' not found"))),
        Live::NeverDeployed => {
            return Err(AppError::Conflict(format!(
                "Pipeline '{id}' has never been deployed: deploy it first \
                 (Deploy in the Studio, or POST /studio/pipelines/{id}/deploy)"
            )))
        }
    };
    let source = Source::Version(version.version);
    let run = Run {
        pipeline_id: id,
        source,
        steps: &version.steps,
        input: &req.input,
        file_id,
        settings: &req.settings,
    };
    let response = jobs::run_pipeline(&state, run).await?;
    Ok(pipeline_response(source, response))
}

/// A run's response with the header that says which steps produced it.
pub fn pipeline_response(source: Source, body: crate::api::PipelineResponse) -> Response {
    ([("x-pipeline-version", source.header_value())], Json(body)).into_response()
}
