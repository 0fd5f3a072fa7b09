//! What the job runner answers, in HTTP: a submission it refused, and a job's failure as a
//! sync caller hears it. The runner knows no status code; this is where they are chosen.

use serde_json::Value;

use crate::error::{AppError, AppResult};
use crate::jobs::{Failure, FailureKind, Refused, Submitted};

impl From<Refused> for AppError {
    fn from(refused: Refused) -> AppError {
        match refused {
            Refused::ShuttingDown => {
                AppError::Unavailable("The server is shutting down; try again shortly".into())
            }
            Refused::Full { waiting, limit } => AppError::TooManyRequests {
                detail: format!(
                    "Too many jobs are waiting ({waiting}, the limit is {limit}): try again shortly"
                ),
                retry_after_secs: 5,
            },
            Refused::Internal(cause) => AppError::internal("record a job", cause),
        }
    }
}

/// The result of a submitted job once it ends, or the error its sync caller gets.
pub async fn finished(submitted: Submitted) -> AppResult<Value> {
    let id = submitted.job_id.clone();
    submitted.finished().await.map_err(|failure| job_error(failure, &id))
}

/// The error a sync caller of job `id` gets for `failure`.
fn job_error(failure: Failure, id: &str) -> AppError {
    match failure.kind {
        FailureKind::Document => AppError::Unprocessable(failure.reason),
        FailureKind::Missing => AppError::NotFound(failure.reason),
        FailureKind::Cancelled => AppError::Conflict(format!("Job '{id}' was cancelled")),
        FailureKind::Stopped | FailureKind::Interrupted => AppError::Unavailable(format!(
            "The server is shutting down; job '{id}' will run when it starts again"
        )),
        FailureKind::Internal => AppError::internal(&format!("job {id}"), failure.reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_map_to_the_statuses_sync_callers_get() {
        let failure = |kind: FailureKind| Failure { kind, reason: "bad".into() };
        let status = |kind: FailureKind| job_error(failure(kind), "j").status().as_u16();
        assert_eq!(status(FailureKind::Document), 422);
        assert_eq!(status(FailureKind::Cancelled), 409);
        assert_eq!(status(FailureKind::Interrupted), 503);
        assert_eq!(status(FailureKind::Internal), 500);
    }
}
