//! The exported `Reducto` class: checks its options once, then hands out the resource groups
//! (`pipeline`, `parse`, `extract`, `split`, `job`), which share one transport.

use alloc::boxed::Box;
use alloc::rc::Rc;
use core::future::Future;
use core::pin::Pin;

use js_sys::futures::future_to_promise;
use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use crate::args::Args;
use crate::config::{
    is_reducto_host, resolve_base_url, ClientConfig, Environment, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS,
};
use crate::documents::{Extract, Parse, Split};
use crate::errors::argument_error;
use crate::input;
use crate::jobs::Job;
use crate::pipeline::Pipeline;
use crate::platform;
use crate::transport::{Call, RequestOptions, Transport};
use crate::uploads;

/// What every resource of one client shares.
pub struct Inner {
    pub transport: Transport,
}

impl Inner {
    /// Sends `call` (or rejects with its argument error), as a Promise of the response's JSON.
    pub fn call(self: &Rc<Self>, options: Option<Object>, call: Result<Call, JsValue>) -> Promise {
        self.send(options, Request::Ready(call))
    }

    /// POSTs `params` as JSON to `path`, once `input` is resolved and `required` fields checked.
    pub fn post(
        self: &Rc<Self>,
        path: &'static str,
        params: JsValue,
        options: Option<Object>,
        required: &'static [(&'static str, &'static str)],
    ) -> Promise {
        self.send(options, Request::Post { path, params, required })
    }

    // One async path for both, so its code exists once in the module.
    fn send(self: &Rc<Self>, options: Option<Object>, request: Request) -> Promise {
        let inner = self.clone();
        promise(async move {
            let options = request_options(options)?;
            let call = match request {
                Request::Ready(call) => call?,
                Request::Post { path, params, required } => {
                    let body = input::request_body(&inner.transport, &params, required).await?;
                    Call::post_json(path, &body)?
                }
            };
            inner.transport.send(&call, &options).await
        })
    }
}

/// What a method asks of the API: a call ready to send, or a POST of the caller's params.
enum Request {
    Ready(Result<Call, JsValue>),
    Post { path: &'static str, params: JsValue, required: &'static [(&'static str, &'static str)] },
}

/// The Promise of `work`. Every async method goes through here, boxed, so the code that drives
/// futures from JS exists once in the module instead of once per method.
pub fn promise(work: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let work: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(work);
    future_to_promise(work)
}

fn request_options(options: Option<Object>) -> Result<RequestOptions, JsValue> {
    RequestOptions::from_args(&Args::new(&options.map(JsValue::from).unwrap_or_default(), "options")?)
}

/// A client of the Reducto API: Reducto's cloud, or any server that speaks its REST API
/// (such as `reducto-local`).
#[wasm_bindgen]
pub struct Reducto {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Reducto {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ReductoOptions")] options: Option<Object>,
    ) -> Result<Reducto, JsValue> {
        let options = options.map(JsValue::from).unwrap_or_default();
        let config = client_config(&Args::new(&options, "options")?)?;
        Ok(Reducto { inner: Rc::new(Inner { transport: Transport::new(config) }) })
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

    /// Follow, list, cancel and wait for jobs.
    #[wasm_bindgen(getter)]
    pub fn job(&self) -> Job {
        Job { inner: self.inner.clone() }
    }

    /// Uploads a document and resolves with its `reducto://` id, to pass as `input`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Upload>")]
    pub fn upload(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uploadable")] file: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UploadOptions")] options: Option<Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        let options = options.map(JsValue::from).unwrap_or_default();
        promise(async move { uploads::upload(&inner.transport, &file, &options).await })
    }

    /// The version string of the API server (`GET /version`).
    #[wasm_bindgen(js_name = apiVersion, unchecked_return_type = "Promise<string>")]
    pub fn api_version(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: Option<Object>,
    ) -> Promise {
        self.inner.call(options, Ok(Call::new("GET", "/version")))
    }
}

fn client_config(args: &Args) -> Result<ClientConfig, JsValue> {
    let environment = match args.string("environment")? {
        None => None,
        Some(name) => Some(Environment::parse(&name).ok_or_else(|| {
            argument_error(text!(
                "options.environment must be \"production\", \"eu\" or \"au\", got \"",
                name,
                "\""
            ))
        })?),
    };
    // As the official SDKs do, Node.js scripts may leave both to the environment.
    let base_url = args.string("baseURL")?.or_else(|| platform::environment_variable("REDUCTO_BASE_URL"));
    let base_url = resolve_base_url(base_url.as_deref(), environment);
    let api_key = args
        .string("apiKey")?
        .or_else(|| platform::environment_variable("REDUCTO_API_KEY"))
        .filter(|key| !key.is_empty());
    let allowed_in_browser = args.bool("dangerouslyAllowBrowser")? == Some(true);
    if api_key.is_some() && platform::in_page() && is_reducto_host(&base_url) && !allowed_in_browser {
        return Err(argument_error(
            "options.apiKey would be readable by anyone who opens this page: in a browser, call Reducto's \
             cloud through your own backend or proxy (options.baseURL), or set options.dangerouslyAllowBrowser \
             to true if you understand the risk",
        ));
    }
    Ok(ClientConfig {
        base_url,
        api_key,
        timeout_ms: args.non_negative_number("timeout")?.unwrap_or(DEFAULT_TIMEOUT_MS),
        max_retries: args.non_negative_number("maxRetries")?.map_or(DEFAULT_MAX_RETRIES, |n| n as u32),
        default_headers: args.string_map("defaultHeaders")?,
    })
}
