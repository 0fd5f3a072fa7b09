//! `client.pipeline`: run a deployed pipeline by its Pipeline ID (`POST /pipeline`, `POST
//! /pipeline_async`). The configuration lives on the server under the ID, so redeploying changes
//! what every caller gets with no code change.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::core::Inner;
use crate::params::{self, AsyncJobParams, PipelineRunParams};

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
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let input = params::read::<PipelineRunParams, AsyncJobParams>(&params, false);
        self.inner.post("/pipeline", "input", params, input, options)
    }

    /// Starts the deployed pipeline as a job; follow it with `client.job.wait(job_id)`.
    #[wasm_bindgen(js_name = runJob, unchecked_return_type = "Promise<AsyncJob>")]
    pub fn run_job(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PipelineRunParams & AsyncJobParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let input = params::read::<PipelineRunParams, AsyncJobParams>(&params, true);
        self.inner.post("/pipeline_async", "input", params, input, options)
    }
}
