//! The one reading of what callers pass in: options and params are Rust types (in `options`
//! and `params`) read from the JS value with serde-wasm-bindgen.
//!
//! TypeScript catches most mistakes at compile time, but JS callers and `as any` exist: a wrong
//! value becomes a `ReductoError` whose message names the argument, with its path
//! (`params.pipeline_id is required: …`, `options.headers.x-a: invalid type …`), before any
//! request is sent.

use js_sys::{Array, Function, Object};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::errors::argument_error;

/// Reads `value` as a `T`; `name` ("options", "params") is how messages call it. `undefined`
/// and `null` read as an empty object, so every field takes its default.
pub fn read<T: DeserializeOwned>(value: &JsValue, name: &str) -> Result<T, JsValue> {
    let object = object_to_read(value, name)?;
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(object))
        .map_err(|error| argument_problem(name, error))
}

/// What `read` reads: `value` when it is an object; an empty one for `undefined` and `null`.
fn object_to_read(value: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(Object::new().into())
    } else if value.is_object() && !value.is_function() && !Array::is_array(value) {
        Ok(value.clone())
    } else {
        Err(argument_error(&format!("{name} must be an object, got {}", describe(value))))
    }
}

/// The `ReductoError` for what serde found wrong, outside the generic `read` so that its
/// formatting is compiled once.
fn argument_problem(name: &str, error: serde_path_to_error::Error<serde_wasm_bindgen::Error>) -> JsValue {
    let path = error.path().to_string();
    let problem = JsValue::from(error.into_inner()).unchecked_into::<js_sys::Error>().message();
    argument_error(&problem_message(name, &path, &String::from(problem)))
}

/// The message for a problem serde found at `path` ("." for the object itself).
fn problem_message(name: &str, path: &str, problem: &str) -> String {
    let at = |field: &str| match path {
        "." | "" => format!("{name}.{field}"),
        path => format!("{name}.{path}.{field}"),
    };
    // serde words a missing field as "missing field `pipeline_id`".
    if let Some(field) = problem.strip_prefix("missing field `").and_then(|rest| rest.strip_suffix('`')) {
        return match hint(field) {
            Some(hint) => format!("{} is required: pass {hint}", at(field)),
            None => format!("{} is required", at(field)),
        };
    }
    match path {
        "." | "" => format!("{name}: {problem}"),
        path => format!("{name}.{path}: {problem}"),
    }
}

/// What to pass for a required field, for messages.
fn hint(field: &str) -> Option<&'static str> {
    match field {
        "input" => Some(EXPECTED_INPUT),
        "pipeline_id" => Some("the Pipeline ID shown by the Studio after Deploy"),
        "split_description" => Some("a list of { name, description } categories"),
        _ => None,
    }
}

pub const EXPECTED_INPUT: &str = "a URL string, an array of URL strings, an Upload or a File/Blob";

/// A short description of a JS value for error messages ("a number (42)", "an array").
pub fn describe(value: &JsValue) -> String {
    if value.as_f64().is_some() {
        format!("a number ({})", js_text(value))
    } else if let Some(b) = value.as_bool() {
        format!("a boolean ({b})")
    } else if let Some(text) = value.as_string() {
        format!("a string (\"{text}\")")
    } else if value.is_null() {
        "null".into()
    } else if value.is_undefined() {
        "undefined".into()
    } else if Array::is_array(value) {
        "an array".into()
    } else if value.is_function() {
        "a function".into()
    } else {
        "an object".into()
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A value as JS's `String(value)` writes it, so numbers read as JS callers know them.
    #[wasm_bindgen(js_name = String)]
    pub fn js_text(value: &JsValue) -> String;
}

/// A JS object that serde cannot copy and the client uses as it is: an `AbortSignal`, a callback.
pub trait JsObject: JsCast {
    /// What callers must pass, for messages: "an AbortSignal".
    const EXPECTED: &'static str;
}

impl JsObject for AbortSignal {
    const EXPECTED: &'static str = "an AbortSignal";
}

impl JsObject for Function {
    const EXPECTED: &'static str = "a function";
}

/// Reads an optional field holding a [`JsObject`], kept as the caller's own object:
/// `#[serde(default, deserialize_with = "js_object")]`.
pub fn js_object<'de, D: Deserializer<'de>, T: JsObject>(deserializer: D) -> Result<Option<T>, D::Error> {
    let Some(Preserved(value)) = Option::<Preserved>::deserialize(deserializer)? else {
        return Ok(None);
    };
    value
        .dyn_into::<T>()
        .map(Some)
        .map_err(|value| D::Error::custom(format!("must be {}, got {}", T::EXPECTED, describe(&value))))
}

/// Any JS value, passed through untouched (a `File` as `input`, say).
#[derive(Deserialize)]
struct Preserved(#[serde(with = "serde_wasm_bindgen::preserve")] JsValue);

#[cfg(test)]
mod tests {
    use super::problem_message;

    #[test]
    fn a_missing_field_is_named_with_what_to_pass() {
        assert_eq!(
            problem_message("params", ".", "missing field `pipeline_id`"),
            "params.pipeline_id is required: pass the Pipeline ID shown by the Studio after Deploy"
        );
        assert_eq!(
            problem_message("params", "split_description.0", "missing field `name`"),
            "params.split_description.0.name is required"
        );
    }

    #[test]
    fn a_wrong_value_is_named_by_its_path() {
        assert_eq!(
            problem_message("options", "headers.x-a", "invalid type: integer `1`, expected a string"),
            "options.headers.x-a: invalid type: integer `1`, expected a string"
        );
        assert_eq!(problem_message("options", ".", "oops"), "options: oops");
    }
}
