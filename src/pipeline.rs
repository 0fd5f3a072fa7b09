//! `client.pipeline`: run a deployed pipeline by its Pipeline ID (`POST /pipeline`, `POST
//! /pipeline_async`). The configuration lives on the server under the ID, so redeploying changes
//! what every caller gets with no code change.

use alloc::rc::Rc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use crate::client::Inner;

const PIPELINE_ID: &[(&str, &str)] = &[("pipeline_id", "the Pipeline ID shown by the Studio after Deploy")];

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
    ) -> Promise {
        self.inner.post("/pipeline", params, options, PIPELINE_ID)
    }

    /// Starts the deployed pipeline as a job; follow it with `client.job.wait(job_id)`.
    #[wasm_bindgen(js_name = runJob, unchecked_return_type = "Promise<AsyncJob>")]
    pub fn run_job(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineRunJobParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
    ) -> Promise {
        self.inner.post("/pipeline_async", params, options, PIPELINE_ID)
    }
}
