//! `client.webhook`: `run` asks the API where webhook deliveries are configured and seen
//! (`POST /configure_webhook`): Reducto's Svix portal, or reducto-local's page of deliveries.

use std::rc::Rc;

use gloo_net::http::Method;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::core::Inner;
use crate::transport::Call;

/// The `client.webhook` resource.
#[wasm_bindgen]
pub struct Webhook {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Webhook {
    /// Resolves with the URL of the page where webhooks are configured and deliveries listed.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        self.inner.call(Ok(Call::new(Method::POST, "/configure_webhook")), options)
    }
}
