//! What goes: the sweep of what is older than the retention, deletion on request, and the
//! memory of what was deleted.

use std::time::Duration;

use rusqlite::{params, Connection};

use super::db::{Result, Store, NOW};
use super::files::PresignedState;
use crate::clock;
use crate::ids::FileId;

/// What a [`Store::sweep`] removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub uploads: usize,
    pub jobs: usize,
    pub presigned: usize,
    pub artifacts: usize,
}

/// What may have been deleted, as `DELETE /job` and `DELETE /upload` remember it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// By job id.
    Job,
    /// By upload token.
    Upload,
}

impl Deleted {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Deleted::Job => "job",
            Deleted::Upload => "upload",
        }
    }
}

impl Store {
    /// Removes what is older than `keep`: uploads (rows and files), finished jobs with their
    /// results, and presigned URLs that expired unused or were used. Queued and running jobs
    /// stay, however old.
    pub fn sweep(&self, keep: Duration) -> Result<Swept> {
        let cutoff = format!("-{} seconds", keep.as_secs());
        let before = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)";
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let old_uploads: Vec<String> = tx
            .prepare(&format!("SELECT token FROM uploads WHERE created_at < {before}"))?
            .query_map([&cutoff], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute(&format!("DELETE FROM uploads WHERE created_at < {before}"), [&cutoff])?;
        let jobs = tx.execute(
            &format!(
                "DELETE FROM jobs WHERE created_at < {before}
                 AND status IN ('Completed', 'Failed', 'Cancelled')"
            ),
            [&cutoff],
        )?;
        let now_ms = clock::now_ms();
        let presigned = tx.execute(
            &format!(
                "DELETE FROM presigned_uploads WHERE (state = ?3 AND expires_at < ?2)
                 OR (state = ?4 AND created_at < {before})"
            ),
            params![&cutoff, now_ms, PresignedState::Waiting, PresignedState::Done],
        )?;
        // Expired, or made by a job that is gone.
        let condition = "expires_at < ?1 OR job_id NOT IN (SELECT id FROM jobs)";
        let old_artifacts: Vec<String> = tx
            .prepare(&format!("SELECT token FROM artifacts WHERE {condition}"))?
            .query_map([now_ms], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute(&format!("DELETE FROM artifacts WHERE {condition}"), [now_ms])?;
        tx.execute(&format!("DELETE FROM deleted WHERE deleted_at < {before}"), [&cutoff])?;
        tx.commit()?;
        drop(conn);
        // The rows go first: a file without a row is an orphan the next start removes anyway.
        for token in &old_uploads {
            let _ = std::fs::remove_file(self.files_dir.join(token));
        }
        for token in &old_artifacts {
            let _ = std::fs::remove_file(self.artifacts_dir.join(token));
        }
        Ok(Swept { uploads: old_uploads.len(), jobs, presigned, artifacts: old_artifacts.len() })
    }

    /// Removes an upload (its row and its bytes, or a presigned one still waiting for them)
    /// and remembers that it was deleted; `false` if there was nothing to remove.
    pub fn delete_upload(&self, file_id: &FileId) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let removed = tx.execute("DELETE FROM uploads WHERE token = ?1", [&file_id.token])?
            + tx.execute("DELETE FROM presigned_uploads WHERE file_token = ?1", [&file_id.token])?;
        if removed > 0 {
            remember_deleted(&tx, Deleted::Upload, &file_id.token)?;
        }
        tx.commit()?;
        drop(conn);
        let _ = std::fs::remove_file(self.upload_path(file_id));
        Ok(removed > 0)
    }

    /// Removes a job, its result and what it made, and remembers that it was deleted; `false`
    /// if there was no such job. The caller cancels a running job first.
    pub fn delete_job(&self, id: &str) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let artifacts: Vec<String> = tx
            .prepare("SELECT token FROM artifacts WHERE job_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute("DELETE FROM artifacts WHERE job_id = ?1", [id])?;
        let removed = tx.execute("DELETE FROM jobs WHERE id = ?1", [id])? > 0;
        if removed {
            remember_deleted(&tx, Deleted::Job, id)?;
        }
        tx.commit()?;
        drop(conn);
        for token in &artifacts {
            let _ = std::fs::remove_file(self.artifacts_dir.join(token));
        }
        Ok(removed)
    }

    /// Whether a job (by id) or an upload (by token) was deleted.
    pub fn was_deleted(&self, kind: Deleted, id: &str) -> Result<bool> {
        Ok(self
            .conn()
            .prepare("SELECT 1 FROM deleted WHERE kind = ?1 AND id = ?2")?
            .exists([kind.as_str(), id])?)
    }
}

pub(super) fn remember_deleted(conn: &Connection, kind: Deleted, id: &str) -> Result<()> {
    conn.execute(
        &format!("INSERT OR REPLACE INTO deleted (kind, id, deleted_at) VALUES (?1, ?2, {NOW})"),
        [kind.as_str(), id],
    )?;
    Ok(())
}
