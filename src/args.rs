//! Reading and checking the plain JS objects callers pass in (options, params).
//!
//! TypeScript catches most mistakes at compile time, but JS callers and `as any` exist: every
//! wrong type becomes a `ReductoError` whose message names the argument, before any request.

use alloc::{string::String, vec::Vec};

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::errors::argument_error;

/// A caller's options object; `undefined` and `null` read as "no options".
pub struct Args {
    object: Option<Object>,
    /// How the object is named in messages, e.g. "options" or "params".
    name: &'static str,
}

impl Args {
    pub fn new(value: &JsValue, name: &'static str) -> Result<Self, JsValue> {
        if value.is_undefined() || value.is_null() {
            return Ok(Self { object: None, name });
        }
        match value.dyn_ref::<Object>() {
            Some(object) if !value.is_function() && !js_sys::Array::is_array(value) => {
                Ok(Self { object: Some(object.clone()), name })
            }
            _ => Err(argument_error(text!(name, " must be an object, got ", describe(value)))),
        }
    }

    /// The raw value of `key`, or `None` when absent, `undefined` or `null`.
    pub fn get(&self, key: &str) -> Option<JsValue> {
        let value = Reflect::get(self.object.as_ref()?, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        self.get(key)
            .map(|value| value.as_string().ok_or_else(|| self.wrong_type(key, "a string", &value)))
            .transpose()
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, JsValue> {
        self.get(key)
            .map(|value| value.as_bool().ok_or_else(|| self.wrong_type(key, "a boolean", &value)))
            .transpose()
    }

    pub fn abort_signal(&self, key: &str) -> Result<Option<AbortSignal>, JsValue> {
        self.get(key)
            .map(|value| {
                value.dyn_into::<AbortSignal>().map_err(|v| self.wrong_type(key, "an AbortSignal", &v))
            })
            .transpose()
    }

    /// A function, such as a progress callback.
    pub fn function(&self, key: &str) -> Result<Option<Function>, JsValue> {
        self.get(key)
            .map(|value| value.dyn_into::<Function>().map_err(|v| self.wrong_type(key, "a function", &v)))
            .transpose()
    }

    /// A finite, non-negative number, such as a timeout in ms or a retry count.
    pub fn non_negative_number(&self, key: &str) -> Result<Option<f64>, JsValue> {
        let Some(value) = self.get(key) else { return Ok(None) };
        match value.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 => Ok(Some(n)),
            _ => Err(self.wrong_type(key, "a finite number ≥ 0", &value)),
        }
    }

    /// A `Record<string, string>`, such as extra headers.
    pub fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, JsValue> {
        let Some(value) = self.get(key) else { return Ok(Vec::new()) };
        let Some(object) = value.dyn_ref::<Object>().filter(|_| !js_sys::Array::is_array(&value)) else {
            return Err(self.wrong_type(key, "an object of strings", &value));
        };
        let mut map = Vec::new();
        for entry in Object::entries(object).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            let Some(text) = pair.get(1).as_string() else {
                return Err(argument_error(text!(self.name, ".", key, "[\"", name, "\"] must be a string")));
            };
            map.push((name, text));
        }
        Ok(map)
    }

    pub fn wrong_type(&self, key: &str, expected: &str, value: &JsValue) -> JsValue {
        argument_error(text!(self.name, ".", key, " must be ", expected, ", got ", describe(value)))
    }
}

/// A short description of a JS value for error messages ("a number (42)", "an array").
pub fn describe(value: &JsValue) -> String {
    if value.as_f64().is_some() {
        text!("a number (", plain_text(value), ")")
    } else if let Some(b) = value.as_bool() {
        text!("a boolean (", if b { "true" } else { "false" }, ")")
    } else if let Some(text) = value.as_string() {
        text!("a string (\"", text, "\")")
    } else if value.is_null() {
        "null".into()
    } else if value.is_undefined() {
        "undefined".into()
    } else if js_sys::Array::is_array(value) {
        "an array".into()
    } else if value.is_function() {
        "a function".into()
    } else {
        "an object".into()
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `String(value)`, as JS would print it: numbers without Rust's float formatting code.
    #[wasm_bindgen(js_name = String)]
    pub fn plain_text(value: &JsValue) -> String;
}
