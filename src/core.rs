//! What every resource group of one client shares (`Inner`: its transport and whether URL
//! results are fetched), the calls they all make through it, and `promise`, the one way an
//! async method becomes a JS Promise.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::input;
use crate::options::RequestOptions;
use crate::results;
use crate::transport::{Call, Transport};

/// What every resource of one client shares.
pub struct Inner {
    pub transport: Transport,
    /// `resolveUrlResults`: fetch parse results that come as a URL.
    pub resolve_url_results: bool,
}

impl Inner {
    /// Sends `call` (or rejects with the error of making it), as a Promise of the response's JSON.
    pub fn call(self: &Rc<Self>, call: Result<Call, JsValue>, options: JsValue) -> Promise {
        let inner = self.clone();
        promise(async move {
            let options = RequestOptions::read(&options)?;
            inner.send(&call?, &options).await
        })
    }

    /// Sends `call` and resolves with the response, its URL results fetched (see `results`).
    pub async fn send(&self, call: &Call, options: &RequestOptions) -> Result<JsValue, JsValue> {
        let response = self.transport.send(call, options).await?;
        if self.resolve_url_results {
            results::resolve(&self.transport, &response, options).await?;
        }
        Ok(response)
    }

    /// POSTs the caller's `params` to `path` as JSON, with their document (the field `key`:
    /// `input`, or an edit's `document_url`) resolved. `document` is what reading the params
    /// gave: the caller's value, or the argument error to reject with. The caller's object is
    /// sent as it is otherwise, so fields this client does not know pass.
    pub fn post(
        self: &Rc<Self>,
        path: &'static str,
        key: &'static str,
        params: JsValue,
        document: Result<JsValue, JsValue>,
        options: JsValue,
    ) -> Promise {
        let inner = self.clone();
        promise(async move {
            let options = RequestOptions::read(&options)?;
            let document = input::resolve(&inner.transport, &document?, key).await?;
            let body = Object::assign(&Object::new(), params.unchecked_ref());
            Reflect::set(&body, &key.into(), &document)?;
            inner.send(&Call::post_json(path, &body)?, &options).await
        })
    }
}

/// The Promise of `work`. Every async method goes through here, with its future boxed, so the
/// code that drives futures from JS is compiled once instead of once per method.
pub fn promise(work: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let work: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(work);
    future_to_promise(work)
}
