//! Studio endpoints (this project's own API): create and rename pipelines, edit their draft,
//! deploy the draft as a new immutable version, roll back to an earlier one, and test-run the
//! draft; and list the webhook deliveries of async jobs (`GET /studio/webhooks`).
//!
//! One pipeline shape everywhere (create, get, list, rename, draft update):
//! `{id, name, draft: <steps>, versions: [{version, version_name, deployed_at}],
//!   deployed: {version, version_name, deployed_at} | null, created_at, updated_at}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::input;
use super::{respond, BaseUrl, PathParam};
use crate::api::PipelineSettings;
use crate::body::{JsonBody, JsonOrDefault, JsonWithRaw};
use crate::error::{AppError, AppResult};
use crate::loc;
use crate::pipelines_file::{self, PipelinesFile};
use crate::routes::pipeline::{self, with_version, PipelineRun, Revision};
use crate::state::AppState;
use crate::steps::Steps;
use crate::store::{DeliveryMode, DeliveryRow, DeliveryState, PipelineRow, VersionRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/studio/pipelines", get(list).post(create))
        .route("/studio/pipelines/export", get(export_all))
        .route("/studio/pipelines/import", post(import))
        .route("/studio/pipelines/{id}/export", get(export_one))
        .route("/studio/pipelines/{id}", get(show).patch(rename))
        .route("/studio/pipelines/{id}/draft", put(update_draft))
        .route("/studio/pipelines/{id}/deploy", post(deploy))
        .route("/studio/pipelines/{id}/versions", get(versions))
        .route("/studio/pipelines/{id}/rollback", post(rollback))
        .route("/studio/pipelines/{id}/test", post(test))
        .route("/studio/webhooks", get(webhooks))
}

/// How many deliveries `GET /studio/webhooks` lists, newest first.
const WEBHOOKS_LISTED: usize = 200;

/// The webhook deliveries of async jobs and their outcomes, newest first; each `payload` is the
/// JSON body that was (or is to be) POSTed.
async fn webhooks(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let deliveries: Vec<Delivery> =
        state.deliverer.list(WEBHOOKS_LISTED)?.into_iter().map(Delivery::from).collect();
    Ok(Json(json!({ "deliveries": deliveries })))
}

/// One delivery as `GET /studio/webhooks` shows it: its record, with the payload as the JSON
/// body it is (the store keeps it as text).
#[derive(Serialize)]
struct Delivery {
    id: i64,
    job_id: String,
    mode: DeliveryMode,
    url: Option<String>,
    payload: Value,
    state: DeliveryState,
    attempts: u32,
    last_status: Option<u16>,
    last_error: Option<String>,
    created_at: String,
    updated_at: String,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Delivery {
        Delivery {
            payload: serde_json::from_str(&row.payload).unwrap_or(Value::String(row.payload)),
            id: row.id,
            job_id: row.job_id,
            mode: row.mode,
            url: row.url,
            state: row.state,
            attempts: row.attempts,
            last_status: row.last_status,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

// ---- request and response types ----

#[derive(Debug, Deserialize)]
struct CreatePipeline {
    name: String,
    /// Optional: a new pipeline may start with an empty draft (parse with defaults).
    #[serde(default, deserialize_with = "crate::steps::steps_object")]
    steps: Steps,
}

#[derive(Debug, Deserialize)]
struct RenamePipeline {
    name: String,
}

#[derive(Debug, Deserialize)]
struct UpdateDraft {
    #[serde(deserialize_with = "crate::steps::steps_object")]
    steps: Steps,
}

#[derive(Debug, Default, Deserialize)]
struct DeployRequest {
    #[serde(default)]
    version_name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RollbackRequest {
    version: i64,
}

#[derive(Debug, Deserialize)]
struct TestRequest {
    input: Value,
    #[serde(default)]
    settings: PipelineSettings,
}

#[derive(Debug, Serialize)]
struct PipelineView {
    id: String,
    name: String,
    /// The draft's steps, with a saved document password masked.
    draft: Steps,
    versions: Vec<VersionSummary>,
    deployed: Option<VersionSummary>,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Clone, Serialize)]
struct VersionSummary {
    version: i64,
    version_name: Option<String>,
    deployed_at: String,
}

#[derive(Debug, Serialize)]
struct VersionView {
    version: i64,
    version_name: Option<String>,
    deployed_at: String,
    /// With a saved document password masked.
    steps: Steps,
}

#[derive(Debug, Serialize)]
struct DeployResponse {
    pipeline_id: String,
    version: i64,
    version_name: Option<String>,
    deployed_at: String,
}

impl From<&VersionRow> for VersionSummary {
    fn from(v: &VersionRow) -> Self {
        VersionSummary {
            version: v.version,
            version_name: v.version_name.clone(),
            deployed_at: v.deployed_at.clone(),
        }
    }
}

impl From<VersionRow> for DeployResponse {
    fn from(v: VersionRow) -> Self {
        DeployResponse {
            pipeline_id: v.pipeline_id,
            version: v.version,
            version_name: v.version_name,
            deployed_at: v.deployed_at,
        }
    }
}

// ---- handlers ----

async fn create(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<CreatePipeline>,
) -> AppResult<(StatusCode, Json<PipelineView>)> {
    let name = valid_name(&req.name)?;
    check_steps(&req.steps)?;
    let row = state.store.create_pipeline(name, &req.steps)?;
    Ok((StatusCode::CREATED, Json(view(&state, row)?)))
}

async fn list(State(state): State<AppState>) -> AppResult<Json<Vec<PipelineView>>> {
    let rows = state.store.list_pipelines()?;
    rows.into_iter().map(|row| view(&state, row)).collect::<AppResult<_>>().map(Json)
}

async fn show(State(state): State<AppState>, PathParam(id): PathParam) -> AppResult<Json<PipelineView>> {
    let row = state.store.get_pipeline(&id)?.ok_or_else(|| pipeline_not_found(&id))?;
    Ok(Json(view(&state, row)?))
}

/// Renames a pipeline. Callers run it by ID, so nothing they see changes.
async fn rename(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    JsonBody(req): JsonBody<RenamePipeline>,
) -> AppResult<Json<PipelineView>> {
    let name = valid_name(&req.name)?;
    let row = state.store.rename_pipeline(&id, name)?.ok_or_else(|| pipeline_not_found(&id))?;
    Ok(Json(view(&state, row)?))
}

async fn update_draft(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    JsonBody(mut req): JsonBody<UpdateDraft>,
) -> AppResult<Json<PipelineView>> {
    check_steps(&req.steps)?;
    let current = state.store.get_pipeline(&id)?.ok_or_else(|| pipeline_not_found(&id))?;
    req.steps = req.steps.with_saved_secrets(Some(&current.draft));
    let row = state.store.update_draft(&id, &req.steps)?.ok_or_else(|| pipeline_not_found(&id))?;
    Ok(Json(view(&state, row)?))
}

async fn deploy(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    JsonOrDefault(req): JsonOrDefault<DeployRequest>,
) -> AppResult<Json<DeployResponse>> {
    let version_name = match req.version_name.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) if name.chars().count() > 200 => {
            return Err(AppError::invalid(
                loc!["body", "version_name"],
                "version_name is longer than 200 characters",
                "string_too_long",
            ))
        }
        Some(name) => Some(name),
    };
    let version = state.store.deploy(&id, version_name)?.ok_or_else(|| pipeline_not_found(&id))?;
    Ok(Json(version.into()))
}

async fn versions(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> AppResult<Json<Vec<VersionView>>> {
    state.store.get_pipeline(&id)?.ok_or_else(|| pipeline_not_found(&id))?;
    let versions = state.store.versions(&id)?;
    Ok(Json(
        versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                version_name: v.version_name,
                deployed_at: v.deployed_at,
                steps: v.steps.masked(),
            })
            .collect(),
    ))
}

async fn rollback(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    JsonBody(req): JsonBody<RollbackRequest>,
) -> AppResult<Json<DeployResponse>> {
    state.store.get_pipeline(&id)?.ok_or_else(|| pipeline_not_found(&id))?;
    let version = state
        .store
        .rollback(&id, req.version)?
        .ok_or_else(|| AppError::NotFound(format!("Pipeline '{id}' has no version {}", req.version)))?;
    Ok(Json(version.into()))
}

async fn test(
    State(state): State<AppState>,
    base: BaseUrl,
    PathParam(id): PathParam,
    JsonWithRaw(req, raw): JsonWithRaw<TestRequest>,
) -> AppResult<Response> {
    let docs = input::parse(&req.input)?;
    let row = state.store.get_pipeline(&id)?.ok_or_else(|| pipeline_not_found(&id))?;
    let run = PipelineRun {
        pipeline_id: &id,
        source: Revision::Draft,
        steps: &row.draft,
        request: &raw,
        docs,
        password: req.settings.document_password.as_deref(),
    };
    let submitted = pipeline::submit(&state, run)?;
    Ok(with_version(Revision::Draft, Json(respond::finished(&state, &base, submitted).await?)))
}

// ---- pipelines as a file (reducto.pipelines.json, see `pipelines_file`) ----

/// Every pipeline, as a reducto.pipelines.json.
async fn export_all(State(state): State<AppState>) -> AppResult<Json<PipelinesFile>> {
    Ok(Json(pipelines_file::export(&state.store, None)?))
}

/// One pipeline, as a reducto.pipelines.json that holds it alone.
async fn export_one(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> AppResult<Json<PipelinesFile>> {
    state.store.get_pipeline(&id)?.ok_or_else(|| pipeline_not_found(&id))?;
    Ok(Json(pipelines_file::export(&state.store, Some(&id))?))
}

/// Imports a reducto.pipelines.json: its pipelines with their own IDs, their versions and live
/// versions. Checked whole first, so a bad file changes nothing (a 422 naming each problem's path).
async fn import(
    State(state): State<AppState>,
    JsonBody(file): JsonBody<PipelinesFile>,
) -> AppResult<Json<Value>> {
    let ids = pipelines_file::import(&state.store, &file, loc!["body"])?;
    Ok(Json(json!({ "imported": ids })))
}

// ---- helpers ----

fn pipeline_not_found(id: &str) -> AppError {
    AppError::NotFound(format!("Pipeline '{id}' not found"))
}

fn valid_name(name: &str) -> AppResult<&str> {
    let name = name.trim();
    let problem = if name.is_empty() {
        "name must not be empty"
    } else if name.chars().count() > 200 {
        "name is longer than 200 characters"
    } else {
        return Ok(name);
    };
    Err(AppError::invalid(loc!["body", "name"], problem, "value_error"))
}

fn check_steps(steps: &Steps) -> AppResult<()> {
    let errors = steps.validate(loc!["body", "steps"]);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn view(state: &AppState, row: PipelineRow) -> AppResult<PipelineView> {
    let versions: Vec<VersionSummary> =
        state.store.versions(&row.id)?.iter().map(VersionSummary::from).collect();
    let deployed = row.deployed_version.and_then(|n| versions.iter().find(|v| v.version == n).cloned());
    Ok(PipelineView {
        id: row.id,
        name: row.name,
        draft: row.draft.masked(),
        versions,
        deployed,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
