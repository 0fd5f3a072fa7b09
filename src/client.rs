//! The exported `Reducto` class: reads its options once, then hands out the resource groups
//! (`pipeline`, `parse`, `extract`, `split`, `classify`, `edit`, `job`, `webhook`), which share
//! one transport.

use std::rc::Rc;

use gloo_net::http::Method;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::args;
use crate::config::{
    is_reducto_host, resolve_base_url, ClientConfig, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS,
};
use crate::core::{promise, Inner};
use crate::documents::{Classify, Edit, Extract, Parse, Split};
use crate::errors::argument_error;
use crate::host;
use crate::jobs::Job;
use crate::options::{non_negative, ReductoOptions};
use crate::pipeline::Pipeline;
use crate::transport::{Call, Transport};
use crate::uploads;
use crate::webhook::Webhook;

/// A client of the Reducto API: Reducto's cloud, or another server that speaks its REST API
/// (such as `reducto-local`).
#[wasm_bindgen]
pub struct Reducto {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Reducto {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ReductoOptions")] options: JsValue,
    ) -> Result<Reducto, JsValue> {
        let options: ReductoOptions = args::read(&options, "options")?;
        let resolve_url_results = options.resolve_url_results != Some(false);
        let config = client_config(options)?;
        Ok(Reducto { inner: Rc::new(Inner { transport: Transport::new(config), resolve_url_results }) })
    }

    /// Run deployed pipelines by Pipeline ID.
    #[wasm_bindgen(getter)]
    pub fn pipeline(&self) -> Pipeline {
        Pipeline { inner: self.inner.clone() }
    }

    /// Parse a document into text, blocks and boxes.
    #[wasm_bindgen(getter)]
    pub fn parse(&self) -> Parse {
        Parse { inner: self.inner.clone() }
    }

    /// Extract values for a JSON Schema.
    #[wasm_bindgen(getter)]
    pub fn extract(&self) -> Extract {
        Extract { inner: self.inner.clone() }
    }

    /// Split a document into named sections.
    #[wasm_bindgen(getter)]
    pub fn split(&self) -> Split {
        Split { inner: self.inner.clone() }
    }

    /// Sort a document into one of your categories.
    #[wasm_bindgen(getter)]
    pub fn classify(&self) -> Classify {
        Classify { inner: self.inner.clone() }
    }

    /// Fill a PDF's form fields.
    #[wasm_bindgen(getter)]
    pub fn edit(&self) -> Edit {
        Edit { inner: self.inner.clone() }
    }

    /// Where webhook deliveries are configured and seen.
    #[wasm_bindgen(getter)]
    pub fn webhook(&self) -> Webhook {
        Webhook { inner: self.inner.clone() }
    }

    /// Follow, list, cancel, delete and wait for jobs.
    #[wasm_bindgen(getter)]
    pub fn job(&self) -> Job {
        Job { inner: self.inner.clone() }
    }

    /// Uploads a document and resolves with its `reducto://` id, to pass as `input`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Upload>")]
    pub fn upload(
        &self,
        #[wasm_bindgen(unchecked_param_type = "File | Blob | ArrayBuffer | ArrayBufferView")] file: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions & UploadOptions")] options: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(async move { uploads::upload(&inner.transport, &file, &options).await })
    }

    /// Deletes an uploaded file (`DELETE /upload/{file_id}`); later use of its id is a 404.
    #[wasm_bindgen(js_name = deleteUpload, unchecked_return_type = "Promise<unknown>")]
    pub fn delete_upload(
        &self,
        #[wasm_bindgen(js_name = fileId, unchecked_param_type = "string | Upload")] file_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.inner.call(uploads::delete_call(&file_id), options)
    }

    /// The version string of the API server (`GET /version`).
    #[wasm_bindgen(js_name = apiVersion, unchecked_return_type = "Promise<string>")]
    pub fn api_version(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.inner.call(Ok(Call::new(Method::GET, "/version")), options)
    }
}

fn client_config(options: ReductoOptions) -> Result<ClientConfig, JsValue> {
    // As the official SDKs do, Node.js scripts may leave both to the environment.
    let base_url = options.base_url.or_else(|| host::environment_variable("REDUCTO_BASE_URL"));
    let base_url = resolve_base_url(base_url.as_deref(), options.environment);
    let api_key = options
        .api_key
        .or_else(|| host::environment_variable("REDUCTO_API_KEY"))
        .filter(|key| !key.is_empty());
    let timeout_ms = non_negative("options.timeout", options.timeout)?.unwrap_or(DEFAULT_TIMEOUT_MS);
    if api_key.is_none() && is_reducto_host(&base_url) {
        return Err(argument_error(&format!(
            "options.apiKey is missing, and Reducto's cloud ({base_url}) needs one: pass {{ apiKey }} \
             (or set REDUCTO_API_KEY in Node.js), or point options.baseURL at your own server or proxy"
        )));
    }
    let allowed_in_browser = options.dangerously_allow_browser == Some(true);
    if api_key.is_some() && host::in_page() && is_reducto_host(&base_url) && !allowed_in_browser {
        return Err(argument_error(
            "options.apiKey would be readable by anyone who opens this page: in a browser, call Reducto's \
             cloud through your own backend or proxy (options.baseURL), or set options.dangerouslyAllowBrowser \
             to true if you understand the risk",
        ));
    }
    Ok(ClientConfig {
        base_url,
        api_key,
        timeout_ms,
        max_retries: options.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        default_headers: options.default_headers,
    })
}
