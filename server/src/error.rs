//! The one error type every handler returns, rendered in the shapes Reducto's API uses:
//! `{"detail": "..."}` for ordinary errors and FastAPI's `{"detail": [{loc, msg, type}]}` for
//! request validation (422). Internal errors are logged to stderr with their cause and sent
//! with a generic detail only, so paths and SQL never leak to callers.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// One FastAPI `ValidationError`: where (`loc`), what (`msg`) and a machine-readable `type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationError {
    pub loc: Vec<Loc>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// A `loc` element: an object key or an array index, as FastAPI writes them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Loc {
    Key(String),
    Index(usize),
}

impl From<&str> for Loc {
    fn from(key: &str) -> Self {
        Loc::Key(key.to_owned())
    }
}

impl From<usize> for Loc {
    fn from(index: usize) -> Self {
        Loc::Index(index)
    }
}

impl ValidationError {
    pub fn new(loc: Vec<Loc>, msg: impl Into<String>, kind: &str) -> Self {
        ValidationError { loc, msg: msg.into(), kind: kind.to_owned() }
    }
}

/// Builds a `loc` vector from mixed keys and indexes: `loc!["body", "input", 0]`.
#[macro_export]
macro_rules! loc {
    ($($part:expr),* $(,)?) => { vec![$($crate::error::Loc::from($part)),*] };
}

#[derive(Debug)]
pub enum AppError {
    BadRequest(String),
    Unauthorized(String),
    /// A caller this server does not serve: a foreign page's `Origin`, a rebinding `Host`.
    Forbidden(String),
    NotFound(String),
    /// A route that exists, asked with a method it does not answer.
    MethodNotAllowed,
    /// A state conflict the caller must resolve (e.g. a pipeline that was never deployed):
    /// retrying cannot help, so the response says `x-should-retry: false`.
    Conflict(String),
    /// Something that existed is gone for good (a used or expired presigned URL).
    Gone(String),
    PayloadTooLarge(String),
    /// A body that is not JSON where JSON is required.
    UnsupportedMediaType(String),
    /// Too much work queued already; the response says when to come back.
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
    },
    /// The request was well-formed but its content cannot be processed (an unreadable document).
    Unprocessable(String),
    /// Request validation in FastAPI's list shape.
    Validation(Vec<ValidationError>),
    /// A feature the local engine does not have yet; not retryable either.
    NotImplemented(String),
    /// Temporarily unable (shutting down); worth retrying.
    Unavailable(String),
    /// A bug or an I/O failure: the cause is logged, the caller sees a generic message.
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A single validation error, the common case.
    pub fn invalid(loc: Vec<Loc>, msg: impl Into<String>, kind: &str) -> Self {
        AppError::Validation(vec![ValidationError::new(loc, msg, kind)])
    }

    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        AppError::Internal(format!("{context}: {cause}"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unprocessable(_) | AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Validation(errors) => {
                let msgs: Vec<&str> = errors.iter().map(|e| e.msg.as_str()).collect();
                write!(f, "{}", msgs.join("; "))
            }
            AppError::TooManyRequests { detail, .. } => f.write_str(detail),
            AppError::MethodNotAllowed => f.write_str("Method Not Allowed"),
            AppError::BadRequest(d)
            | AppError::Unauthorized(d)
            | AppError::Forbidden(d)
            | AppError::NotFound(d)
            | AppError::Conflict(d)
            | AppError::Gone(d)
            | AppError::PayloadTooLarge(d)
            | AppError::UnsupportedMediaType(d)
            | AppError::Unprocessable(d)
            | AppError::NotImplemented(d)
            | AppError::Unavailable(d)
            | AppError::Internal(d) => f.write_str(d),
        }
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        AppError::internal("database", e)
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::internal("file system", e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = match &self {
            AppError::TooManyRequests { retry_after_secs, .. } => Some(*retry_after_secs),
            _ => None,
        };
        let body = match self {
            AppError::Validation(errors) => json!({ "detail": errors }),
            AppError::Internal(cause) => {
                eprintln!("reducto-local: internal error: {cause}");
                json!({ "detail": "Internal server error (details are in the server log)" })
            }
            other => json!({ "detail": other.to_string() }),
        };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match status {
            StatusCode::CONFLICT | StatusCode::GONE | StatusCode::NOT_IMPLEMENTED => {
                headers.insert("x-should-retry", HeaderValue::from_static("false"));
            }
            StatusCode::UNAUTHORIZED => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            StatusCode::FORBIDDEN | StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                headers.insert("x-should-retry", HeaderValue::from_static("false"));
            }
            _ => {}
        }
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
