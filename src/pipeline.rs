//! `client.pipeline`: run a deployed pipeline by its Pipeline ID (`POST /pipeline`).
//!
//! The configuration lives on the server under the ID, so redeploying changes what every
//! caller gets with no code change. A `File`/`Blob` input is uploaded first, then run.

use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Blob;

use crate::args::{describe, Args};
use crate::client::Inner;
use crate::errors::argument_error;
use crate::transport::{Call, RequestOptions};
use crate::uploads;

/// The `client.pipeline` resource.
#[wasm_bindgen]
pub struct Pipeline {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Pipeline {
    /// Runs the deployed version of `pipeline_id` on `input` and resolves with its result.
    #[wasm_bindgen(unchecked_return_type = "Promise<PipelineResponse>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineRunParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let options = options.map(JsValue::from).unwrap_or_default();
            let request_options = RequestOptions::from_args(&Args::new(&options, "options")?)?;
            let body = request_body(&inner, &params).await?;
            inner.transport.send(&Call::post_json("/pipeline", &body)?, &request_options).await
        })
    }
}

/// The JSON body of a run, after checking the params and uploading a file input.
async fn request_body(inner: &Inner, params: &JsValue) -> Result<JsValue, JsValue> {
    let args = Args::new(params, "params")?;
    let pipeline_id = args.string("pipeline_id")?.filter(|id| !id.trim().is_empty()).ok_or_else(|| {
        argument_error(
            "params.pipeline_id is required: pass the Pipeline ID shown by the Studio after Deploy",
        )
    })?;
    let input = resolve_input(inner, args.get("input")).await?;

    let body = Object::new();
    Reflect::set(&body, &"input".into(), &input)?;
    Reflect::set(&body, &"pipeline_id".into(), &pipeline_id.into())?;
    if let Some(settings) = args.get("settings") {
        Args::new(&settings, "params.settings")?;
        Reflect::set(&body, &"settings".into(), &settings)?;
    }
    Ok(body.into())
}

/// `input` as the API takes it: URL strings stay, an `Upload` becomes its `file_id`, and a
/// `File`/`Blob` is uploaded first.
async fn resolve_input(inner: &Inner, input: Option<JsValue>) -> Result<JsValue, JsValue> {
    const EXPECTED: &str = "a URL string, an array of URL strings, an Upload or a File/Blob";
    let Some(input) = input else {
        return Err(argument_error(format!("params.input is required: pass {EXPECTED}")));
    };
    if input.as_string().is_some_and(|url| !url.trim().is_empty()) {
        return Ok(input);
    }
    if Array::is_array(&input) {
        let urls = Array::from(&input);
        if urls.length() > 0 && urls.iter().all(|url| url.as_string().is_some()) {
            return Ok(input);
        }
        return Err(argument_error(format!(
            "params.input must be {EXPECTED}, got an array that is not a non-empty list of strings"
        )));
    }
    if input.is_instance_of::<Blob>() {
        let upload = uploads::upload(&inner.transport, &input, &JsValue::UNDEFINED).await?;
        return file_id_of(&upload).ok_or_else(|| argument_error("the upload response had no file_id"));
    }
    if let Some(file_id) = file_id_of(&input) {
        return Ok(file_id);
    }
    Err(argument_error(format!("params.input must be {EXPECTED}, got {}", describe(&input))))
}

/// The `file_id` of an `Upload`-shaped object.
fn file_id_of(value: &JsValue) -> Option<JsValue> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &"file_id".into()).ok().filter(|id| id.as_string().is_some())
}
