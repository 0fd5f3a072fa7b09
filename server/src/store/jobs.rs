//! Jobs: inserted, started, finished, cancelled or put back, listed, and recovered at a start.

use rusqlite::{params, OptionalExtension, Row};

use serde::{Deserialize, Serialize};

use super::db::{stored_as_text, Result, Store, NOW};
use super::files::PresignedState;

/// Where a job is in its life (`jobs.status`; `GET /jobs` reports it as it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    Pending,
    InProgress,
    Completed,
    Failed,
    Cancelled,
}

stored_as_text!(JobStatus {
    Pending => "Pending",
    InProgress => "InProgress",
    Completed => "Completed",
    Failed => "Failed",
    Cancelled => "Cancelled",
});

impl JobStatus {
    /// Whether the job has reached its final state.
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled)
    }
}

/// What a job does, as the store records it (`jobs.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Parse,
    Extract,
    Split,
    Classify,
    Edit,
    /// A deployed version of a pipeline.
    Pipeline,
    /// A Studio draft, tried out.
    PipelineTest,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Parse => "parse",
            JobKind::Extract => "extract",
            JobKind::Split => "split",
            JobKind::Classify => "classify",
            JobKind::Edit => "edit",
            JobKind::Pipeline => "pipeline",
            JobKind::PipelineTest => "pipeline_test",
        }
    }

    pub(super) fn from_stored(kind: &str) -> JobKind {
        match kind {
            "parse" => JobKind::Parse,
            "extract" => JobKind::Extract,
            "split" => JobKind::Split,
            "classify" => JobKind::Classify,
            "edit" => JobKind::Edit,
            "pipeline_test" => JobKind::PipelineTest,
            // Only this server writes the column; the first schema's rows are all pipelines.
            _ => JobKind::Pipeline,
        }
    }
}

/// A job as submitted; it starts `Pending`.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub id: &'a str,
    pub kind: JobKind,
    pub pipeline_id: Option<&'a str>,
    /// `None` when a draft runs.
    pub pipeline_version: Option<i64>,
    /// The request's `input`, as JSON.
    pub input: &'a str,
    /// The request as received (`raw_config`), as JSON with secrets masked.
    pub config: &'a str,
    /// The runner's own description of the work, as JSON.
    pub spec: &'a str,
}

/// A job as read back. `result` is only filled by [`Store::get_job`].
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: String,
    pub kind: JobKind,
    pub status: JobStatus,
    pub pipeline_id: Option<String>,
    pub pipeline_version: Option<i64>,
    pub config: Option<String>,
    pub result: Option<String>,
    pub error: Option<String>,
    pub num_pages: Option<u32>,
    pub total_pages: Option<u32>,
    pub duration: Option<f64>,
    pub created_at: String,
    /// Insertion order: the `/jobs` cursor.
    pub seq: i64,
}

/// What starting the server found among the jobs a previous run left unfinished.
#[derive(Debug, Default)]
pub struct Recovery {
    /// `(id, spec)` of each job to run again, oldest first.
    pub resume: Vec<(String, String)>,
    /// Jobs marked Failed because they had already been interrupted too often.
    pub failed: usize,
}

impl Store {
    pub fn insert_job(&self, job: &NewJob) -> Result<()> {
        self.conn().execute(
            &format!(
                "INSERT INTO jobs (id, kind, status, pipeline_id, pipeline_version, input, config, spec,
                                   created_at, updated_at)
                 VALUES (?1, ?2, 'Pending', ?3, ?4, ?5, ?6, ?7, {NOW}, {NOW})"
            ),
            params![
                job.id,
                job.kind.as_str(),
                job.pipeline_id,
                job.pipeline_version,
                job.input,
                job.config,
                job.spec
            ],
        )?;
        Ok(())
    }

    /// Pending → InProgress; `false` if the job is no longer pending (cancelled meanwhile).
    pub fn start_job(&self, id: &str) -> Result<bool> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE jobs SET status = 'InProgress', attempts = attempts + 1, updated_at = {NOW}
                 WHERE id = ?1 AND status = 'Pending'"
            ),
            [id],
        )?;
        Ok(changed == 1)
    }

    /// InProgress → Completed; `false` if it was cancelled while it ran.
    pub fn complete_job(&self, id: &str, result: &str, num_pages: u32, duration: f64) -> Result<bool> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE jobs SET status = 'Completed', result = ?2, num_pages = ?3, total_pages = ?3,
                                 duration = ?4, updated_at = {NOW}
                 WHERE id = ?1 AND status = 'InProgress'"
            ),
            params![id, result, num_pages, duration],
        )?;
        Ok(changed == 1)
    }

    /// Pending or InProgress → Failed with a reason; `false` if it had already finished.
    pub fn fail_job(&self, id: &str, reason: &str, duration: Option<f64>) -> Result<bool> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE jobs SET status = 'Failed', error = ?2, duration = ?3, updated_at = {NOW}
                 WHERE id = ?1 AND status IN ('Pending', 'InProgress')"
            ),
            params![id, reason, duration],
        )?;
        Ok(changed == 1)
    }

    /// Pending or InProgress → Cancelled; `false` if it had already finished.
    pub fn cancel_job(&self, id: &str, reason: &str) -> Result<bool> {
        let changed = self.conn().execute(
            &format!(
                "UPDATE jobs SET status = 'Cancelled', error = ?2, updated_at = {NOW}
                 WHERE id = ?1 AND status IN ('Pending', 'InProgress')"
            ),
            params![id, reason],
        )?;
        Ok(changed == 1)
    }

    /// InProgress → Pending: a worker stopped for a shutdown, so the next start runs it again.
    pub fn requeue_job(&self, id: &str) -> Result<bool> {
        let changed = self.conn().execute(
            &format!("UPDATE jobs SET status = 'Pending', updated_at = {NOW} WHERE id = ?1 AND status = 'InProgress'"),
            [id],
        )?;
        Ok(changed == 1)
    }

    pub fn get_job(&self, id: &str) -> Result<Option<JobRow>> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT {JOB_COLUMNS}, result FROM jobs WHERE id = ?1"), [id], |r| {
                let mut job = job_from_row(r)?;
                job.result = r.get("result")?;
                Ok(job)
            })
            .optional()?)
    }

    /// Up to `limit` jobs, newest first, inserted before `before` (a [`JobRow::seq`]) if given.
    pub fn list_jobs(&self, before: Option<i64>, limit: usize) -> Result<Vec<JobRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE rowid < ?1 ORDER BY rowid DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), limit as i64], job_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Run once at start, before any worker: jobs left Pending are run again, and so are jobs
    /// a crash interrupted (InProgress), unless they have been started `max_attempts` times
    /// already — a document that kills the server must not do so on every restart. Also gives
    /// back presigned URLs whose PUT was cut off by the crash.
    pub fn recover(&self, max_attempts: u32) -> Result<Recovery> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let reason = format!(
            "The server stopped {max_attempts} times while this job was running, so its document \
             may be what stops it; it was not started again. Submit it again to retry"
        );
        let failed = tx.execute(
            &format!(
                "UPDATE jobs SET status = 'Failed', error = ?1, updated_at = {NOW}
                 WHERE status = 'InProgress' AND attempts >= ?2"
            ),
            params![reason, max_attempts],
        )?;
        tx.execute("UPDATE jobs SET status = 'Pending' WHERE status = 'InProgress'", [])?;
        tx.execute(
            "UPDATE jobs SET status = 'Failed', error = 'The job was queued by an older version of this server'
             WHERE status = 'Pending' AND spec IS NULL",
            [],
        )?;
        let resume = {
            let mut stmt = tx.prepare("SELECT id, spec FROM jobs WHERE status = 'Pending' ORDER BY rowid")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<Vec<(String, String)>>>()?
        };
        tx.execute(
            "UPDATE presigned_uploads SET state = ?1 WHERE state = ?2",
            params![PresignedState::Waiting, PresignedState::Receiving],
        )?;
        tx.commit()?;
        Ok(Recovery { resume, failed })
    }
}

/// The columns of a [`JobRow`], which [`job_from_row`] reads by name.
pub(super) const JOB_COLUMNS: &str =
    "id, kind, status, pipeline_id, pipeline_version, config, error, num_pages,
     total_pages, duration, created_at, rowid";

pub(super) fn job_from_row(r: &Row) -> rusqlite::Result<JobRow> {
    Ok(JobRow {
        id: r.get("id")?,
        kind: JobKind::from_stored(&r.get::<_, String>("kind")?),
        status: r.get("status")?,
        pipeline_id: r.get("pipeline_id")?,
        pipeline_version: r.get("pipeline_version")?,
        config: r.get("config")?,
        result: None,
        error: r.get("error")?,
        num_pages: r.get("num_pages")?,
        total_pages: r.get("total_pages")?,
        duration: r.get("duration")?,
        created_at: r.get("created_at")?,
        seq: r.get("rowid")?,
    })
}
