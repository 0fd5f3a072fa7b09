//! A pipeline's `steps`: the configuration a Studio user edits as a draft and deploys as an
//! immutable version. This module owns its shape (`{parse?, split?, extract?}`), its validation
//! into FastAPI-style 422s, and its translation into the engine's [`ParseConfig`].
//!
//! Serde enforces the structure (unknown step names and unknown keys inside a step are
//! refused, so a typo never silently does nothing); [`Steps::validate`] adds the rules serde
//! cannot express. Parse `options` stay free-form JSON, as Reducto's `ParseOptions` has many
//! settings; only the ones the local engine honors are read and checked.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::Chunking;
use crate::error::{Loc, ValidationError};
use crate::loc;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse: Option<ParseStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract: Option<ExtractStep>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParseStep {
    /// Reducto `ParseOptions`, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitStep {
    pub categories: Vec<SplitCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitCategory {
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractStep {
    /// A JSON Schema describing what to extract.
    pub schema: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_prompt: Option<String>,
    /// `true`/`false`, or Reducto's object form `{"enabled": true, ...}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<Value>,
}

/// The steps a run needs that the local engine cannot do yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingStep {
    Split,
    Extract,
}

impl Steps {
    /// Every rule serde cannot check; `prefix` is where `steps` sits in the request
    /// (e.g. `["body", "steps"]`). An empty result means the steps are valid.
    pub fn validate(&self, prefix: Vec<Loc>) -> Vec<ValidationError> {
        let at = |rest: Vec<Loc>| prefix.iter().cloned().chain(rest).collect::<Vec<_>>();
        let mut errors = Vec::new();
        if let Err(e) = self.chunking() {
            errors.push(ValidationError::new(at(e.loc), e.msg, "value_error"));
        }
        if let Some(split) = &self.split {
            if split.categories.is_empty() {
                errors.push(ValidationError::new(
                    at(loc!["split", "categories"]),
                    "split.categories must list at least one {name, description}",
                    "too_short",
                ));
            }
            for (i, category) in split.categories.iter().enumerate() {
                if category.name.trim().is_empty() {
                    errors.push(ValidationError::new(
                        at(loc!["split", "categories", i, "name"]),
                        "A split category needs a non-empty name",
                        "value_error",
                    ));
                }
            }
        }
        if let Some(Some(citations)) = self.extract.as_ref().map(|e| &e.citations) {
            if !(citations.is_boolean() || citations.is_object()) {
                errors.push(ValidationError::new(
                    at(loc!["extract", "citations"]),
                    "citations must be true, false or an object such as {\"enabled\": true}",
                    "type_error",
                ));
            }
        }
        errors
    }

    /// The first configured step the local engine does not implement yet, if any.
    pub fn unsupported_step(&self) -> Option<MissingStep> {
        if self.split.is_some() {
            Some(MissingStep::Split)
        } else if self.extract.is_some() {
            Some(MissingStep::Extract)
        } else {
            None
        }
    }

    /// The chunking the parse step asks for. Reducto's `ParseOptions` nests it as
    /// `options.retrieval.chunking`; the shorter `options.chunking` is accepted too and wins.
    pub fn chunking(&self) -> Result<Chunking, ChunkingError> {
        let options = self.parse.as_ref().and_then(|p| p.options.as_ref());
        let (chunking, path) = match options {
            Some(o) if o.contains_key("chunking") => (&o["chunking"], loc!["parse", "options", "chunking"]),
            Some(o) => match o.get("retrieval").and_then(|r| r.get("chunking")) {
                Some(c) => (c, loc!["parse", "options", "retrieval", "chunking"]),
                None => return Ok(Chunking::Disabled),
            },
            None => return Ok(Chunking::Disabled),
        };
        parse_chunking(chunking, path)
    }
}

/// Why a chunking setting was refused, and where.
#[derive(Debug)]
pub struct ChunkingError {
    pub loc: Vec<Loc>,
    pub msg: String,
}

const DEFAULT_CHUNK_SIZE: usize = 1000;

fn parse_chunking(value: &Value, path: Vec<Loc>) -> Result<Chunking, ChunkingError> {
    let fail = |field: &str, msg: String| {
        let mut loc = path.clone();
        if !field.is_empty() {
            loc.push(Loc::Key(field.into()));
        }
        ChunkingError { loc, msg }
    };
    if value.is_null() {
        return Ok(Chunking::Disabled);
    }
    let Some(obj) = value.as_object() else {
        return Err(fail("", "chunking must be an object such as {\"chunk_mode\": \"page\"}".into()));
    };
    let mode = match obj.get("chunk_mode") {
        None | Some(Value::Null) => "disabled",
        Some(Value::String(s)) => s.as_str(),
        Some(other) => return Err(fail("chunk_mode", format!("chunk_mode must be a string, got {other}"))),
    };
    let size = match obj.get("chunk_size") {
        None | Some(Value::Null) => DEFAULT_CHUNK_SIZE,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => n as usize,
            _ => return Err(fail("chunk_size", format!("chunk_size must be a positive integer, got {v}"))),
        },
    };
    match mode {
        "disabled" => Ok(Chunking::Disabled),
        "page" => Ok(Chunking::Page),
        "variable" => Ok(Chunking::Variable { size }),
        other => Err(fail(
            "chunk_mode",
            format!(
                "chunk_mode '{other}' is not supported by the local engine \
                 (supported: 'disabled', 'page', 'variable')"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(json: &str) -> Steps {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn chunking_defaults_to_disabled_and_reads_both_spellings() {
        assert_eq!(steps("{}").chunking().unwrap(), Chunking::Disabled);
        let short = steps(r#"{"parse":{"options":{"chunking":{"chunk_mode":"page"}}}}"#);
        assert_eq!(short.chunking().unwrap(), Chunking::Page);
        let spec = steps(
            r#"{"parse":{"options":{"retrieval":{"chunking":{"chunk_mode":"variable","chunk_size":200}}}}}"#,
        );
        assert_eq!(spec.chunking().unwrap(), Chunking::Variable { size: 200 });
    }

    #[test]
    fn unsupported_chunk_mode_is_named() {
        let s = steps(r#"{"parse":{"options":{"chunking":{"chunk_mode":"section"}}}}"#);
        let errors = s.validate(loc!["body", "steps"]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].msg.contains("'section'"), "{}", errors[0].msg);
        assert_eq!(errors[0].loc, loc!["body", "steps", "parse", "options", "chunking", "chunk_mode"]);
    }

    #[test]
    fn empty_split_categories_are_refused() {
        let s = steps(r#"{"split":{"categories":[]}}"#);
        assert_eq!(s.validate(vec![])[0].loc, loc!["split", "categories"]);
        assert_eq!(s.unsupported_step(), Some(MissingStep::Split));
    }

    #[test]
    fn unknown_step_names_do_not_deserialize() {
        let err = serde_json::from_str::<Steps>(r#"{"parse":{},"summarize":{}}"#).unwrap_err();
        assert!(err.to_string().contains("summarize"), "{err}");
    }
}
