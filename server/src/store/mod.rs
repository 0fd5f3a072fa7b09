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
//!
//! Its parts, each an `impl Store` of its own: [`pipelines`], [`jobs`], [`files`] (uploads,
//! presigned uploads, artifacts), [`deliveries`] and [`retention`] (sweep and deletion).

use std::path::Path;
use std::sync::Mutex;

use rusqlite::Connection;

mod db;
mod deliveries;
mod files;
mod jobs;
mod pipelines;
mod retention;

use self::db::{configure, migrate};
pub use self::db::{Store, StoreError};
pub use self::deliveries::{DeliveryMode, DeliveryRow, DeliveryState, NewDelivery};
use self::files::{private_dir, remove_orphaned_files, remove_partial_uploads, warn_if_shared};
pub use self::files::{private_file, ArtifactRow, Claim, NewArtifact, PendingUpload, UploadRow};
pub use self::jobs::{JobKind, JobRow, JobStatus, NewJob, Recovery};
pub use self::pipelines::{Deployed, ImportedPipeline, ImportedVersion, PipelineRow, VersionRow};
pub use self::retention::{Deleted, Swept};

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
            .map_err(|e| format!("cannot prepare the database {}: {e}", db_path.display()))?;
        Ok(Store { conn: Mutex::new(conn), files_dir, artifacts_dir })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ids::FileId;
    use crate::steps::Steps;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn versions_are_numbered_snapshots_of_the_draft() {
        let (_dir, store) = store();
        let p = store.create_pipeline("p", &Steps::default()).unwrap();
        assert!(matches!(store.deployed(&p.id).unwrap(), Deployed::NeverDeployed));

        let v1 = store.deploy(&p.id, Some("first")).unwrap().unwrap();
        let changed: Steps =
            serde_json::from_str(r#"{"parse":{"options":{"chunking":{"chunk_mode":"page"}}}}"#).unwrap();
        store.update_draft(&p.id, &changed).unwrap();
        let Deployed::Version(live) = store.deployed(&p.id).unwrap() else { panic!("not live") };
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
        std::fs::write(store.upload_path(&old_upload), b"%PDF").unwrap();
        store.insert_upload(&UploadRow { file_id: old_upload.clone(), filename: None, size: 4 }).unwrap();
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
        assert!(matches!(store.deployed("nope").unwrap(), Deployed::NotFound));
        assert!(store.deploy("nope", None).unwrap().is_none());
        assert!(store.update_draft("nope", &Steps::default()).unwrap().is_none());
    }
}
