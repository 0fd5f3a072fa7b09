//! A pipeline's `steps`: the configuration a Studio user edits as a draft and deploys as an
//! immutable version. This module owns its shape (`{parse?, split?, extract?, edit?}`), its validation
//! into FastAPI-style 422s, and what its parse step asks of the engine ([`ParseSettings`]).
//!
//! Serde enforces the structure (unknown step names and unknown keys inside a step are
//! refused, so a typo never silently does nothing); [`Steps::validate`] adds the rules serde
//! cannot express. Parse `options` stay free-form JSON, as Reducto's `ParseOptions` has many
//! settings; only the ones the local engine honors are read and checked (by [`options`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::edit::Widget;
pub use crate::engine::split::Category;
use crate::error::{Loc, ValidationError};
use crate::loc;
use crate::options::{self, ParseSettings};
use crate::secrets;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    #[serde(default, deserialize_with = "object", skip_serializing_if = "Option::is_none")]
    pub parse: Option<ParseStep>,
    #[serde(default, deserialize_with = "object", skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitStep>,
    #[serde(default, deserialize_with = "object", skip_serializing_if = "Option::is_none")]
    pub extract: Option<ExtractStep>,
    #[serde(default, deserialize_with = "object", skip_serializing_if = "Option::is_none")]
    pub edit: Option<EditStep>,
}

/// A struct of the steps read only from a JSON object (or null, for none). serde would also
/// take a list of its fields in order (`"edit": ["Name: Ada"]`, a category as `["Invoice",
/// "…"]`), which nobody writing steps means.
struct ObjectOnly<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ObjectOnly<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for ObjectOnly<T> {
    type Value = Option<T>;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A step: an object, or null for none (see [`ObjectOnly`]).
pub fn object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    serde::de::DeserializeSeed::deserialize(ObjectOnly(std::marker::PhantomData), deserializer)
}

/// A list of objects (see [`ObjectOnly`]), such as a split step's categories.
struct Objects<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Objects<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Items<T> {
            type Value = Objects<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of objects")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Objects<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element_seed(ObjectOnly(std::marker::PhantomData))? {
                    items.push(
                        item.ok_or_else(|| serde::de::Error::custom("expected an object, found null"))?,
                    );
                }
                Ok(Objects(items))
            }
        }
        deserializer.deserialize_seq(Items(std::marker::PhantomData))
    }
}

fn objects<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Objects::deserialize(deserializer).map(|objects| objects.0)
}

/// A list of objects, or null (or absent) for none: an edit step's `form_schema`.
fn optional_objects<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Objects<T>>::deserialize(deserializer).map(|objects| objects.map(|objects| objects.0))
}

/// A request's `steps`: an object, never a list or null.
pub fn steps_object<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Steps, D::Error> {
    object(deserializer)?
        .ok_or_else(|| serde::de::Error::custom("steps must be an object such as {\"parse\": {}}"))
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
    #[serde(deserialize_with = "objects")]
    pub categories: Vec<Category>,
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

/// Fills the input PDF's form fields: `instructions` as `label: value` lines, and the
/// `form_schema` widgets that carry a `value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditStep {
    pub instructions: String,
    #[serde(default, deserialize_with = "optional_objects", skip_serializing_if = "Option::is_none")]
    pub form_schema: Option<Vec<Widget>>,
}

impl ExtractStep {
    /// Whether citations are on: `true`, or an object with `"enabled": true`.
    pub fn wants_citations(&self) -> bool {
        match &self.citations {
            Some(Value::Bool(on)) => *on,
            Some(Value::Object(o)) => o.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            _ => false,
        }
    }
}

/// What is wrong with a list of split categories (`names`, in order), each error at `at(…)`
/// below where the list sits: it must name at least one, and each by a name. `list` is how the
/// request calls the list (`split.categories`, `split_description`).
pub fn category_problems(
    names: &[&str],
    list: &str,
    at: impl Fn(Vec<Loc>) -> Vec<Loc>,
) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    if names.is_empty() {
        errors.push(ValidationError::new(
            at(vec![]),
            format!("{list} must list at least one {{name, description}}"),
            "too_short",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            errors.push(ValidationError::new(
                at(loc![i, "name"]),
                "A split category needs a non-empty name",
                "value_error",
            ));
        }
    }
    errors
}

impl Steps {
    /// The steps as the Studio shows them: a saved `document_password` masked (see
    /// [`secrets::mask`]), so a listing or an export never hands out a document's password.
    pub fn masked(&self) -> Steps {
        let value = secrets::mask(&serde_json::to_value(self).expect("steps always serialize"));
        serde_json::from_value(value).expect("a masked password is still a string")
    }

    /// Steps sent back as they were shown: each secret that still reads as the mask is the one
    /// `saved` holds at the same place again (see [`secrets::unmask`]).
    pub fn with_saved_secrets(self, saved: Option<&Steps>) -> Steps {
        let mut value = serde_json::to_value(&self).expect("steps always serialize");
        let saved =
            saved.map_or(Value::Null, |saved| serde_json::to_value(saved).expect("steps always serialize"));
        secrets::unmask(&mut value, &saved);
        serde_json::from_value(value).unwrap_or(self)
    }

    /// Every rule serde cannot check; `prefix` is where `steps` sits in the request
    /// (e.g. `["body", "steps"]`). An empty result means the steps are valid.
    pub fn validate(&self, prefix: Vec<Loc>) -> Vec<ValidationError> {
        let at = |rest: Vec<Loc>| prefix.iter().cloned().chain(rest).collect::<Vec<_>>();
        let mut errors = Vec::new();
        if let Err(parse_errors) = self.parse_settings() {
            errors.extend(parse_errors.into_iter().map(|e| ValidationError { loc: at(e.loc), ..e }));
        }
        if let Some(extract) = &self.extract {
            if let Some(problem) = crate::engine::extract::check_schema(&extract.schema) {
                errors.push(ValidationError::new(at(loc!["extract", "schema"]), problem, "value_error"));
            }
        }
        if let Some(split) = &self.split {
            let names: Vec<&str> = split.categories.iter().map(|c| c.name.as_str()).collect();
            errors.extend(category_problems(&names, "split.categories", |rest| {
                at([loc!["split", "categories"], rest].concat())
            }));
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

    /// What the parse step asks of the engine; error locations are relative to the steps.
    pub fn parse_settings(&self) -> Result<ParseSettings, Vec<ValidationError>> {
        match self.parse.as_ref().and_then(|p| p.options.as_ref()) {
            Some(o) => options::read(o, loc!["parse", "options"]),
            None => Ok(ParseSettings::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Chunking;

    fn steps(json: &str) -> Steps {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn chunking_defaults_to_disabled_and_reads_both_spellings() {
        let chunking = |json: &str| steps(json).parse_settings().unwrap().chunking;
        assert_eq!(chunking("{}"), Chunking::Disabled);
        assert_eq!(chunking(r#"{"parse":{"options":{"chunking":{"chunk_mode":"page"}}}}"#), Chunking::Page);
        let spec =
            r#"{"parse":{"options":{"retrieval":{"chunking":{"chunk_mode":"variable","chunk_size":200}}}}}"#;
        assert_eq!(chunking(spec), Chunking::Variable { size: 200 });
    }

    #[test]
    fn unsupported_chunk_mode_is_named() {
        let s = steps(r#"{"parse":{"options":{"chunking":{"chunk_mode":"page_sections"}}}}"#);
        let errors = s.validate(loc!["body", "steps"]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].msg.contains("'page_sections'"), "{}", errors[0].msg);
        assert_eq!(errors[0].loc, loc!["body", "steps", "parse", "options", "chunking", "chunk_mode"]);
    }

    #[test]
    fn empty_split_categories_are_refused() {
        let s = steps(r#"{"split":{"categories":[]}}"#);
        assert_eq!(s.validate(vec![])[0].loc, loc!["split", "categories"]);
    }

    #[test]
    fn unknown_step_names_do_not_deserialize() {
        let err = serde_json::from_str::<Steps>(r#"{"parse":{},"summarize":{}}"#).unwrap_err();
        assert!(err.to_string().contains("summarize"), "{err}");
    }
}
