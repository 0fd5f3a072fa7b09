//! `POST /pipeline` and `POST /pipeline_async`: run a pipeline's deployed version on the `input`
//! document(s), awaiting the result or answering with a job id at once. Drafts are never run here
//! (Studio's test route shares [`submit`]); every answer names the version that runs in
//! `x-pipeline-version`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

use super::{input, respond, webhook, BaseUrl};
use crate::api::{AsyncJobCreated, PipelineRequest};
use crate::body::JsonWithRaw;
use crate::clock::now_ms;
use crate::error::{AppError, AppResult, ValidationError};
use crate::jobs::input::{self as inputs, DocRef};
use crate::jobs::{JobSpec, Submission, Submitted, Task};
use crate::state::AppState;
use crate::steps::Steps;
use crate::store::{Deployed, JobKind};

pub fn routes() -> Router<AppState> {
    Router::new().route("/pipeline", post(run)).route("/pipeline_async", post(run_async))
}

/// Which steps run: a deployed version, or the draft (Studio's "test").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revision {
    Version(i64),
    Draft,
}

impl Revision {
    /// The `x-pipeline-version` header value.
    pub fn header_value(self) -> String {
        match self {
            Revision::Version(n) => n.to_string(),
            Revision::Draft => "draft".into(),
        }
    }
}

/// A pipeline run as the routes describe it.
pub struct PipelineRun<'a> {
    pub pipeline_id: &'a str,
    pub source: Revision,
    pub steps: &'a Steps,
    /// The whole request body (for `raw_config`).
    pub request: &'a Value,
    /// The documents its `input` names, read (and checked) once as the request arrived.
    pub docs: Vec<DocRef>,
    /// `settings.document_password` of the request; wins over one in the steps.
    pub password: Option<&'a str>,
}

async fn run(
    State(state): State<AppState>,
    base: BaseUrl,
    JsonWithRaw(req, raw): JsonWithRaw<PipelineRequest>,
) -> AppResult<Response> {
    let (submitted, source) = submit_deployed(&state, &req, &raw)?;
    Ok(with_version(source, Json(respond::finished(&state, &base, submitted).await?)))
}

async fn run_async(
    State(state): State<AppState>,
    JsonWithRaw(req, raw): JsonWithRaw<PipelineRequest>,
) -> AppResult<Response> {
    let (submitted, source) = submit_deployed(&state, &req, &raw)?;
    Ok(with_version(source, Json(AsyncJobCreated { job_id: submitted.job_id })))
}

fn submit_deployed(state: &AppState, req: &PipelineRequest, raw: &Value) -> AppResult<(Submitted, Revision)> {
    // A bad input is the caller's first mistake to hear of, before whether the pipeline exists.
    let docs = input::parse(&req.input)?;
    let id = &req.pipeline_id;
    let version = match state.store.deployed(id)? {
        Deployed::Version(version) => version,
        Deployed::NotFound => return Err(AppError::NotFound(format!("Pipeline '{id}' not found"))),
        Deployed::NeverDeployed => {
            return Err(AppError::Conflict(format!(
                "Pipeline '{id}' has never been deployed: deploy it first \
                 (Deploy in the Studio, or POST /studio/pipelines/{id}/deploy)"
            )))
        }
    };
    let source = Revision::Version(version.version);
    let run = PipelineRun {
        pipeline_id: id,
        source,
        steps: &version.steps,
        request: raw,
        docs,
        password: req.settings.document_password.as_deref(),
    };
    Ok((submit(state, run)?, source))
}

/// Checks a run and queues it as a job.
pub fn submit(state: &AppState, run: PipelineRun) -> AppResult<Submitted> {
    let docs = run.docs;
    let mut parse = run.steps.parse_settings().map_err(|errors| {
        let under_steps =
            |e: ValidationError| ValidationError { loc: [crate::loc!["steps"], e.loc].concat(), ..e };
        AppError::Validation(errors.into_iter().map(under_steps).collect())
    })?;
    if let Some(password) = run.password {
        parse.password = Some(password.to_owned());
    }
    let webhook = webhook::read(run.request, state.config.allow_private_urls)?;
    inputs::check(&state.store, &docs, now_ms())?;
    let (kind, version) = match run.source {
        Revision::Version(n) => (JobKind::Pipeline, Some(n)),
        Revision::Draft => (JobKind::PipelineTest, None),
    };
    let task = Task::Pipeline { pipeline_id: run.pipeline_id.to_owned(), version, steps: run.steps.clone() };
    Ok(state.runner.submit(Submission {
        kind,
        pipeline_id: Some(run.pipeline_id),
        pipeline_version: version,
        request: run.request,
        spec: JobSpec { task, input: docs, parse, webhook },
    })?)
}

/// A response with the header that says which steps produce (or produced) it.
pub fn with_version(source: Revision, body: impl IntoResponse) -> Response {
    ([("x-pipeline-version", source.header_value())], body).into_response()
}
