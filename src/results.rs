//! Parse results too large to send inline come as `{type: "url", url, result_id}`. Unless the
//! client was made with `resolveUrlResults: false`, each is fetched and put in its place, so a
//! caller always gets the full result. This covers a `ParseResponse` (`parse.run`), each parse
//! of a `PipelineResponse` (`pipeline.run`), and the `result` of a job (`job.get`, `job.wait`).
//!
//! The URL is a capability, like a presigned one: it is fetched with the caller's signal and
//! timeout, through the one transport, and never with the API key or the client's headers.

use gloo_net::http::Method;
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use crate::options::RequestOptions;
use crate::transport::{Call, Target, Transport};

/// Replaces every URL result inside `response` with the result it points to.
pub async fn resolve(
    transport: &Transport,
    response: &JsValue,
    options: &RequestOptions,
) -> Result<(), JsValue> {
    for parse in parses(response) {
        let result = field(&parse, "result");
        if field(&result, "type").as_string().as_deref() != Some("url") {
            continue;
        }
        let Some(url) = field(&result, "url").as_string() else { continue };
        let call = Call { target: Target::Capability(url), ..Call::new(Method::GET, "") };
        let full = transport.send(&call, options).await?;
        Reflect::set(&parse, &"result".into(), &full)?;
    }
    Ok(())
}

/// The `ParseResponse`s in a response: itself, a pipeline's `result.parse` (one or a list),
/// or those of a job's `result`.
fn parses(response: &JsValue) -> Vec<JsValue> {
    let kind = field(response, "response_type").as_string();
    match kind.as_deref() {
        Some("parse") => vec![response.clone()],
        Some("pipeline") => {
            let parse = field(&field(response, "result"), "parse");
            if Array::is_array(&parse) {
                Array::from(&parse).to_vec()
            } else if parse.is_object() {
                vec![parse]
            } else {
                Vec::new()
            }
        }
        // A job: `{status, result}`.
        _ if field(response, "status").is_string() => parses(&field(response, "result")),
        _ => Vec::new(),
    }
}

fn field(value: &JsValue, key: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(value, &key.into()).unwrap_or_default()
}
