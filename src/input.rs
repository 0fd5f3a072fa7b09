//! Turns a caller's params into a request body: checks the required fields, and resolves
//! `input` the way the API takes it (URL strings stay, an `Upload` becomes its `file_id`, a
//! `File`/`Blob` is uploaded first). Every other field passes through untouched, so options
//! the API adds later work without a new release.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Blob;

use crate::args::{describe, Args};
use crate::errors::argument_error;
use crate::transport::Transport;
use crate::uploads;

const EXPECTED_INPUT: &str = "a URL string, an array of URL strings, an Upload or a File/Blob";

/// The JSON body for `params`, after checking it has each `(field, what to pass)` of `required`.
pub async fn request_body(
    transport: &Transport,
    params: &JsValue,
    required: &[(&str, &str)],
) -> Result<JsValue, JsValue> {
    let args = Args::new(params, "params")?;
    for (key, hint) in [("input", EXPECTED_INPUT)].iter().chain(required) {
        match args.get(key) {
            None => return Err(argument_error(text!("params.", key, " is required: pass ", hint))),
            Some(value) if value.as_string().is_some_and(|text| text.trim_ascii().is_empty()) => {
                return Err(argument_error(text!("params.", key, " must not be empty: pass ", hint)))
            }
            Some(_) => {}
        }
    }
    if let Some(pipeline_id) = args.get("pipeline_id").filter(|id| id.as_string().is_none()) {
        return Err(args.wrong_type("pipeline_id", "a string", &pipeline_id));
    }
    let input = resolve_input(transport, &args.get("input").unwrap_or_default()).await?;
    let body = Object::assign(&Object::new(), params.unchecked_ref());
    Reflect::set(&body, &"input".into(), &input)?;
    Ok(body.into())
}

async fn resolve_input(transport: &Transport, input: &JsValue) -> Result<JsValue, JsValue> {
    if input.as_string().is_some_and(|url| !url.trim_ascii().is_empty()) {
        return Ok(input.clone());
    }
    if Array::is_array(input) {
        let urls = Array::from(input);
        if urls.length() > 0 && urls.iter().all(|url| url.as_string().is_some()) {
            return Ok(input.clone());
        }
        return Err(argument_error(text!(
            "params.input must be ",
            EXPECTED_INPUT,
            ", got an array that is not a non-empty list of strings"
        )));
    }
    if input.is_instance_of::<Blob>() {
        let upload = uploads::upload(transport, input, &JsValue::UNDEFINED).await?;
        return file_id_of(&upload).ok_or_else(|| argument_error("the upload response had no file_id"));
    }
    file_id_of(input).ok_or_else(|| {
        argument_error(text!("params.input must be ", EXPECTED_INPUT, ", got ", describe(input)))
    })
}

/// The `file_id` of an `Upload`-shaped object.
fn file_id_of(value: &JsValue) -> Option<JsValue> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &"file_id".into()).ok().filter(|id| id.as_string().is_some())
}
