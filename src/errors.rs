//! The one error mapper: which error class a failure becomes and what its message says.
//!
//! The decisions are plain Rust (unit-tested natively); the classes themselves live in
//! `js/errors.js` so that `instanceof` and `.stack` work as JS developers expect.

use alloc::{string::String, vec::Vec};

use wasm_bindgen::prelude::*;

use crate::ascii;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    fn create_error(
        class: u8,
        message: &str,
        status: Option<u16>,
        headers: &JsValue,
        body: &JsValue,
    ) -> JsValue;

    #[wasm_bindgen(js_name = createJobFailedError)]
    fn create_job_failed_error(message: &str, job_id: &str, reason: &str) -> JsValue;
}

/// The exported error classes, in the order of `classes` in `js/errors.js`, which makes them
/// from this number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ErrorClass {
    Reducto,
    Api,
    BadRequest,
    Authentication,
    PermissionDenied,
    NotFound,
    Conflict,
    UnprocessableEntity,
    RateLimit,
    InternalServer,
    Connection,
    ConnectionTimeout,
    UserAbort,
}

impl ErrorClass {
    /// The class an HTTP error status maps to, as in the official SDKs.
    pub fn for_status(status: u16) -> Self {
        match status {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimit,
            s if s >= 500 => Self::InternalServer,
            _ => Self::Api,
        }
    }
}

/// What the server said in an error body.
#[derive(Debug, PartialEq)]
pub enum Detail {
    /// `{"detail": "…"}`
    Text(String),
    /// FastAPI's 422 shape: `{"detail": [{"loc": […], "msg": "…"}]}`, as (location, message).
    Validation(Vec<(String, String)>),
    /// Anything else, e.g. the HTML page of a proxy: its content type and first characters.
    Unstructured { content_type: String, snippet: String },
}

/// The `message` of an API error: the server's own words when it gave any.
pub fn api_message(status: u16, status_text: &str, detail: &Detail) -> String {
    match detail {
        Detail::Text(text) => text.clone(),
        Detail::Validation(problems) => {
            let parts: Vec<String> = problems
                .iter()
                .map(|(loc, msg)| if loc.is_empty() { msg.clone() } else { text!(loc, ": ", msg) })
                .collect();
            text!("Invalid request: ", join(&parts, "; "))
        }
        Detail::Unstructured { content_type, snippet } => {
            let status_line = text!(number_text(status.into()), " ", status_text);
            let status_line = status_line.trim_ascii();
            match (snippet.trim_ascii(), content_type.as_str()) {
                ("", _) => text!(status_line, " (empty response body)"),
                (text, "") => text!(status_line, ": ", text),
                (text, kind) => text!(status_line, " (", kind, "): ", text),
            }
        }
    }
}

/// `parts` with `separator` between them.
pub fn join(parts: &[String], separator: &str) -> String {
    let mut joined = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            joined.push_str(separator);
        }
        joined.push_str(part);
    }
    joined
}

/// A whole number in decimal, for messages.
pub fn number_text(n: u64) -> String {
    let mut text = if n >= 10 { number_text(n / 10) } else { String::new() };
    let digit = (n % 10) as usize;
    text.push_str(ascii::DIGITS.get(digit..=digit).unwrap_or_default());
    text
}

/// An error thrown for bad arguments or local failures, before or without a response.
pub fn reducto_error(class: ErrorClass, message: &str) -> JsValue {
    create_error(class as u8, message, None, &JsValue::UNDEFINED, &JsValue::UNDEFINED)
}

/// A `ReductoError` for a bad argument; `message` names the argument.
pub fn argument_error(message: impl AsRef<str>) -> JsValue {
    reducto_error(ErrorClass::Reducto, message.as_ref())
}

/// A job that ended in `Failed`, with the server's reason.
pub fn job_failed_error(message: &str, job_id: &str, reason: &str) -> JsValue {
    create_job_failed_error(message, job_id, reason)
}

/// The error for an HTTP error response.
pub fn api_error(status: u16, message: &str, headers: &JsValue, body: &JsValue) -> JsValue {
    create_error(ErrorClass::for_status(status) as u8, message, Some(status), headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_sdk_classes() {
        assert_eq!(ErrorClass::for_status(400), ErrorClass::BadRequest);
        assert_eq!(ErrorClass::for_status(401), ErrorClass::Authentication);
        assert_eq!(ErrorClass::for_status(403), ErrorClass::PermissionDenied);
        assert_eq!(ErrorClass::for_status(404), ErrorClass::NotFound);
        assert_eq!(ErrorClass::for_status(409), ErrorClass::Conflict);
        assert_eq!(ErrorClass::for_status(422), ErrorClass::UnprocessableEntity);
        assert_eq!(ErrorClass::for_status(429), ErrorClass::RateLimit);
        assert_eq!(ErrorClass::for_status(500), ErrorClass::InternalServer);
        assert_eq!(ErrorClass::for_status(503), ErrorClass::InternalServer);
        assert_eq!(ErrorClass::for_status(418), ErrorClass::Api);
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        assert_eq!(number_text(0), "0");
        assert_eq!(number_text(502), "502");
        assert_eq!(number_text(3_600_000), "3600000");
    }

    #[test]
    fn the_servers_detail_is_the_message() {
        let detail = Detail::Text("Pipeline 'abc' not found".into());
        assert_eq!(api_message(404, "Not Found", &detail), "Pipeline 'abc' not found");
    }

    #[test]
    fn validation_errors_name_each_field() {
        let detail = Detail::Validation(vec![
            ("body.pipeline_id".into(), "Field required".into()),
            ("".into(), "Bad things".into()),
        ]);
        assert_eq!(
            api_message(422, "Unprocessable Entity", &detail),
            "Invalid request: body.pipeline_id: Field required; Bad things"
        );
    }

    #[test]
    fn a_proxy_page_still_gives_a_clear_message() {
        let detail = Detail::Unstructured {
            content_type: "text/html".into(),
            snippet: "<html>Bad gateway</html>".into(),
        };
        assert_eq!(
            api_message(502, "Bad Gateway", &detail),
            "502 Bad Gateway (text/html): <html>Bad gateway</html>"
        );
        let empty = Detail::Unstructured { content_type: String::new(), snippet: String::new() };
        assert_eq!(api_message(500, "", &empty), "500 (empty response body)");
    }
}
