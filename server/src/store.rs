//! Persistence: the only module that speaks SQL, and the owner of the data directory's layout:
//!
//! ```text
//! DATA_DIR/reducto.sqlite3   pipelines, versions, uploads (metadata), jobs
//! DATA_DIR/files/<token>     uploaded bytes, named by the random token of their file id
//! ```
//!
//! The schema grows by appending to [`MIGRATIONS`]; `PRAGMA user_version` records how many
//! have run, so an old data dir is upgraded in place on start and a restart loses nothing.
//!
//! One connection behind a `std::sync::Mutex`: every statement here is a few milliseconds on a
//! local file, so holding the lock briefly inside async handlers is cheaper and simpler than a
//! pool. Versions are immutable: a deploy inserts a row, nothing ever updates one.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row};

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
];

/// SQLite's clock, so every timestamp has one format: `2025-01-31T12:00:00.000Z`.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

pub struct Store {
    conn: Mutex<Connection>,
    files_dir: PathBuf,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Completed,
    Failed,
}

impl JobStatus {
    fn as_str(self) -> &'static str {
        match self {
            JobStatus::Completed => "Completed",
            JobStatus::Failed => "Failed",
        }
    }
}

/// One run, as recorded after it finished.
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: String,
    pub kind: &'static str,
    pub status: JobStatus,
    pub pipeline_id: Option<String>,
    pub pipeline_version: Option<i64>,
    pub input: String,
    pub num_pages: Option<u32>,
    pub duration: f64,
    pub result: Option<String>,
    pub error: Option<String>,
}

/// A job as read back.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub status: JobStatus,
    pub pipeline_id: Option<String>,
    pub pipeline_version: Option<i64>,
    pub result: Option<String>,
    pub error: Option<String>,
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
        std::fs::create_dir_all(&files_dir)
            .map_err(|e| format!("cannot create {}: {e}", files_dir.display()))?;
        let db_path = data_dir.join("reducto.sqlite3");
        let mut conn =
            Connection::open(&db_path).map_err(|e| format!("cannot open {}: {e}", db_path.display()))?;
        configure(&conn)
            .and_then(|()| migrate(&mut conn))
            .map_err(|e| format!("cannot prepare the database {}: {e}", db_path.display()))?;
        Ok(Store { conn: Mutex::new(conn), files_dir })
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

    // ---- jobs ----

    pub fn insert_job(&self, job: &JobRecord) -> Result<()> {
        self.conn().execute(
            &format!(
                "INSERT INTO jobs (id, kind, status, pipeline_id, pipeline_version, input,
                                   num_pages, duration, result, error, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, {NOW})"
            ),
            params![
                job.id,
                job.kind,
                job.status.as_str(),
                job.pipeline_id,
                job.pipeline_version,
                job.input,
                job.num_pages,
                job.duration,
                job.result,
                job.error
            ],
        )?;
        Ok(())
    }

    /// A recorded job (what `GET /job/{id}` will serve).
    pub fn get_job(&self, id: &str) -> Result<Option<JobRow>> {
        self.conn()
            .query_row(
                "SELECT status, pipeline_id, pipeline_version, result, error FROM jobs WHERE id = ?1",
                [id],
                |r| {
                    let status: String = r.get(0)?;
                    Ok(JobRow {
                        status: if status == "Completed" { JobStatus::Completed } else { JobStatus::Failed },
                        pipeline_id: r.get(1)?,
                        pipeline_version: r.get(2)?,
                        result: r.get(3)?,
                        error: r.get(4)?,
                    })
                },
            )
            .optional()
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

    #[test]
    fn unknown_ids_are_none() {
        let (_dir, store) = store();
        assert!(matches!(store.live("nope").unwrap(), Live::NotFound));
        assert!(store.deploy("nope", None).unwrap().is_none());
        assert!(store.update_draft("nope", &Steps::default()).unwrap().is_none());
    }
}
