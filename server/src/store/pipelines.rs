//! Pipelines, their drafts and their immutable versions; which version is live.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::db::{Result, Store, NOW};
use crate::ids::{self};
use crate::steps::Steps;

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

/// A pipeline as a pipelines file holds it, to write as it is, ID included.
pub struct ImportedPipeline<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub draft: &'a Steps,
    pub live_version: Option<i64>,
    pub versions: Vec<ImportedVersion<'a>>,
}

pub struct ImportedVersion<'a> {
    pub version: i64,
    pub name: Option<&'a str>,
    /// The store's own time form; now when `None`.
    pub deployed_at: Option<&'a str>,
    pub steps: &'a Steps,
}

/// What a pipeline id resolves to when it is run.
pub enum Deployed {
    NotFound,
    NeverDeployed,
    Version(Box<VersionRow>),
}

impl Store {
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
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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

    /// Writes `pipeline` as it is, in one transaction: created with its own ID, or given its
    /// name, draft, versions and live version. A row already so is not written again, so a
    /// second import changes nothing, not even a time.
    pub fn import_pipeline(&self, pipeline: &ImportedPipeline) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            &format!(
                "INSERT INTO pipelines (id, name, draft, deployed_version, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW}, {NOW})
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, draft = excluded.draft,
                     deployed_version = excluded.deployed_version, updated_at = {NOW}
                 WHERE (name, draft, deployed_version) IS NOT (excluded.name, excluded.draft, excluded.deployed_version)"
            ),
            params![pipeline.id, pipeline.name, to_json(pipeline.draft), pipeline.live_version],
        )?;
        for version in &pipeline.versions {
            tx.execute(
                &format!(
                    "INSERT INTO pipeline_versions (pipeline_id, version, version_name, steps, deployed_at)
                     VALUES (?1, ?2, ?3, ?4, COALESCE(?5, {NOW}))
                     ON CONFLICT (pipeline_id, version) DO UPDATE SET version_name = excluded.version_name,
                         steps = excluded.steps, deployed_at = COALESCE(?5, pipeline_versions.deployed_at)
                     WHERE (version_name, steps) IS NOT (excluded.version_name, excluded.steps)
                         OR (?5 IS NOT NULL AND ?5 IS NOT pipeline_versions.deployed_at)"
                ),
                params![
                    pipeline.id,
                    version.version,
                    version.name,
                    to_json(version.steps),
                    version.deployed_at
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// All versions of a pipeline, oldest first.
    pub fn versions(&self, id: &str) -> Result<Vec<VersionRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SELECT_VERSION} WHERE pipeline_id = ?1 ORDER BY version"))?;
        let rows = stmt.query_map([id], version_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The version callers of `id` get.
    pub fn deployed(&self, id: &str) -> Result<Deployed> {
        let conn = self.conn();
        let Some(pipeline) = get_pipeline(&conn, id)? else {
            return Ok(Deployed::NotFound);
        };
        let Some(version) = pipeline.deployed_version else {
            return Ok(Deployed::NeverDeployed);
        };
        Ok(get_version(&conn, id, version)?
            .map_or(Deployed::NeverDeployed, |v| Deployed::Version(Box::new(v))))
    }
}

pub(super) const SELECT_PIPELINE: &str =
    "SELECT id, name, draft, deployed_version, created_at, updated_at FROM pipelines";

pub(super) const SELECT_VERSION: &str =
    "SELECT pipeline_id, version, version_name, steps, deployed_at FROM pipeline_versions";

pub(super) fn get_pipeline(conn: &Connection, id: &str) -> Result<Option<PipelineRow>> {
    Ok(conn.query_row(&format!("{SELECT_PIPELINE} WHERE id = ?1"), [id], pipeline_from_row).optional()?)
}

pub(super) fn get_version(conn: &Connection, id: &str, version: i64) -> Result<Option<VersionRow>> {
    Ok(conn
        .query_row(
            &format!("{SELECT_VERSION} WHERE pipeline_id = ?1 AND version = ?2"),
            params![id, version],
            version_from_row,
        )
        .optional()?)
}

pub(super) fn pipeline_from_row(r: &Row) -> rusqlite::Result<PipelineRow> {
    Ok(PipelineRow {
        id: r.get(0)?,
        name: r.get(1)?,
        draft: from_json(r, 2)?,
        deployed_version: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

pub(super) fn version_from_row(r: &Row) -> rusqlite::Result<VersionRow> {
    Ok(VersionRow {
        pipeline_id: r.get(0)?,
        version: r.get(1)?,
        version_name: r.get(2)?,
        steps: from_json(r, 3)?,
        deployed_at: r.get(4)?,
    })
}

pub(super) fn to_json(steps: &Steps) -> String {
    serde_json::to_string(steps).expect("steps always serialize")
}

pub(super) fn from_json(r: &Row, index: usize) -> rusqlite::Result<Steps> {
    let text: String = r.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}
