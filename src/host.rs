//! What the JS host offers, looked up when it matters, so one module runs in pages, workers
//! and Node.js: environment variables (Node.js), whether this is a page, whether
//! XMLHttpRequest exists.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap_or_default()
}

/// `process.env[name]` in Node.js when it is set and not empty; `None` elsewhere.
pub fn environment_variable(name: &str) -> Option<String> {
    let process = global("process");
    if !process.is_object() {
        return None;
    }
    let env = Reflect::get(&process, &"env".into()).ok().filter(JsValue::is_object)?;
    Reflect::get(&env, &name.into()).ok()?.as_string().filter(|value| !value.is_empty())
}

/// True in a page (a `document` exists); false in Node.js and workers, where a key stays private.
pub fn in_page() -> bool {
    global("document").is_object()
}

/// Browsers have it; Node.js does not.
pub fn has_xml_http_request() -> bool {
    global("XMLHttpRequest").is_function()
}
