//! The one error mapper: which error class a failure becomes and what its message says.
//!
//! The decisions are plain Rust (unit-tested natively); the classes themselves live in
//! `js/errors.js`, because only a JS class can extend `Error` with a working `instanceof` and
//! `.stack`. Rust names the class it wants, and the JS side makes it.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    fn create_error(
        name: &str,
        message: &str,
        status: Option<u16>,
        headers: &JsValue,
        body: &JsValue,
    ) -> JsValue;

    #[wasm_bindgen(js_name = createJobFailedError)]
    fn create_job_failed_error(message: &str, job_id: &str, reason: &str) -> JsValue;

    #[wasm_bindgen(js_name = createJobWaitTimeoutError)]
    fn create_job_wait_timeout_error(message: &str, job_id: &str) -> JsValue;
}

/// The exported error classes that a failure can become (a job's errors, which carry its id,
/// have their own makers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// The class's exported name, which is also its key in `js/errors.js`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Reducto => "ReductoError",
            Self::Api => "APIError",
            Self::BadRequest => "BadRequestError",
            Self::Authentication => "AuthenticationError",
            Self::PermissionDenied => "PermissionDeniedError",
            Self::NotFound => "NotFoundError",
            Self::Conflict => "ConflictError",
            Self::UnprocessableEntity => "UnprocessableEntityError",
            Self::RateLimit => "RateLimitError",
            Self::InternalServer => "InternalServerError",
            Self::Connection => "APIConnectionError",
            Self::ConnectionTimeout => "APIConnectionTimeoutError",
            Self::UserAbort => "APIUserAbortError",
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
            let problems: Vec<String> = problems
                .iter()
                .map(|(loc, msg)| if loc.is_empty() { msg.clone() } else { format!("{loc}: {msg}") })
                .collect();
            format!("Invalid request: {}", problems.join("; "))
        }
        Detail::Unstructured { content_type, snippet } => {
            let status_line = format!("{status} {status_text}");
            let status_line = status_line.trim();
            match (snippet.trim(), content_type.as_str()) {
                ("", _) => format!("{status_line} (empty response body)"),
                (text, "") => format!("{status_line}: {text}"),
                (text, kind) => format!("{status_line} ({kind}): {text}"),
            }
        }
    }
}

/// At most `max_chars` characters of `text`, for quoting a body in a message.
pub fn snippet(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// An error thrown without a response: bad arguments, timeouts, aborts, connection failures.
pub fn reducto_error(class: ErrorClass, message: &str) -> JsValue {
    create_error(class.name(), message, None, &JsValue::UNDEFINED, &JsValue::UNDEFINED)
}

/// A `ReductoError` for a bad argument; `message` names the argument.
pub fn argument_error(message: &str) -> JsValue {
    reducto_error(ErrorClass::Reducto, message)
}

/// A job that ended in `Failed`, with the server's reason.
pub fn job_failed_error(job_id: &str, reason: &str) -> JsValue {
    create_job_failed_error(&format!("Job {job_id} failed: {reason}"), job_id, reason)
}

/// `job.wait` gave up on job `job_id` after `timeout` (as the caller wrote it, in ms).
pub fn job_wait_timeout_error(job_id: &str, timeout: &str) -> JsValue {
    let message = format!(
        "job.wait gave up after {timeout} ms (options.timeout): job {job_id} is still running on the server"
    );
    create_job_wait_timeout_error(&message, job_id)
}

/// The error for an HTTP error response.
pub fn api_error(status: u16, message: &str, headers: &JsValue, body: &JsValue) -> JsValue {
    create_error(ErrorClass::for_status(status).name(), message, Some(status), headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_sdk_classes() {
        let cases = [
            (400, "BadRequestError"),
            (401, "AuthenticationError"),
            (403, "PermissionDeniedError"),
            (404, "NotFoundError"),
            (409, "ConflictError"),
            (422, "UnprocessableEntityError"),
            (429, "RateLimitError"),
            (500, "InternalServerError"),
            (503, "InternalServerError"),
            (418, "APIError"),
        ];
        for (status, name) in cases {
            assert_eq!(ErrorClass::for_status(status).name(), name, "{status}");
        }
    }

    #[test]
    fn every_class_is_named_as_js_errors_exports_it() {
        let js = include_str!("../js/errors.js");
        for class in [
            ErrorClass::Reducto,
            ErrorClass::Api,
            ErrorClass::BadRequest,
            ErrorClass::Authentication,
            ErrorClass::PermissionDenied,
            ErrorClass::NotFound,
            ErrorClass::Conflict,
            ErrorClass::UnprocessableEntity,
            ErrorClass::RateLimit,
            ErrorClass::InternalServer,
            ErrorClass::Connection,
            ErrorClass::ConnectionTimeout,
            ErrorClass::UserAbort,
        ] {
            assert!(js.contains(&format!("export class {} ", class.name())), "{class:?}");
        }
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

    #[test]
    fn snippets_cut_at_characters_not_bytes() {
        assert_eq!(snippet("研究開発", 2), "研究");
        assert_eq!(snippet("short", 200), "short");
    }
}
