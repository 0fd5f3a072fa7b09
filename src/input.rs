//! Resolves a call's document (`input`, or an edit's `document_url`) the way the API takes it:
//! URL strings stay, an `Upload` becomes its `file_id`, a `File`/`Blob` is uploaded first.
//! Anything else is refused, naming the param.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Blob;

use crate::args::{describe, EXPECTED_INPUT};
use crate::errors::argument_error;
use crate::transport::Transport;
use crate::uploads;

/// `key` names the param in messages (`input`, `document_url`); only `input` takes a list.
pub async fn resolve(transport: &Transport, input: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if let Some(url) = input.as_string() {
        if url.trim().is_empty() {
            return Err(argument_error(&format!("params.{key} must not be empty: pass {EXPECTED_INPUT}")));
        }
        return Ok(input.clone());
    }
    if Array::is_array(input) && key == "input" {
        let urls = Array::from(input);
        if urls.length() > 0
            && urls.iter().all(|url| url.as_string().is_some_and(|url| !url.trim().is_empty()))
        {
            return Ok(input.clone());
        }
        return Err(argument_error(&format!(
            "params.input must be {EXPECTED_INPUT}, got an array that is not a non-empty list of URL strings"
        )));
    }
    if input.is_instance_of::<Blob>() {
        let upload = uploads::upload(transport, input, &JsValue::UNDEFINED).await?;
        return file_id_of(&upload).ok_or_else(|| argument_error("the upload response had no file_id"));
    }
    file_id_of(input).ok_or_else(|| {
        argument_error(&format!("params.{key} must be {EXPECTED_INPUT}, got {}", describe(input)))
    })
}

/// The `file_id` of an `Upload`-shaped object.
fn file_id_of(value: &JsValue) -> Option<JsValue> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &"file_id".into()).ok().filter(|id| id.as_string().is_some())
}
