//! The job routes: `GET /job/{id}` (poll one job), `POST /cancel/{id}`, `DELETE /job/{id}`
//! and `GET /jobs` (all jobs, newest first, by cursor). Statuses come from the store, live
//! progress from the runner.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::{respond, BaseUrl, PathParam};
use crate::api::{AsyncJobResponse, JobStatus, JobType, JobsResponse, SingleJob};
use crate::error::{AppError, AppResult};
use crate::loc;
use crate::routes::pipeline::{with_version, Revision};
use crate::state::AppState;
use crate::store::{Deleted, JobKind, JobRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/job/{job_id}", get(show).delete(delete))
        .route("/cancel/{job_id}", post(cancel))
        .route("/jobs", get(list))
}

async fn show(State(state): State<AppState>, base: BaseUrl, PathParam(id): PathParam) -> AppResult<Response> {
    let job = find(&state, &id)?;
    job_response(&state, &base, job)
}

/// Deletes a job and its result, cancelling it first if it is still queued or running; 202,
/// as Reducto answers. Later use of the id is a 404 that says it was deleted.
async fn delete(State(state): State<AppState>, PathParam(id): PathParam) -> AppResult<Response> {
    find(&state, &id)?;
    state.runner.delete(&id)?;
    Ok((StatusCode::ACCEPTED, Json(json!({"job_id": id, "status": "deleted"}))).into_response())
}

/// Cancels a queued or running job and answers with its state (now `Failed`, "Cancelled by
/// the user"). Cancelling a job that already failed or was cancelled changes nothing; one that
/// completed cannot be cancelled (409).
async fn cancel(
    State(state): State<AppState>,
    base: BaseUrl,
    PathParam(id): PathParam,
) -> AppResult<Response> {
    let job = find(&state, &id)?;
    if !job.status.is_final() {
        state.runner.cancel(&id)?;
    }
    // Read again: the job may have finished in the meantime, which the store decided.
    let job = find(&state, &id)?;
    if job.status == JobStatus::Completed {
        return Err(AppError::Conflict(format!(
            "Job '{id}' has already completed; there is nothing to cancel"
        )));
    }
    job_response(&state, &base, job)
}

fn find(state: &AppState, id: &str) -> AppResult<JobRow> {
    match state.store.get_job(id)? {
        Some(job) => Ok(job),
        None if state.store.was_deleted(Deleted::Job, id)? => {
            Err(AppError::NotFound(format!("Job '{id}' was deleted")))
        }
        None => Err(AppError::NotFound(format!("Job '{id}' not found"))),
    }
}

/// A job as `AsyncJobResponse`, with `x-pipeline-version` for pipeline runs.
fn job_response(state: &AppState, base: &BaseUrl, job: JobRow) -> AppResult<Response> {
    let result = match (&job.status, &job.result) {
        (JobStatus::Completed, Some(text)) => Some(respond::stored(state, base, &job.id, text)?),
        _ => None,
    };
    let progress = match job.status {
        JobStatus::Pending | JobStatus::InProgress => Some(state.runner.progress(&job.id).unwrap_or(0.0)),
        JobStatus::Completed => Some(1.0),
        JobStatus::Failed | JobStatus::Cancelled => None,
    };
    let body =
        Json(AsyncJobResponse { status: job.status.into(), progress, reason: job.error.clone(), result });
    let source = match (job.kind, job.pipeline_version) {
        (JobKind::Pipeline, Some(n)) => Some(Revision::Version(n)),
        (JobKind::PipelineTest, _) => Some(Revision::Draft),
        _ => None,
    };
    Ok(match source {
        Some(source) => with_version(source, body),
        None => body.into_response(),
    })
}

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 500;

async fn list(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> AppResult<Json<JobsResponse>> {
    let Query(query) = query.map_err(|e| AppError::invalid(loc!["query"], e.body_text(), "value_error"))?;
    let JobsQuery { limit, exclude_configs, before } = JobsQuery::read(&query)?;
    // One extra row tells whether there is a next page.
    let mut rows = state.store.list_jobs(before, limit + 1)?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| encode_cursor(last.seq))
    } else {
        None
    };
    let jobs = rows
        .into_iter()
        .map(|row| SingleJob {
            status: row.status,
            kind: job_type(row.kind),
            raw_config: if exclude_configs {
                String::new()
            } else {
                row.config.unwrap_or_else(|| "{}".into())
            },
            created_at: row.created_at,
            num_pages: row.num_pages,
            total_pages: row.total_pages,
            duration: row.duration,
            job_id: row.id,
        })
        .collect();
    Ok(Json(JobsResponse { jobs, next_cursor }))
}

/// The query of `GET /jobs`, each parameter read as FastAPI reads it: a mistake is a 422 that
/// names the parameter.
struct JobsQuery {
    limit: usize,
    exclude_configs: bool,
    /// The cursor: list the jobs before this one.
    before: Option<i64>,
}

impl JobsQuery {
    fn read(query: &HashMap<String, String>) -> AppResult<JobsQuery> {
        let given = |name: &str| query.get(name).map(|s| s.trim()).filter(|s| !s.is_empty());
        Ok(JobsQuery {
            limit: given("limit").map_or(Ok(DEFAULT_LIMIT), read_limit)?,
            exclude_configs: given("exclude_configs").map_or(Ok(false), read_exclude_configs)?,
            before: given("cursor").map(read_cursor).transpose()?,
        })
    }
}

fn read_limit(raw: &str) -> AppResult<usize> {
    let invalid = |message: String, kind: &str| AppError::invalid(loc!["query", "limit"], message, kind);
    match raw.parse::<i64>() {
        Ok(n) if n < 1 => {
            Err(invalid("Input should be greater than or equal to 1".into(), "greater_than_equal"))
        }
        Ok(n) if n > MAX_LIMIT as i64 => {
            Err(invalid(format!("Input should be less than or equal to {MAX_LIMIT}"), "less_than_equal"))
        }
        Ok(n) => Ok(n as usize),
        Err(_) => Err(invalid(
            "Input should be a valid integer, unable to parse string as an integer".into(),
            "int_parsing",
        )),
    }
}

fn read_exclude_configs(raw: &str) -> AppResult<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(AppError::invalid(
            loc!["query", "exclude_configs"],
            "Input should be a valid boolean, unable to interpret input",
            "bool_parsing",
        )),
    }
}

fn read_cursor(raw: &str) -> AppResult<i64> {
    decode_cursor(raw).ok_or_else(|| {
        AppError::invalid(
            loc!["query", "cursor"],
            "Invalid cursor: pass the next_cursor of a previous GET /jobs response",
            "value_error",
        )
    })
}

fn job_type(kind: JobKind) -> JobType {
    match kind {
        JobKind::Parse => JobType::Parse,
        JobKind::Extract => JobType::Extract,
        JobKind::Split => JobType::Split,
        JobKind::Classify => JobType::Classify,
        JobKind::Edit => JobType::Edit,
        JobKind::Pipeline | JobKind::PipelineTest => JobType::Pipeline,
    }
}

/// Cursors are opaque to callers: a version letter and the position in hex, so the format can
/// change without old cursors being misread.
fn encode_cursor(seq: i64) -> String {
    format!("c1{seq:x}")
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    i64::from_str_radix(cursor.strip_prefix("c1")?, 16).ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for seq in [1, 255, 1 << 40] {
            assert_eq!(decode_cursor(&encode_cursor(seq)), Some(seq));
        }
        for bad in ["", "c1", "c1zz", "ff", "c1-5", "c10"] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
