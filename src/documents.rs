//! `client.parse`, `client.extract`, `client.split`: one document operation each, run at once
//! (`POST /parse`) or as a job (`POST /parse_async`). The three classes differ only in their
//! route and their TypeScript types, so one macro writes them.

use alloc::rc::Rc;

use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use crate::client::Inner;

macro_rules! document_resource {
    ($(#[$doc:meta])* $class:ident, $path:literal, $required:expr,
     $params:literal, $job_params:literal, $response:literal) => {
        $(#[$doc])*
        #[wasm_bindgen]
        pub struct $class {
            pub(crate) inner: Rc<Inner>,
        }

        #[wasm_bindgen]
        impl $class {
            /// Runs the operation and resolves with its result.
            #[wasm_bindgen(unchecked_return_type = $response)]
            pub fn run(
                &self,
                #[wasm_bindgen(unchecked_param_type = $params)] params: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
            ) -> Promise {
                self.inner.post($path, params, options, $required)
            }

            /// Starts the operation as a job; follow it with `client.job.wait(job_id)`.
            #[wasm_bindgen(js_name = runJob, unchecked_return_type = "Promise<AsyncJob>")]
            pub fn run_job(
                &self,
                #[wasm_bindgen(unchecked_param_type = $job_params)] params: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
            ) -> Promise {
                self.inner.post(concat!($path, "_async"), params, options, $required)
            }
        }
    };
}

document_resource!(
    /// The `client.parse` resource: text, blocks and boxes of a document.
    Parse, "/parse", &[], "ParseRunParams", "ParseRunJobParams", "Promise<ParseResponse>"
);
document_resource!(
    /// The `client.extract` resource: values for a JSON Schema.
    Extract, "/extract", &[], "ExtractRunParams", "ExtractRunJobParams", "Promise<ExtractResponse>"
);
document_resource!(
    /// The `client.split` resource: pages sorted into named sections.
    Split, "/split", &[("split_description", "a list of { name, description } categories")],
    "SplitRunParams", "SplitRunJobParams", "Promise<SplitResponse>"
);
