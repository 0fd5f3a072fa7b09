//! Persistence: the only module that speaks SQL, and the owner of the data directory's layout:
//!
//! ```text
//! DATA_DIR/reducto.sqlite3      pipelines, versions, uploads (metadata), presigned URLs, jobs
//! DATA_DIR/files/<token>        uploaded bytes, named by the random token of their file id
//! DATA_DIR/files/<token>.part   an upload still streaming in (removed at start: a crash's leftover)
//! DATA_DIR/artifacts/<token>     what a job made that is served by URL: an edited PDF, a result
//!                                too large to answer inline
//! ```
//!
//! Everything in it is its owner's alone (folders 0700, files 0600): it holds documents, results
//! and the document passwords a pipeline's steps keep. A data dir that others may read gets a
//! warning at start.
//!
//! The schema grows by appending to `MIGRATIONS`; `PRAGMA user_version` records how many
//! have run, so an old data dir is upgraded in place on start and a restart loses nothing.
//!
//! One connection behind a `std::sync::Mutex`: every statement here is a few milliseconds on a
//! local file, so holding the lock briefly inside async handlers is cheaper and simpler than a
//! pool. Versions are immutable: a deploy inserts a row, nothing ever updates one.
//!
//! Job status changes are guarded by the status they leave (`... WHERE status = 'InProgress'`),
//! so a cancel and a worker finishing at the same moment cannot both win: whichever writes
//! first decides, and the other learns it lost from the returned `false`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::api::JobStatus;
use crate::ids::{self, FileId};
use crate::steps::Steps;

/// Schema migrations, applied in order; never edit one that has shipped, append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the foundation.
    "CREATE TABLE pipelines (
        id               TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        draft            TEXT NOT NULL,         -- steps JSON
        deployed_version INTEGER,               -- NULL until the first deploy
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    );
    CREATE TABLE pipeline_versions (
        pipeline_id  TEXT NOT NULL REFERENCES pipelines(id),
        version      INTEGER NOT NULL,          -- 1, 2, 3... per pipeline
        version_name TEXT,
        steps        TEXT NOT NULL,             -- snapshot of the draft at deploy time
        deployed_at  TEXT NOT NULL,
        PRIMARY KEY (pipeline_id, version)
    );
    CREATE TABLE uploads (
        token      TEXT PRIMARY KEY,
        extension  TEXT,
        filename   TEXT,
        size       INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE jobs (
        id               TEXT PRIMARY KEY,
        kind             TEXT NOT NULL,         -- 'pipeline' | 'pipeline_test'
        status           TEXT NOT NULL,         -- 'Completed' | 'Failed'
        pipeline_id      TEXT,
        pipeline_version INTEGER,               -- NULL when a draft ran
        input            TEXT NOT NULL,
        num_pages        INTEGER,
        duration         REAL,
        result           TEXT,                  -- response JSON when Completed
        error            TEXT,                  -- reason when Failed
        created_at       TEXT NOT NULL
    );
    CREATE INDEX jobs_by_created_at ON jobs(created_at);",
    // 2: async jobs (queued, resumable, cancellable) and presigned uploads.
    "ALTER TABLE jobs ADD COLUMN config TEXT;        -- raw_config: the request, password masked
    ALTER TABLE jobs ADD COLUMN spec TEXT;           -- what a worker needs to (re)run it
    ALTER TABLE jobs ADD COLUMN total_pages INTEGER;
    ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;  -- starts, for crash loops
    ALTER TABLE jobs ADD COLUMN updated_at TEXT;
    CREATE INDEX jobs_by_status ON jobs(status);
    CREATE TABLE presigned_uploads (
        url_token  TEXT PRIMARY KEY,         -- the credential in the PUT URL
        file_token TEXT NOT NULL UNIQUE,     -- becomes uploads.token when the PUT completes
        extension  TEXT,
        state      TEXT NOT NULL,            -- 'waiting' | 'receiving' | 'done'
        expires_at INTEGER NOT NULL,         -- unix time, ms
        created_at TEXT NOT NULL
    );",
    // 3: deletion, files served by URL, webhook deliveries.
    "CREATE TABLE deleted (
        kind       TEXT NOT NULL,            -- 'job' | 'upload'
        id         TEXT NOT NULL,            -- job id, or upload token
        deleted_at TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE artifacts (
        token        TEXT PRIMARY KEY,       -- the credential in the URL, and the file's name
        job_id       TEXT NOT NULL,
        part         TEXT NOT NULL,          -- what of the job it is: 'document', 'result:0', ...
        content_type TEXT NOT NULL,
        expires_at   INTEGER NOT NULL,       -- unix time, ms
        created_at   TEXT NOT NULL,
        UNIQUE (job_id, part)
    );
    CREATE TABLE webhook_deliveries (
        id          INTEGER PRIMARY KEY,
        job_id      TEXT NOT NULL,
        mode        TEXT NOT NULL,           -- 'direct' | 'svix'
        url         TEXT,
        payload     TEXT NOT NULL,           -- the JSON body POSTed
        state       TEXT NOT NULL,           -- 'pending' | 'delivered' | 'failed' | 'not_deliverable'
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_status INTEGER,                 -- the receiver's last HTTP status
        last_error  TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );",
];

/// SQLite's clock, so every timestamp has one format: `2025-01-31T12:00:00.000Z`.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

pub struct Store {
    conn: Mutex<Connection>,
    files_dir: PathBuf,
    artifacts_dir: PathBuf,
}

/// What a [`Store::sweep`] removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub uploads: usize,
    pub jobs: usize,
    pub presigned: usize,
    pub artifacts: usize,
}

#[derive(Debug, Clone)]
pub struct PipelineRow {
    pub id: String,
    pub name: String,
    pub draft: Steps,
    pub deployed_version: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct VersionRow {
    pub pipeline_id: String,
    pub version: i64,
    pub version_name: Option<String>,
    pub steps: Steps,
    pub deployed_at: String,
}

#[derive(Debug, Clone)]
pub struct UploadRow {
    pub file_id: FileId,
    pub filename: Option<String>,
    pub size: u64,
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

    fn from_stored(kind: &str) -> JobKind {
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

/// Why a presigned PUT may or may not proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The caller now owns the upload; the bytes go to this file id.
    Ready(FileId),
    Unknown,
    Expired,
    /// Another PUT to the same URL is streaming right now.
    Busy,
    Used,
}

/// A file id handed out by a presigned `POST /upload` whose bytes have not arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    pub expired: bool,
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
    fn as_str(self) -> &'static str {
        match self {
            Deleted::Job => "job",
            Deleted::Upload => "upload",
        }
    }
}

/// A file a job made, to be served by URL until `expires_at_ms`.
#[derive(Debug, Clone)]
pub struct NewArtifact<'a> {
    pub job_id: &'a str,
    /// Which of the job's files: one per job and part.
    pub part: &'a str,
    pub content_type: &'a str,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct ArtifactRow {
    pub path: PathBuf,
    pub content_type: String,
    pub expired: bool,
}

/// A webhook delivery as recorded when a job ends.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub job_id: &'a str,
    pub mode: &'a str,
    pub url: Option<&'a str>,
    pub payload: &'a str,
    pub state: &'a str,
    /// Why it will not be sent, when it will not.
    pub error: Option<&'a str>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub job_id: String,
    pub mode: String,
    pub url: Option<String>,
    pub payload: String,
    pub state: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What a pipeline id resolves to when it is run.
pub enum Live {
    NotFound,
    NeverDeployed,
    Version(Box<VersionRow>),
}

type Result<T> = rusqlite::Result<T>;

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> std::result::Result<Store, String> {
        let files_dir = data_dir.join("files");
        let artifacts_dir = data_dir.join("artifacts");
        for dir in [&files_dir, &artifacts_dir] {
            private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        warn_if_shared(data_dir);
        remove_partial_uploads(&files_dir);
        let db_path = data_dir.join("reducto.sqlite3");
        // SQLite gives its journal files the database's mode, so the database file is made first.
        private_file(&db_path, false).map_err(|e| format!("cannot create {}: {e}", db_path.display()))?;
        let mut conn =
            Connection::open(&db_path).map_err(|e| format!("cannot open {}: {e}", db_path.display()))?;
        configure(&conn)
            .and_then(|()| migrate(&mut conn))
            .and_then(|()| remove_orphaned_files(&conn, &files_dir, "uploads"))
            .and_then(|()| remove_orphaned_files(&conn, &artifacts_dir, "artifacts"))
            // A claim on a presigned upload belongs to a PUT of the process that made it: none
            // of those survived the restart.
            .and_then(|()| {
                conn.execute("UPDATE presigned_uploads SET state = 'waiting' WHERE state = 'receiving'", [])
            })
            .map_err(|e| format!("cannot prepare the database {}: {e}", db_path.display()))?;
        Ok(Store { conn: Mutex::new(conn), files_dir, artifacts_dir })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (statements are
        // atomic), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // ---- pipelines and versions ----

    pub fn create_pipeline(&self, name: &str, draft: &Steps) -> Result<PipelineRow> {
        let conn = self.conn();
        let draft_json = to_json(draft);
        loop {
            // A collision among 36^32 ids will not happen, but the primary key makes sure an
            // id is never handed out twice, and pipelines are never deleted, so never reused.
            let id = ids::new_pipeline_id();
            let inserted = conn.execute(
                &format!(
                    "INSERT OR IGNORE INTO pipelines (id, name, draft, created_at, updated_at)
                     VALUES (?1, ?2, ?3, {NOW}, {NOW})"
                ),
                params![id, name, draft_json],
            )?;
            if inserted == 1 {
                return get_pipeline(&conn, &id).map(|row| row.expect("just inserted"));
            }
        }
    }

    pub fn list_pipelines(&self) -> Result<Vec<PipelineRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SELECT_PIPELINE} ORDER BY rowid DESC"))?;
        let rows = stmt.query_map([], pipeline_from_row)?;
        rows.collect()
    }

    pub fn get_pipeline(&self, id: &str) -> Result<Option<PipelineRow>> {
        get_pipeline(&self.conn(), id)
    }

    /// Gives the pipeline a new name (its ID, draft and versions stay); `None` if it does not exist.
    pub fn rename_pipeline(&self, id: &str, name: &str) -> Result<Option<PipelineRow>> {
        let conn = self.conn();
        conn.execute(
            &format!("UPDATE pipelines SET name = ?2, updated_at = {NOW} WHERE id = ?1"),
            params![id, name],
        )?;
        get_pipeline(&conn, id)
    }

    /// Replaces the draft; `None` if the pipeline does not exist.
    pub fn update_draft(&self, id: &str, draft: &Steps) -> Result<Option<PipelineRow>> {
        let conn = self.conn();
        conn.execute(
            &format!("UPDATE pipelines SET draft = ?2, updated_at = {NOW} WHERE id = ?1"),
            params![id, to_json(draft)],
        )?;
        get_pipeline(&conn, id)
    }

    /// Snapshots the draft as the next version and makes it live; `None` if no such pipeline.
    pub fn deploy(&self, id: &str, version_name: Option<&str>) -> Result<Option<VersionRow>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let Some(draft) = tx
            .query_row("SELECT draft FROM pipelines WHERE id = ?1", [id], |r| r.get::<_, String>(0))
            .optional()?
        else {
            return Ok(None);
        };
        let version: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM pipeline_versions WHERE pipeline_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        tx.execute(
            &format!(
                "INSERT INTO pipeline_versions (pipeline_id, version, version_name, steps, deployed_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW})"
            ),
            params![id, version, version_name, draft],
        )?;
        tx.execute(
            &format!("UPDATE pipelines SET deployed_version = ?2, updated_at = {NOW} WHERE id = ?1"),
            params![id, version],
        )?;
        let row = get_version(&tx, id, version)?;
        tx.commit()?;
        Ok(row)
    }

    /// Makes an existing version live again; `None` if the pipeline or version does not exist.
    pub fn rollback(&self, id: &str, version: i64) -> Result<Option<VersionRow>> {
        let conn = self.conn();
        let Some(row) = get_version(&conn, id, version)? else {
            return Ok(None);
        };
        conn.execute(
            &format!("UPDATE pipelines SET deployed_version = ?2, updated_at = {NOW} WHERE id = ?1"),
            params![id, version],
        )?;
        Ok(Some(row))
    }

    /// All versions of a pipeline, oldest first.
    pub fn versions(&self, id: &str) -> Result<Vec<VersionRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SELECT_VERSION} WHERE pipeline_id = ?1 ORDER BY version"))?;
        let rows = stmt.query_map([id], version_from_row)?;
        rows.collect()
    }

    /// The version callers of `id` get.
    pub fn live(&self, id: &str) -> Result<Live> {
        let conn = self.conn();
        let Some(pipeline) = get_pipeline(&conn, id)? else {
            return Ok(Live::NotFound);
        };
        let Some(version) = pipeline.deployed_version else {
            return Ok(Live::NeverDeployed);
        };
        Ok(get_version(&conn, id, version)?.map_or(Live::NeverDeployed, |v| Live::Version(Box::new(v))))
    }

    // ---- retention ----

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
            .collect::<Result<_>>()?;
        tx.execute(&format!("DELETE FROM uploads WHERE created_at < {before}"), [&cutoff])?;
        let jobs = tx.execute(
            &format!(
                "DELETE FROM jobs WHERE created_at < {before}
                 AND status IN ('Completed', 'Failed', 'Cancelled')"
            ),
            [&cutoff],
        )?;
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let presigned = tx.execute(
            &format!(
                "DELETE FROM presigned_uploads WHERE (state = 'waiting' AND expires_at < ?2)
                 OR (state = 'done' AND created_at < {before})"
            ),
            params![&cutoff, now_ms],
        )?;
        // Expired, or made by a job that is gone.
        let condition = "expires_at < ?1 OR job_id NOT IN (SELECT id FROM jobs)";
        let old_artifacts: Vec<String> = tx
            .prepare(&format!("SELECT token FROM artifacts WHERE {condition}"))?
            .query_map([now_ms], |r| r.get(0))?
            .collect::<Result<_>>()?;
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

    // ---- deletion ----

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
            .collect::<Result<_>>()?;
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
        self.conn().prepare("SELECT 1 FROM deleted WHERE kind = ?1 AND id = ?2")?.exists([kind.as_str(), id])
    }

    // ---- artifacts: files a job made, served by URL ----

    /// Stores `bytes` as part `part` of job `job_id` (replacing an earlier one) and returns
    /// the token of its URL.
    pub fn put_artifact(&self, artifact: &NewArtifact, bytes: &[u8]) -> Result<String> {
        let token = ids::new_upload_token();
        let path = self.artifacts_dir.join(&token);
        write_synced(&path, bytes).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let conn = self.conn();
        let replaced: Option<String> = conn
            .query_row(
                "SELECT token FROM artifacts WHERE job_id = ?1 AND part = ?2",
                [artifact.job_id, artifact.part],
                |r| r.get(0),
            )
            .optional()?;
        conn.execute(
            &format!(
                "INSERT OR REPLACE INTO artifacts (token, job_id, part, content_type, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, {NOW})"
            ),
            params![token, artifact.job_id, artifact.part, artifact.content_type, artifact.expires_at_ms],
        )?;
        drop(conn);
        if let Some(old) = replaced {
            let _ = std::fs::remove_file(self.artifacts_dir.join(old));
        }
        Ok(token)
    }

    /// The token of part `part` of job `job_id`, if it was stored and has not expired.
    pub fn find_artifact(&self, job_id: &str, part: &str, now_ms: i64) -> Result<Option<String>> {
        self.conn()
            .query_row(
                "SELECT token FROM artifacts WHERE job_id = ?1 AND part = ?2 AND expires_at > ?3",
                params![job_id, part, now_ms],
                |r| r.get(0),
            )
            .optional()
    }

    /// An artifact by the token of its URL.
    pub fn get_artifact(&self, token: &str, now_ms: i64) -> Result<Option<ArtifactRow>> {
        if !ids::is_token(token) {
            return Ok(None);
        }
        self.conn()
            .query_row("SELECT content_type, expires_at FROM artifacts WHERE token = ?1", [token], |r| {
                Ok(ArtifactRow {
                    path: self.artifacts_dir.join(token),
                    content_type: r.get(0)?,
                    expired: now_ms >= r.get::<_, i64>(1)?,
                })
            })
            .optional()
    }

    // ---- webhook deliveries ----

    pub fn insert_delivery(&self, delivery: &NewDelivery) -> Result<i64> {
        let conn = self.conn();
        conn.execute(
            &format!(
                "INSERT INTO webhook_deliveries (job_id, mode, url, payload, state, last_error, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, {NOW}, {NOW})"
            ),
            params![delivery.job_id, delivery.mode, delivery.url, delivery.payload, delivery.state, delivery.error],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Records one attempt of delivery `id` and the state it leaves the delivery in.
    pub fn record_attempt(
        &self,
        id: i64,
        state: &str,
        status: Option<u16>,
        error: Option<&str>,
    ) -> Result<()> {
        self.conn().execute(
            &format!(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?2, last_status = ?3,
                        last_error = ?4, updated_at = {NOW}
                 WHERE id = ?1"
            ),
            params![id, state, status, error],
        )?;
        Ok(())
    }

    /// The newest `limit` deliveries, newest first.
    pub fn deliveries(&self, limit: usize) -> Result<Vec<DeliveryRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], delivery_from_row)?;
        rows.collect()
    }

    /// Deliveries a stop interrupted, oldest first, to be tried again at start.
    pub fn pending_deliveries(&self) -> Result<Vec<DeliveryRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE state = 'pending' ORDER BY id"
        ))?;
        let rows = stmt.query_map([], delivery_from_row)?;
        rows.collect()
    }

    // ---- uploads ----

    /// Where the bytes of an upload live. Only a parsed [`FileId`] token (32 `[a-z0-9]`)
    /// ever reaches this join, so the path cannot leave `files/`.
    pub fn upload_path(&self, file_id: &FileId) -> PathBuf {
        self.files_dir.join(&file_id.token)
    }

    /// A scratch path in the same directory, so the finished upload is an atomic rename.
    pub fn upload_temp_path(&self, file_id: &FileId) -> PathBuf {
        self.files_dir.join(format!("{}.part", file_id.token))
    }

    pub fn insert_upload(&self, upload: &UploadRow) -> Result<()> {
        self.conn().execute(
            &format!(
                "INSERT INTO uploads (token, extension, filename, size, created_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW})"
            ),
            params![upload.file_id.token, upload.file_id.extension, upload.filename, upload.size as i64],
        )?;
        Ok(())
    }

    /// Looks an upload up by its token; the extension in the caller's id is not trusted.
    pub fn get_upload(&self, file_id: &FileId) -> Result<Option<UploadRow>> {
        self.conn()
            .query_row(
                "SELECT token, extension, filename, size FROM uploads WHERE token = ?1",
                [&file_id.token],
                |r| {
                    Ok(UploadRow {
                        file_id: FileId { token: r.get(0)?, extension: r.get(1)? },
                        filename: r.get(2)?,
                        size: r.get::<_, i64>(3)? as u64,
                    })
                },
            )
            .optional()
    }

    // ---- presigned uploads ----

    /// Hands out a presigned upload: `url_token` is the PUT credential, `file_id` the id the
    /// caller uses once the bytes are in.
    pub fn create_presigned(&self, url_token: &str, file_id: &FileId, expires_at_ms: i64) -> Result<()> {
        self.conn().execute(
            &format!(
                "INSERT INTO presigned_uploads (url_token, file_token, extension, state, expires_at, created_at)
                 VALUES (?1, ?2, ?3, 'waiting', ?4, {NOW})"
            ),
            params![url_token, file_id.token, file_id.extension, expires_at_ms],
        )?;
        Ok(())
    }

    /// Takes the right to stream into a presigned upload; only one PUT at a time gets it.
    pub fn claim_presigned(&self, url_token: &str, now_ms: i64) -> Result<Claim> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT file_token, extension, state, expires_at FROM presigned_uploads WHERE url_token = ?1",
                [url_token],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((token, extension, state, expires_at)) = row else {
            return Ok(Claim::Unknown);
        };
        let expires_at: i64 = expires_at;
        Ok(match state.as_str() {
            "done" => Claim::Used,
            "receiving" => Claim::Busy,
            _ if now_ms >= expires_at => Claim::Expired,
            _ => {
                let claimed = conn.execute(
                    "UPDATE presigned_uploads SET state = 'receiving'
                     WHERE url_token = ?1 AND state = 'waiting'",
                    [url_token],
                )?;
                if claimed == 1 {
                    Claim::Ready(FileId { token, extension })
                } else {
                    Claim::Busy
                }
            }
        })
    }

    /// Gives a claim back after a failed PUT, so the URL can be tried again until it expires.
    pub fn release_presigned(&self, url_token: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE presigned_uploads SET state = 'waiting' WHERE url_token = ?1 AND state = 'receiving'",
            [url_token],
        )?;
        Ok(())
    }

    /// Records the finished upload and spends the URL, in one transaction.
    pub fn complete_presigned(&self, url_token: &str, upload: &UploadRow) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            &format!(
                "INSERT INTO uploads (token, extension, filename, size, created_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW})"
            ),
            params![upload.file_id.token, upload.file_id.extension, upload.filename, upload.size as i64],
        )?;
        tx.execute("UPDATE presigned_uploads SET state = 'done' WHERE url_token = ?1", [url_token])?;
        tx.commit()
    }

    /// A presigned upload whose bytes have not arrived yet, if `file_id` names one.
    pub fn pending_upload(&self, file_id: &FileId, now_ms: i64) -> Result<Option<PendingUpload>> {
        self.conn()
            .query_row(
                "SELECT expires_at FROM presigned_uploads WHERE file_token = ?1 AND state != 'done'",
                [&file_id.token],
                |r| Ok(PendingUpload { expired: now_ms >= r.get::<_, i64>(0)? }),
            )
            .optional()
    }

    // ---- jobs ----

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
        self.conn()
            .query_row(&format!("SELECT {JOB_COLUMNS}, result FROM jobs WHERE id = ?1"), [id], |r| {
                let mut job = job_from_row(r)?;
                job.result = r.get(JOB_COLUMN_COUNT)?;
                Ok(job)
            })
            .optional()
    }

    /// Up to `limit` jobs, newest first, inserted before `before` (a [`JobRow::seq`]) if given.
    pub fn list_jobs(&self, before: Option<i64>, limit: usize) -> Result<Vec<JobRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE rowid < ?1 ORDER BY rowid DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![before.unwrap_or(i64::MAX), limit as i64], job_from_row)?;
        rows.collect()
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
            rows.collect::<Result<Vec<(String, String)>>>()?
        };
        tx.execute("UPDATE presigned_uploads SET state = 'waiting' WHERE state = 'receiving'", [])?;
        tx.commit()?;
        Ok(Recovery { resume, failed })
    }
}

const JOB_COLUMNS: &str = "id, kind, status, pipeline_id, pipeline_version, config, error, num_pages,
     total_pages, duration, created_at, rowid";
const JOB_COLUMN_COUNT: usize = 12;

fn job_from_row(r: &Row) -> Result<JobRow> {
    let status: String = r.get(2)?;
    Ok(JobRow {
        id: r.get(0)?,
        kind: JobKind::from_stored(&r.get::<_, String>(1)?),
        status: JobStatus::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, status.into())
        })?,
        pipeline_id: r.get(3)?,
        pipeline_version: r.get(4)?,
        config: r.get(5)?,
        result: None,
        error: r.get(6)?,
        num_pages: r.get(7)?,
        total_pages: r.get(8)?,
        duration: r.get(9)?,
        created_at: r.get(10)?,
        seq: r.get(11)?,
    })
}

const DELIVERY_COLUMNS: &str =
    "id, job_id, mode, url, payload, state, attempts, last_status, last_error, created_at, updated_at";

fn delivery_from_row(r: &Row) -> Result<DeliveryRow> {
    Ok(DeliveryRow {
        id: r.get(0)?,
        job_id: r.get(1)?,
        mode: r.get(2)?,
        url: r.get(3)?,
        payload: r.get(4)?,
        state: r.get(5)?,
        attempts: r.get(6)?,
        last_status: r.get(7)?,
        last_error: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

fn remember_deleted(conn: &Connection, kind: Deleted, id: &str) -> Result<()> {
    conn.execute(
        &format!("INSERT OR REPLACE INTO deleted (kind, id, deleted_at) VALUES (?1, ?2, {NOW})"),
        [kind.as_str(), id],
    )?;
    Ok(())
}

/// Writes a whole file and syncs it, so a row never names a file a crash left half-written.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = private_file(path, true)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `dir` and its missing parents, readable by this user only.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Opens `path` for writing, created readable by this user only (an existing file is kept,
/// emptied if `truncate`).
pub fn private_file(path: &Path, truncate: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Warns when others may enter `data_dir`: a folder made before this server made its folders
/// private, or by hand.
fn warn_if_shared(data_dir: &Path) {
    #[cfg(unix)]
    if let Ok(metadata) = std::fs::metadata(data_dir) {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            eprintln!(
                "reducto-local: warning: {} has mode {mode:o}, so other users may read its documents, \
                 results and saved document passwords; `chmod 700` it",
                data_dir.display()
            );
        }
    }
}

/// Files with no row in `table` (`uploads` or `artifacts`, by token): left by a crash between
/// writing a file and recording it, or by a sweep that removed the row but not the file.
/// Nothing refers to them.
fn remove_orphaned_files(conn: &Connection, dir: &Path, table: &str) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    let mut known = conn.prepare(&format!("SELECT 1 FROM {table} WHERE token = ?1"))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ids::is_token(&name) && !known.exists([&name])? {
            // Best effort, as for `.part` files.
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Nothing is writing yet at start, so every `.part` file is a crash's leftover.
fn remove_partial_uploads(files_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(files_dir) else { return };
    for entry in entries.flatten() {
        if entry.path().extension().is_some_and(|ext| ext == "part") {
            // Best effort: a leftover that cannot be removed is harmless.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // WAL keeps readers and the writer from blocking each other and survives crashes well.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        tx.commit()?;
    }
    Ok(())
}

const SELECT_PIPELINE: &str =
    "SELECT id, name, draft, deployed_version, created_at, updated_at FROM pipelines";
const SELECT_VERSION: &str =
    "SELECT pipeline_id, version, version_name, steps, deployed_at FROM pipeline_versions";

fn get_pipeline(conn: &Connection, id: &str) -> Result<Option<PipelineRow>> {
    conn.query_row(&format!("{SELECT_PIPELINE} WHERE id = ?1"), [id], pipeline_from_row).optional()
}

fn get_version(conn: &Connection, id: &str, version: i64) -> Result<Option<VersionRow>> {
    conn.query_row(
        &format!("{SELECT_VERSION} WHERE pipeline_id = ?1 AND version = ?2"),
        params![id, version],
        version_from_row,
    )
    .optional()
}

fn pipeline_from_row(r: &Row) -> Result<PipelineRow> {
    Ok(PipelineRow {
        id: r.get(0)?,
        name: r.get(1)?,
        draft: from_json(r, 2)?,
        deployed_version: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

fn version_from_row(r: &Row) -> Result<VersionRow> {
    Ok(VersionRow {
        pipeline_id: r.get(0)?,
        version: r.get(1)?,
        version_name: r.get(2)?,
        steps: from_json(r, 3)?,
        deployed_at: r.get(4)?,
    })
}

fn to_json(steps: &Steps) -> String {
    serde_json::to_string(steps).expect("steps always serialize")
}

fn from_json(r: &Row, index: usize) -> Result<Steps> {
    let text: String = r.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn versions_are_numbered_snapshots_of_the_draft() {
        let (_dir, store) = store();
        let p = store.create_pipeline("p", &Steps::default()).unwrap();
        assert!(matches!(store.live(&p.id).unwrap(), Live::NeverDeployed));

        let v1 = store.deploy(&p.id, Some("first")).unwrap().unwrap();
        let changed: Steps =
            serde_json::from_str(r#"{"parse":{"options":{"chunking":{"chunk_mode":"page"}}}}"#).unwrap();
        store.update_draft(&p.id, &changed).unwrap();
        let Live::Version(live) = store.live(&p.id).unwrap() else { panic!("not live") };
        assert_eq!((live.version, live.steps), (1, Steps::default()), "a draft edit is not live");

        let v2 = store.deploy(&p.id, None).unwrap().unwrap();
        assert_eq!((v1.version, v2.version), (1, 2));
        assert_eq!(v2.steps, changed);

        store.rollback(&p.id, 1).unwrap().unwrap();
        assert_eq!(store.get_pipeline(&p.id).unwrap().unwrap().deployed_version, Some(1));
        assert!(store.rollback(&p.id, 3).unwrap().is_none());
    }

    #[test]
    fn reopening_keeps_everything_and_reruns_no_migration() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let store = Store::open(dir.path()).unwrap();
            let p = store.create_pipeline("kept", &Steps::default()).unwrap();
            store.deploy(&p.id, None).unwrap();
            p.id
        };
        let store = Store::open(dir.path()).unwrap();
        let p = store.get_pipeline(&id).unwrap().expect("pipeline survives a reopen");
        assert_eq!((p.name.as_str(), p.deployed_version), ("kept", Some(1)));
    }

    fn job(store: &Store, id: &str) {
        let new = NewJob {
            id,
            kind: JobKind::Parse,
            pipeline_id: None,
            pipeline_version: None,
            input: "\"reducto://x\"",
            config: "{}",
            spec: "{}",
        };
        store.insert_job(&new).unwrap();
    }

    fn status(store: &Store, id: &str) -> JobStatus {
        store.get_job(id).unwrap().unwrap().status
    }

    #[test]
    fn job_status_changes_are_guarded() {
        let (_dir, store) = store();
        job(&store, "a");
        assert_eq!(status(&store, "a"), JobStatus::Pending);
        assert!(store.start_job("a").unwrap());
        assert!(!store.start_job("a").unwrap(), "a job starts once");
        assert!(store.cancel_job("a", "Cancelled by the user").unwrap());
        assert!(!store.complete_job("a", "{}", 1, 0.1).unwrap(), "a cancelled job never completes");
        assert!(!store.fail_job("a", "late", None).unwrap());
        let a = store.get_job("a").unwrap().unwrap();
        assert_eq!((a.status, a.error.as_deref()), (JobStatus::Cancelled, Some("Cancelled by the user")));

        job(&store, "b");
        store.start_job("b").unwrap();
        assert!(store.complete_job("b", "{\"ok\":1}", 3, 0.5).unwrap());
        assert!(!store.cancel_job("b", "too late").unwrap(), "a completed job stays completed");
        let b = store.get_job("b").unwrap().unwrap();
        assert_eq!(
            (b.status, b.num_pages, b.result.as_deref()),
            (JobStatus::Completed, Some(3), Some("{\"ok\":1}"))
        );
    }

    #[test]
    fn jobs_are_listed_newest_first_in_pages() {
        let (_dir, store) = store();
        for id in ["1", "2", "3", "4", "5"] {
            job(&store, id);
        }
        let first = store.list_jobs(None, 2).unwrap();
        assert_eq!(first.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(), ["5", "4"]);
        let rest = store.list_jobs(Some(first[1].seq), 10).unwrap();
        assert_eq!(rest.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(), ["3", "2", "1"]);
        assert!(rest.iter().all(|j| j.result.is_none()), "listing leaves results out");
    }

    #[test]
    fn recovery_resumes_unfinished_jobs_unless_crashes_keep_interrupting_them() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            job(&store, "queued");
            job(&store, "running");
            store.start_job("running").unwrap();
            job(&store, "crashy");
            for _ in 0..3 {
                store.start_job("crashy").unwrap();
                store.requeue_job("crashy").unwrap();
            }
            store.start_job("crashy").unwrap();
            job(&store, "done");
            store.start_job("done").unwrap();
            store.complete_job("done", "{}", 1, 0.0).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let recovery = store.recover(3).unwrap();
        let resumed: Vec<&str> = recovery.resume.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(resumed, ["queued", "running"]);
        assert_eq!(recovery.failed, 1);
        assert_eq!(status(&store, "running"), JobStatus::Pending);
        let crashy = store.get_job("crashy").unwrap().unwrap();
        assert_eq!(crashy.status, JobStatus::Failed);
        assert!(crashy.error.unwrap().contains("stopped 3 times"));
        assert_eq!(status(&store, "done"), JobStatus::Completed);
    }

    #[test]
    fn a_sweep_removes_what_is_older_than_the_retention_but_never_unfinished_jobs() {
        let (dir, store) = store();
        let kept_upload = FileId::new(Some("pdf".into()));
        let old_upload = FileId::new(Some("pdf".into()));
        for file_id in [&old_upload] {
            std::fs::write(store.upload_path(file_id), b"%PDF").unwrap();
            store.insert_upload(&UploadRow { file_id: file_id.clone(), filename: None, size: 4 }).unwrap();
        }
        job(&store, "finished");
        store.start_job("finished").unwrap();
        store.complete_job("finished", "{}", 1, 0.1).unwrap();
        job(&store, "queued");
        store.create_presigned("expired", &FileId::new(None), 0).unwrap();
        store.create_presigned("valid", &FileId::new(None), i64::MAX).unwrap();
        std::thread::sleep(Duration::from_millis(20));

        assert_eq!(
            store.sweep(Duration::from_secs(3600)).unwrap(),
            Swept { presigned: 1, ..Swept::default() }
        );
        let swept = store.sweep(Duration::ZERO).unwrap();
        assert_eq!(swept, Swept { uploads: 1, jobs: 1, presigned: 0, artifacts: 0 });
        assert!(store.get_upload(&old_upload).unwrap().is_none());
        assert!(!store.upload_path(&old_upload).exists(), "the file goes with its row");
        assert!(store.get_job("finished").unwrap().is_none());
        assert_eq!(status(&store, "queued"), JobStatus::Pending, "a queued job is never swept");
        assert_eq!(
            store.claim_presigned("valid", 0).unwrap(),
            Claim::Ready(FileId { token: store_token(&store, "valid"), extension: None })
        );

        // A file no upload row names (a crash between writing and recording it) goes at start.
        std::fs::write(store.upload_path(&kept_upload), b"orphan").unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert!(!store.upload_path(&kept_upload).exists(), "orphaned files are removed at start");
    }

    fn store_token(store: &Store, url_token: &str) -> String {
        store
            .conn()
            .query_row("SELECT file_token FROM presigned_uploads WHERE url_token = ?1", [url_token], |r| {
                r.get(0)
            })
            .unwrap()
    }

    #[test]
    fn a_presigned_upload_is_claimed_once_and_expires() {
        let (_dir, store) = store();
        let file_id = FileId::new(Some("pdf".into()));
        store.create_presigned("url", &file_id, 1_000).unwrap();
        assert_eq!(store.pending_upload(&file_id, 500).unwrap(), Some(PendingUpload { expired: false }));
        assert_eq!(store.claim_presigned("nope", 500).unwrap(), Claim::Unknown);
        assert_eq!(store.claim_presigned("url", 500).unwrap(), Claim::Ready(file_id.clone()));
        assert_eq!(store.claim_presigned("url", 500).unwrap(), Claim::Busy, "one PUT at a time");
        store.release_presigned("url").unwrap();
        assert_eq!(store.claim_presigned("url", 1_000).unwrap(), Claim::Expired);
        assert_eq!(store.claim_presigned("url", 999).unwrap(), Claim::Ready(file_id.clone()));
        store
            .complete_presigned("url", &UploadRow { file_id: file_id.clone(), filename: None, size: 3 })
            .unwrap();
        assert_eq!(store.claim_presigned("url", 999).unwrap(), Claim::Used);
        assert_eq!(store.pending_upload(&file_id, 500).unwrap(), None);
        assert_eq!(store.get_upload(&file_id).unwrap().unwrap().size, 3);
    }

    #[test]
    fn unknown_ids_are_none() {
        let (_dir, store) = store();
        assert!(matches!(store.live("nope").unwrap(), Live::NotFound));
        assert!(store.deploy("nope", None).unwrap().is_none());
        assert!(store.update_draft("nope", &Steps::default()).unwrap().is_none());
    }
}
