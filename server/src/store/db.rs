//! The database itself: the one connection, the schema's migrations and SQLite's clock. Every
//! other file of the store is an `impl Store` over it.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::Connection;

pub(super) type Result<T> = std::result::Result<T, StoreError>;

/// What can go wrong in the store: SQLite, or the files beside it.
#[derive(Debug)]
pub enum StoreError {
    Sql(rusqlite::Error),
    Io(std::io::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Sql(e) => write!(f, "{e}"),
            StoreError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Sql(e)
    }
}

/// A store failure reaches a caller as an internal error: logged whole, answered generically.
impl From<StoreError> for crate::error::AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Sql(e) => crate::error::AppError::internal("database", e),
            StoreError::Io(e) => crate::error::AppError::internal("file system", e),
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> StoreError {
        StoreError::Io(e)
    }
}

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
pub(super) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

pub struct Store {
    pub(super) conn: Mutex<Connection>,
    pub(super) files_dir: PathBuf,
    pub(super) artifacts_dir: PathBuf,
}

pub(super) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // WAL keeps readers and the writer from blocking each other and survives crashes well.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
}

pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let applied: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        tx.commit()?;
    }
    Ok(())
}

impl Store {
    pub(super) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (statements are
        // atomic), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A state the store keeps as text: its `ToSql` and `FromSql` from one table of names, so the
/// names are written once and an unknown one read back is an error that names it.
macro_rules! stored_as_text {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(match self {
                    $($name::$variant => $text),+
                }))
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                match value.as_str()? {
                    $($text => Ok($name::$variant),)+
                    other => Err(rusqlite::types::FromSqlError::Other(
                        format!("unknown {} '{other}'", stringify!($name)).into(),
                    )),
                }
            }
        }
    };
}
pub(super) use stored_as_text;
