//! `reducto.pipelines.json`: pipelines as a file a team keeps in git, with the IDs its app
//! already uses (the ones Reducto's Studio gave it). The file holds each pipeline's ID, name,
//! versions (steps, name, time), live version and draft; its JSON Schema is
//! `docs/reducto.pipelines.schema.json`.
//!
//! - [`PipelinesFile::problems`] checks what serde cannot (IDs, duplicates, the live version
//!   among the versions, each version's steps), each problem located by its path in the file.
//! - [`import`] checks a file whole, then writes it into the store, so a file with a problem
//!   writes nothing. It is idempotent: an ID already there gets the file's name, draft,
//!   versions and live version, and a second import changes nothing. Versions the store has
//!   and the file does not are kept (they are history).
//! - [`export`] reads the store back into a file. Document passwords are masked, as the Studio
//!   shows them ([`Steps::masked`]); importing the mask back keeps the password the store has.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult, Loc, ValidationError};
use crate::loc;
use crate::steps::{self, Steps};
use crate::store::{ImportedPipeline, ImportedVersion, PipelineRow, Store, StoreError, VersionRow};

/// Longest pipeline ID taken: Reducto's are far shorter; this only bounds what a file holds.
const MAX_ID_LEN: usize = 128;

/// IDs that are the names of routes beside `/studio/pipelines/{id}`, so no pipeline can have them.
const RESERVED_IDS: [&str; 2] = ["export", "import"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelinesFile {
    /// The schema an editor checks the file against.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub pipelines: Vec<PipelineEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineEntry {
    /// The Pipeline ID callers run, kept as written.
    pub id: String,
    pub name: String,
    /// The version callers get; null (or absent) until one is deployed.
    #[serde(default)]
    pub live_version: Option<i64>,
    /// The Studio's working copy; absent means the live version's steps (or none).
    #[serde(default, deserialize_with = "steps::object", skip_serializing_if = "Option::is_none")]
    pub draft: Option<Steps>,
    #[serde(default)]
    pub versions: Vec<VersionEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionEntry {
    pub version: i64,
    #[serde(default)]
    pub name: Option<String>,
    /// When it was deployed, `YYYY-MM-DDTHH:MM:SS(.fff)Z`; the import's time when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_at: Option<String>,
    #[serde(deserialize_with = "steps::steps_object")]
    pub steps: Steps,
}

impl PipelinesFile {
    /// What is wrong with the file beyond its shape, each problem located under `at`.
    pub fn problems(&self, at: Vec<Loc>) -> Vec<ValidationError> {
        let mut problems = Vec::new();
        for (index, pipeline) in self.pipelines.iter().enumerate() {
            let here = [at.clone(), loc!["pipelines", index]].concat();
            let field = |name: &str| [here.clone(), loc![name]].concat();
            if !is_pipeline_id(&pipeline.id) {
                problems.push(ValidationError::new(
                    field("id"),
                    format!(
                        "'{}' is not a pipeline ID: use 1 to {MAX_ID_LEN} letters, digits, '-' or '_' \
                         (the ID Reducto's Studio shows)",
                        pipeline.id
                    ),
                    "value_error",
                ));
            }
            if RESERVED_IDS.contains(&pipeline.id.as_str()) {
                let msg = format!(
                    "'{}' names a Studio route (/studio/pipelines/{0}): choose another ID",
                    pipeline.id
                );
                problems.push(ValidationError::new(field("id"), msg, "value_error"));
            }
            if self.pipelines[..index].iter().any(|earlier| earlier.id == pipeline.id) {
                let msg = format!("pipeline '{}' appears twice in the file", pipeline.id);
                problems.push(ValidationError::new(field("id"), msg, "value_error"));
            }
            if pipeline.name.trim().is_empty() {
                problems.push(ValidationError::new(field("name"), "name must not be empty", "value_error"));
            }
            problems.extend(version_problems(pipeline, &here));
            if let Some(draft) = &pipeline.draft {
                problems.extend(draft.validate(field("draft")));
            }
        }
        problems
    }
}

/// The problems of a pipeline's versions and of its live version, located under `here`.
fn version_problems(pipeline: &PipelineEntry, here: &[Loc]) -> Vec<ValidationError> {
    let mut problems = Vec::new();
    for (index, version) in pipeline.versions.iter().enumerate() {
        let at = |name: &str| [here.to_vec(), loc!["versions", index, name]].concat();
        if version.version < 1 {
            problems.push(ValidationError::new(at("version"), "versions are numbered from 1", "value_error"));
        }
        if pipeline.versions[..index].iter().any(|earlier| earlier.version == version.version) {
            let msg = format!("version {} appears twice", version.version);
            problems.push(ValidationError::new(at("version"), msg, "value_error"));
        }
        if let Some(time) = version.deployed_at.as_deref().filter(|time| !is_timestamp(time)) {
            let msg = format!("'{time}' is not a time such as 2026-01-31T09:30:00Z");
            problems.push(ValidationError::new(at("deployed_at"), msg, "value_error"));
        }
        problems.extend(version.steps.validate(at("steps")));
    }
    if let Some(live) = pipeline.live_version {
        if !pipeline.versions.iter().any(|version| version.version == live) {
            problems.push(ValidationError::new(
                [here.to_vec(), loc!["live_version"]].concat(),
                format!("live_version {live} is not one of this pipeline's versions"),
                "value_error",
            ));
        }
    }
    problems
}

/// An ID as Reducto's Studio gives one, or as a team names its own.
pub fn is_pipeline_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z`: the store's own form of a time.
fn is_timestamp(time: &str) -> bool {
    let Some(rest) = time.strip_suffix('Z') else { return false };
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, "0"));
    let digits_at = |positions: &[usize]| positions.iter().all(|&i| whole.as_bytes()[i].is_ascii_digit());
    whole.len() == 19
        && digits_at(&[0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
        && [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')]
            .iter()
            .all(|&(i, c)| whole.as_bytes()[i] == c)
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The problems of a file as one line each, `path: message` (for a file read at start).
pub fn describe(problems: &[ValidationError]) -> String {
    let path = |loc: &[Loc]| {
        let parts: Vec<String> = loc
            .iter()
            .map(|part| match part {
                Loc::Key(key) => key.clone(),
                Loc::Index(index) => index.to_string(),
            })
            .collect();
        parts.join(".")
    };
    let lines: Vec<String> =
        problems.iter().map(|problem| format!("{}: {}", path(&problem.loc), problem.msg)).collect();
    lines.join("\n")
}

/// Checks `file` whole, then writes it into the store; the IDs of the pipelines it holds, in its
/// order. A file with problems writes nothing: a validation error names each one's path under
/// `at`.
pub fn import(store: &Store, file: &PipelinesFile, at: Vec<Loc>) -> AppResult<Vec<String>> {
    let problems = file.problems(at);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    for pipeline in &file.pipelines {
        let live_steps = pipeline.live_version.and_then(|live| {
            pipeline.versions.iter().find(|version| version.version == live).map(|version| &version.steps)
        });
        let draft = pipeline.draft.as_ref().or(live_steps).cloned().unwrap_or_default();
        // A masked password (an export's) keeps the one the store has at the same place.
        let stored = store.get_pipeline(&pipeline.id)?;
        let stored_versions = match &stored {
            Some(_) => store.versions(&pipeline.id)?,
            None => Vec::new(),
        };
        let draft = draft.with_saved_secrets(stored.as_ref().map(|row| &row.draft));
        let versions: Vec<Steps> = pipeline
            .versions
            .iter()
            .map(|version| {
                let saved = stored_versions.iter().find(|row| row.version == version.version);
                version.steps.clone().with_saved_secrets(saved.map(|row| &row.steps))
            })
            .collect();
        store.import_pipeline(&ImportedPipeline {
            id: &pipeline.id,
            name: &pipeline.name,
            draft: &draft,
            live_version: pipeline.live_version,
            versions: pipeline
                .versions
                .iter()
                .zip(&versions)
                .map(|(version, steps)| ImportedVersion {
                    version: version.version,
                    name: version.name.as_deref(),
                    deployed_at: version.deployed_at.as_deref(),
                    steps,
                })
                .collect(),
        })?;
    }
    Ok(file.pipelines.iter().map(|pipeline| pipeline.id.clone()).collect())
}

/// Pipeline `id` (every pipeline when `None`) as a file, oldest first.
pub fn export(store: &Store, id: Option<&str>) -> Result<PipelinesFile, StoreError> {
    let mut rows = store.list_pipelines()?;
    rows.reverse();
    if let Some(id) = id {
        rows.retain(|row| row.id == id);
    }
    let pipelines = rows
        .into_iter()
        .map(|row| Ok(entry(&row, store.versions(&row.id)?)))
        .collect::<Result<_, StoreError>>()?;
    Ok(PipelinesFile { schema: Some(SCHEMA_NAME.into()), pipelines })
}

/// The name the file's `$schema` gives its schema, found beside it in this repository.
pub const SCHEMA_NAME: &str =
    "https://github.com/reducto-wasm/reducto-wasm/blob/main/docs/reducto.pipelines.schema.json";

fn entry(row: &PipelineRow, versions: Vec<VersionRow>) -> PipelineEntry {
    PipelineEntry {
        id: row.id.clone(),
        name: row.name.clone(),
        live_version: row.deployed_version,
        draft: Some(row.draft.masked()),
        versions: versions
            .into_iter()
            .map(|version| VersionEntry {
                version: version.version,
                name: version.version_name,
                deployed_at: Some(version.deployed_at),
                steps: version.steps.masked(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_times_as_a_file_may_write_them() {
        for id in ["k9x3", "pipeline_7", "a-b", &"x".repeat(MAX_ID_LEN)] {
            assert!(is_pipeline_id(id), "{id}");
        }
        for id in ["", "a b", "a/b", "ü", &"x".repeat(MAX_ID_LEN + 1)] {
            assert!(!is_pipeline_id(id), "{id}");
        }
        for time in ["2026-01-31T09:30:00Z", "2026-01-31T09:30:00.123Z"] {
            assert!(is_timestamp(time), "{time}");
        }
        for time in [
            "2026-01-31",
            "2026-01-31T09:30:00",
            "2026-01-31 09:30:00Z",
            "2026-01-31T09:30:00.Z",
            "2026-01-3é",
        ] {
            assert!(!is_timestamp(time), "{time}");
        }
    }

    #[test]
    fn problems_name_their_place_in_the_file() {
        let file: PipelinesFile = serde_json::from_value(serde_json::json!({"pipelines": [
            {"id": "a", "name": "A", "live_version": 3, "versions": [
                {"version": 1, "steps": {}}, {"version": 1, "steps": {}, "deployed_at": "yesterday"}]},
            {"id": "a", "name": " ", "versions": []},
            {"id": "export", "name": "E"},
        ]}))
        .unwrap();
        let described = describe(&file.problems(loc!["body"]));
        let places: Vec<&str> = described.lines().map(|line| line.split(':').next().unwrap()).collect();
        assert_eq!(
            places,
            [
                "body.pipelines.0.versions.1.version",
                "body.pipelines.0.versions.1.deployed_at",
                "body.pipelines.0.live_version",
                "body.pipelines.1.id",
                "body.pipelines.1.name",
                "body.pipelines.2.id",
            ]
        );
        assert!(described.contains("live_version 3 is not one of this pipeline's versions"), "{described}");
    }
}
