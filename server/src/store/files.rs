//! The files of the data dir: uploads, presigned uploads and their claims, and artifacts (what a
//! job made, served by URL); each file private to its owner.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

use super::db::{stored_as_text, Result, Store, NOW};
use crate::ids::{self, FileId};

#[derive(Debug, Clone)]
pub struct UploadRow {
    pub file_id: FileId,
    pub filename: Option<String>,
    pub size: u64,
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

impl Store {
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
        insert_upload_row(&self.conn(), upload)
    }

    /// Looks an upload up by its token; the extension in the caller's id is not trusted.
    pub fn get_upload(&self, file_id: &FileId) -> Result<Option<UploadRow>> {
        Ok(self
            .conn()
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
            .optional()?)
    }

    /// Hands out a presigned upload: `url_token` is the PUT credential, `file_id` the id the
    /// caller uses once the bytes are in.
    pub fn create_presigned(&self, url_token: &str, file_id: &FileId, expires_at_ms: i64) -> Result<()> {
        self.conn().execute(
            &format!(
                "INSERT INTO presigned_uploads (url_token, file_token, extension, state, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, {NOW})"
            ),
            params![url_token, file_id.token, file_id.extension, PresignedState::Waiting, expires_at_ms],
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
                        r.get::<_, PresignedState>(2)?,
                        r.get(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((token, extension, state, expires_at)) = row else {
            return Ok(Claim::Unknown);
        };
        let expires_at: i64 = expires_at;
        Ok(match state {
            PresignedState::Done => Claim::Used,
            PresignedState::Receiving => Claim::Busy,
            PresignedState::Waiting if now_ms >= expires_at => Claim::Expired,
            PresignedState::Waiting => {
                let claimed = conn.execute(
                    "UPDATE presigned_uploads SET state = ?2 WHERE url_token = ?1 AND state = ?3",
                    params![url_token, PresignedState::Receiving, PresignedState::Waiting],
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
            "UPDATE presigned_uploads SET state = ?2 WHERE url_token = ?1 AND state = ?3",
            params![url_token, PresignedState::Waiting, PresignedState::Receiving],
        )?;
        Ok(())
    }

    /// Records the finished upload and spends the URL, in one transaction.
    pub fn complete_presigned(&self, url_token: &str, upload: &UploadRow) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        insert_upload_row(&tx, upload)?;
        tx.execute(
            "UPDATE presigned_uploads SET state = ?2 WHERE url_token = ?1",
            params![url_token, PresignedState::Done],
        )?;
        Ok(tx.commit()?)
    }

    /// A presigned upload whose bytes have not arrived yet, if `file_id` names one.
    pub fn pending_upload(&self, file_id: &FileId, now_ms: i64) -> Result<Option<PendingUpload>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT expires_at FROM presigned_uploads WHERE file_token = ?1 AND state != ?2",
                params![file_id.token, PresignedState::Done],
                |r| Ok(PendingUpload { expired: now_ms >= r.get::<_, i64>(0)? }),
            )
            .optional()?)
    }

    /// Stores `bytes` as part `part` of job `job_id` (replacing an earlier one) and returns
    /// the token of its URL.
    pub fn put_artifact(&self, artifact: &NewArtifact, bytes: &[u8]) -> Result<String> {
        let token = ids::new_upload_token();
        let path = self.artifacts_dir.join(&token);
        write_synced(&path, bytes)?;
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
        Ok(self
            .conn()
            .query_row(
                "SELECT token FROM artifacts WHERE job_id = ?1 AND part = ?2 AND expires_at > ?3",
                params![job_id, part, now_ms],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// An artifact by the token of its URL.
    pub fn get_artifact(&self, token: &str, now_ms: i64) -> Result<Option<ArtifactRow>> {
        if !ids::is_token(token) {
            return Ok(None);
        }
        Ok(self
            .conn()
            .query_row("SELECT content_type, expires_at FROM artifacts WHERE token = ?1", [token], |r| {
                Ok(ArtifactRow {
                    path: self.artifacts_dir.join(token),
                    content_type: r.get(0)?,
                    expired: now_ms >= r.get::<_, i64>(1)?,
                })
            })
            .optional()?)
    }
}

/// Writes a whole file and syncs it, so a row never names a file a crash left half-written.
pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = private_file(path, true)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Creates `dir` and its missing parents, readable by this user only.
pub(super) fn private_dir(dir: &Path) -> std::io::Result<()> {
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
pub(super) fn warn_if_shared(data_dir: &Path) {
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
pub(super) fn remove_orphaned_files(conn: &Connection, dir: &Path, table: &str) -> rusqlite::Result<()> {
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
pub(super) fn remove_partial_uploads(files_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(files_dir) else { return };
    for entry in entries.flatten() {
        if entry.path().extension().is_some_and(|ext| ext == "part") {
            // Best effort: a leftover that cannot be removed is harmless.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
/// Where a presigned upload stands: its URL handed out, a PUT streaming into it, or spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresignedState {
    Waiting,
    Receiving,
    Done,
}

stored_as_text!(PresignedState { Waiting => "waiting", Receiving => "receiving", Done => "done" });

/// Records an upload's row (its bytes are already in place).
fn insert_upload_row(conn: &Connection, upload: &UploadRow) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO uploads (token, extension, filename, size, created_at)
             VALUES (?1, ?2, ?3, ?4, {NOW})"
        ),
        params![upload.file_id.token, upload.file_id.extension, upload.filename, upload.size as i64],
    )?;
    Ok(())
}
