//! `client.parse`, `client.extract`, `client.split`, `client.classify`, `client.edit`: one
//! document operation each, run at once (`POST /parse`) or as a job (`POST /parse_async`). The
//! classes differ only in their route and their types, so one macro writes them.

use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::core::Inner;
use crate::params::{
    self, AsyncJobParams, ClassifyRunParams, DocumentParams, EditJobParams, EditRunParams, ExtractRunParams,
    ParseRunParams, SplitRunParams,
};

macro_rules! document_resource {
    ($(#[$doc:meta])* $class:ident, $path:literal, $params:ty, $job_params:ty, $params_name:literal, $job_params_name:literal, $response:literal) => {
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
                #[wasm_bindgen(unchecked_param_type = $params_name)] params: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
            ) -> Promise {
                let document = params::read::<$params, $job_params>(&params, false);
                self.inner.post($path, <$params as DocumentParams>::INPUT, params, document, options)
            }

            /// Starts the operation as a job; follow it with `client.job.wait(job_id)`.
            #[wasm_bindgen(js_name = runJob, unchecked_return_type = "Promise<AsyncJob>")]
            pub fn run_job(
                &self,
                #[wasm_bindgen(unchecked_param_type = $job_params_name)] params: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
            ) -> Promise {
                let document = params::read::<$params, $job_params>(&params, true);
                self.inner.post(concat!($path, "_async"), <$params as DocumentParams>::INPUT, params, document, options)
            }
        }
    };
}

document_resource!(
    /// The `client.parse` resource: text, blocks and boxes of a document.
    Parse, "/parse", ParseRunParams, AsyncJobParams, "ParseRunParams", "ParseRunParams & AsyncJobParams",
    "Promise<ParseResponse>"
);
document_resource!(
    /// The `client.extract` resource: values for a JSON Schema.
    Extract, "/extract", ExtractRunParams, AsyncJobParams, "ExtractRunParams",
    "ExtractRunParams & AsyncJobParams", "Promise<ExtractResponse>"
);
document_resource!(
    /// The `client.split` resource: pages sorted into named sections.
    Split, "/split", SplitRunParams, AsyncJobParams, "SplitRunParams", "SplitRunParams & AsyncJobParams",
    "Promise<SplitResponse>"
);
document_resource!(
    /// The `client.classify` resource: which of your categories a document is.
    Classify, "/classify", ClassifyRunParams, AsyncJobParams, "ClassifyRunParams",
    "ClassifyRunParams & AsyncJobParams", "Promise<ClassifyResponse>"
);
document_resource!(
    /// The `client.edit` resource: a PDF's form fields, filled.
    Edit, "/edit", EditRunParams, EditJobParams, "EditRunParams", "EditRunParams & EditJobParams",
    "Promise<EditResponse>"
);
