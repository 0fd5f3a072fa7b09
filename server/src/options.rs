//! Reducto's `ParseOptions` as the local engine reads them. The same object arrives in three
//! places (a Studio step's `parse.options`, the body of `POST /parse`, and `parsing` in
//! extract and split requests); this module reads the settings the engine honours from it and
//! reports bad ones as FastAPI validation errors located where they sit in the request.
//!
//! Everything else in `ParseOptions` (OCR modes, figure summaries, ...) is accepted and
//! ignored, as unknown JSON fields are by the real API.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::Chunking;
use crate::error::{Loc, ValidationError};
use crate::loc;

/// What the engine takes from `ParseOptions`. Serialized with a queued job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParseSettings {
    pub chunking: Chunking,
    /// `settings.document_password`: opens encrypted PDFs. Held in memory while the job runs
    /// and never serialized, so it never reaches the database.
    #[serde(skip)]
    pub password: Option<String>,
    /// In a stored job: it had a password, which was not stored. A restart cannot run it again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_withheld: bool,
}

/// Reads `options`, located at `at` in the request. Chunking is `retrieval.chunking` as in the
/// spec; a top-level `chunking` (the short form Studio steps may use) wins over it.
pub fn read(options: &Map<String, Value>, at: Vec<Loc>) -> Result<ParseSettings, Vec<ValidationError>> {
    let here = |rest: Vec<Loc>| at.iter().cloned().chain(rest).collect::<Vec<Loc>>();
    let mut errors = Vec::new();
    let chunking = match (options.get("chunking"), options.get("retrieval")) {
        (Some(c), _) => chunking(c, here(loc!["chunking"])),
        (None, None | Some(Value::Null)) => Ok(Chunking::Disabled),
        (None, Some(Value::Object(retrieval))) => match retrieval.get("chunking") {
            Some(c) => chunking(c, here(loc!["retrieval", "chunking"])),
            None => Ok(Chunking::Disabled),
        },
        (None, Some(other)) => Err(ValidationError::new(
            here(loc!["retrieval"]),
            format!("retrieval must be an object, got {other}"),
            "model_type",
        )),
    }
    .unwrap_or_else(|e| {
        errors.push(e);
        Chunking::Disabled
    });
    let password = match options.get("settings") {
        None | Some(Value::Null) => None,
        Some(Value::Object(settings)) => match settings.get("document_password") {
            None | Some(Value::Null) => None,
            Some(Value::String(pw)) => Some(pw.clone()),
            Some(other) => {
                errors.push(ValidationError::new(
                    here(loc!["settings", "document_password"]),
                    format!("document_password must be a string, got {other}"),
                    "string_type",
                ));
                None
            }
        },
        Some(other) => {
            errors.push(ValidationError::new(
                here(loc!["settings"]),
                format!("settings must be an object, got {other}"),
                "model_type",
            ));
            None
        }
    };
    if errors.is_empty() {
        Ok(ParseSettings { chunking, password, password_withheld: false })
    } else {
        Err(errors)
    }
}

const DEFAULT_CHUNK_SIZE: usize = 1000;

/// A `Chunking` object into the engine's mode; `path` is where the object sits.
fn chunking(value: &Value, path: Vec<Loc>) -> Result<Chunking, ValidationError> {
    let fail = |field: &str, msg: String, kind: &str| {
        let mut loc = path.clone();
        if !field.is_empty() {
            loc.push(Loc::Key(field.into()));
        }
        ValidationError::new(loc, msg, kind)
    };
    if value.is_null() {
        return Ok(Chunking::Disabled);
    }
    let Some(obj) = value.as_object() else {
        return Err(fail(
            "",
            "chunking must be an object such as {\"chunk_mode\": \"page\"}".into(),
            "model_type",
        ));
    };
    let mode = match obj.get("chunk_mode") {
        None | Some(Value::Null) => "disabled",
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(fail(
                "chunk_mode",
                format!("chunk_mode must be a string, got {other}"),
                "string_type",
            ))
        }
    };
    let size = match obj.get("chunk_size") {
        None | Some(Value::Null) => DEFAULT_CHUNK_SIZE,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => n as usize,
            _ => {
                return Err(fail(
                    "chunk_size",
                    format!("chunk_size must be a positive integer, got {v}"),
                    "value_error",
                ))
            }
        },
    };
    match mode {
        "disabled" => Ok(Chunking::Disabled),
        "page" => Ok(Chunking::Page),
        "section" => Ok(Chunking::Section),
        "variable" => Ok(Chunking::Variable { size }),
        other => Err(fail(
            "chunk_mode",
            format!(
                "chunk_mode '{other}' is not supported by the local engine \
                 (supported: 'disabled', 'page', 'section', 'variable')"
            ),
            "value_error",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(options: Value) -> Result<ParseSettings, Vec<ValidationError>> {
        read(options.as_object().unwrap(), loc!["body"])
    }

    #[test]
    fn spec_and_short_spellings() {
        assert_eq!(settings(json!({})).unwrap(), ParseSettings::default());
        let spec = json!({"retrieval": {"chunking": {"chunk_mode": "variable", "chunk_size": 200}}});
        assert_eq!(settings(spec).unwrap().chunking, Chunking::Variable { size: 200 });
        let both =
            json!({"chunking": {"chunk_mode": "page"}, "retrieval": {"chunking": {"chunk_mode": "section"}}});
        assert_eq!(settings(both).unwrap().chunking, Chunking::Page, "the short form wins");
        let locked = json!({"settings": {"document_password": "pw", "ocr_system": "standard"}});
        assert_eq!(settings(locked).unwrap().password.as_deref(), Some("pw"));
    }

    #[test]
    fn every_problem_is_reported_where_it_is() {
        let bad = json!({
            "retrieval": {"chunking": {"chunk_mode": "page_sections"}},
            "settings": {"document_password": 42}
        });
        let errors = settings(bad).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].loc, loc!["body", "retrieval", "chunking", "chunk_mode"]);
        assert!(errors[0].msg.contains("'page_sections'"), "{}", errors[0].msg);
        assert_eq!(errors[1].loc, loc!["body", "settings", "document_password"]);
        let size = settings(json!({"chunking": {"chunk_mode": "variable", "chunk_size": 0}})).unwrap_err();
        assert_eq!(size[0].loc, loc!["body", "chunking", "chunk_size"]);
    }
}
