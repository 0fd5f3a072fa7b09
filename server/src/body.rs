//! The JSON request-body extractor. Axum's own `Json` answers a bad body with plain text;
//! Reducto's clients expect FastAPI's 422 list, so every failure here (no body, malformed JSON,
//! a missing or mistyped field) becomes `{"detail": [{"loc": ["body", ...], "msg", "type"}]}`.
//!
//! A body must say it is JSON (`application/json`, or a `+json` type), or the request is a 415:
//! a page of another site could otherwise send JSON as `text/plain`, which needs no CORS
//! preflight. JSON bodies are read up to [`MAX_JSON_BYTES`] holding up to
//! [`MAX_JSON_CONTAINERS`] objects and arrays; beyond either, 413.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::error::{AppError, Loc, ValidationError};
use crate::loc;

/// A request body deserialized from JSON; rejections are [`AppError`]s.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        parse_json(&read_body(req, state).await?).map(JsonBody)
    }
}

/// Like [`JsonBody`], but an empty body means `T::default()`: for bodies whose fields are all
/// optional, such as a deploy's `{version_name?}`.
pub struct JsonOrDefault<T>(pub T);

impl<S, T> FromRequest<S> for JsonOrDefault<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonOrDefault(T::default()));
        }
        parse_json(&bytes).map(JsonOrDefault)
    }
}

/// Like [`JsonBody`], with the body as parsed JSON beside it: a job records the request as
/// received (`raw_config`), not as this server's types would re-serialize it.
pub struct JsonWithRaw<T>(pub T, pub serde_json::Value);

impl<S, T> FromRequest<S> for JsonWithRaw<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let value = parse_value(&read_body(req, state).await?)?;
        let typed = from_value(&value)?;
        Ok(JsonWithRaw(typed, value))
    }
}

/// The largest JSON body: a pipeline's steps or a request's params are kilobytes; documents
/// come as uploads, not as JSON.
pub const MAX_JSON_BYTES: usize = 10 * 1024 * 1024;

async fn read_body<S: Send + Sync>(req: Request, _state: &S) -> Result<Bytes, AppError> {
    let content_type =
        req.headers().get(CONTENT_TYPE).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let too_large = || {
        AppError::PayloadTooLarge(format!(
            "Request body too large: JSON bodies are limited to {} MB",
            MAX_JSON_BYTES >> 20
        ))
    };
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_JSON_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = Limited::new(req.into_body(), MAX_JSON_BYTES).collect().await.map_err(|e| {
        if e.downcast_ref::<LengthLimitError>().is_some() {
            too_large()
        } else {
            AppError::BadRequest(format!("Could not read the request body: {e}"))
        }
    })?;
    let bytes = bytes.to_bytes();
    let is_json = content_type.as_deref().is_some_and(|kind| {
        let essence = kind.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
    });
    if !is_json && !bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::UnsupportedMediaType(format!(
            "Content-Type must be application/json, got {}",
            content_type.map_or("none".to_owned(), |kind| format!("'{kind}'"))
        )));
    }
    Ok(bytes)
}

/// Parses a JSON body into `T`, reporting errors with their path under `"body"`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    from_value(&parse_value(bytes)?)
}

fn parse_value(bytes: &[u8]) -> Result<serde_json::Value, AppError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::invalid(
            loc!["body"],
            "Field required: this endpoint needs a JSON request body",
            "missing",
        ));
    }
    if containers(bytes, MAX_JSON_CONTAINERS) > MAX_JSON_CONTAINERS {
        return Err(AppError::PayloadTooLarge(format!(
            "Request body too large: JSON bodies may hold at most {MAX_JSON_CONTAINERS} objects and arrays"
        )));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| AppError::invalid(loc!["body"], format!("JSON decode error: {e}"), "json_invalid"))
}

/// The most objects and arrays a JSON body may hold. Parsed, each costs hundreds of bytes: a
/// 10 MB body of `{"a":1}`s took a server to 1.9 GB. Real params (a pipeline's steps, a schema
/// of hundreds of fields, a Studio export of many pipelines) hold a few thousand.
pub const MAX_JSON_CONTAINERS: usize = 100_000;

/// How many objects and arrays `json` opens outside its strings, counted up to one past `limit`.
fn containers(json: &[u8], limit: usize) -> usize {
    let (mut count, mut in_string, mut escaped) = (0, false, false);
    for &byte in json {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (_, b'"') => in_string = !in_string,
            (false, b'{' | b'[') => {
                count += 1;
                if count > limit {
                    break;
                }
            }
            _ => {}
        }
    }
    count
}

/// Every body of this API is an object. serde would also fill a struct from an array of its
/// fields in order (`["name", {}]` for `{name, steps}`), which no client means: refused as
/// FastAPI refuses it.
fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, AppError> {
    if !value.is_object() {
        let msg = "Input should be a valid dictionary or object to extract fields from";
        return Err(AppError::invalid(loc!["body"], msg, "model_attributes_type"));
    }
    serde_path_to_error::deserialize(value).map_err(|e| AppError::Validation(vec![from_serde(e)]))
}

/// Turns a serde error with its path into one FastAPI validation error.
fn from_serde(err: serde_path_to_error::Error<serde_json::Error>) -> ValidationError {
    let mut loc = loc!["body"];
    for segment in err.path().iter() {
        match segment {
            Segment::Seq { index } => loc.push(Loc::Index(*index)),
            Segment::Map { key } => loc.push(Loc::Key(key.clone())),
            Segment::Enum { variant } => loc.push(Loc::Key(variant.clone())),
            Segment::Unknown => {}
        }
    }
    let msg = err.inner().to_string();
    // serde names the offending field only inside its message; FastAPI puts it in `loc`.
    if let Some(field) = quoted_after(&msg, "missing field `") {
        loc.push(Loc::Key(field));
        return ValidationError::new(loc, "Field required", "missing");
    }
    if let Some(field) = quoted_after(&msg, "unknown field `") {
        if loc.last() != Some(&Loc::Key(field.clone())) {
            loc.push(Loc::Key(field));
        }
        return ValidationError::new(loc, msg, "extra_forbidden");
    }
    let kind = if msg.starts_with("invalid type") { "type_error" } else { "value_error" };
    ValidationError::new(loc, msg, kind)
}

fn quoted_after(msg: &str, prefix: &str) -> Option<String> {
    let rest = msg.strip_prefix(prefix)?;
    rest.split('`').next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Req {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        n: u32,
    }

    fn errors(body: &str) -> Vec<ValidationError> {
        match parse_json::<Req>(body.as_bytes()) {
            Err(AppError::Validation(errors)) => errors,
            other => panic!("expected a validation error for {body:?}, got {other:?}"),
        }
    }

    #[test]
    fn missing_field_is_named_in_loc() {
        let e = &errors(r#"{"items": []}"#)[0];
        assert_eq!(e.loc, loc!["body", "name"]);
        assert_eq!(e.kind, "missing");
    }

    #[test]
    fn nested_type_error_has_full_path() {
        let e = &errors(r#"{"name": "x", "items": [{"n": 1}, {"n": "two"}]}"#)[0];
        assert_eq!(e.loc, loc!["body", "items", 1, "n"]);
        assert_eq!(e.kind, "type_error");
    }

    #[test]
    fn unknown_field_is_named() {
        let e = &errors(r#"{"name": "x", "items": [{"n": 1, "m": 2}]}"#)[0];
        assert_eq!(e.loc, loc!["body", "items", 0, "m"]);
        assert_eq!(e.kind, "extra_forbidden");
    }

    #[test]
    fn empty_and_malformed_bodies() {
        assert_eq!(errors("  ")[0].kind, "missing");
        assert_eq!(errors("{nope")[0].kind, "json_invalid");
    }

    #[test]
    fn a_body_that_is_no_object_is_refused_though_its_items_would_fill_the_struct() {
        for body in [r#"["a", [{"n": 1}]]"#, "[]", "null", "\"name\"", "7"] {
            let refused = &errors(body)[0];
            assert_eq!(
                (refused.kind.as_str(), &refused.loc),
                ("model_attributes_type", &loc!["body"]),
                "{body}"
            );
        }
    }

    #[test]
    fn objects_and_arrays_are_counted_outside_strings_and_a_body_of_too_many_is_refused() {
        assert_eq!(containers(br#"{"a": [1, {"b": "[{\"}"}], "c": "\\"}"#, 10), 3);
        assert_eq!(containers(b"[[[[[[", 3), 4);
        let items = vec![r#"{"n": 1}"#; MAX_JSON_CONTAINERS];
        let body = format!(r#"{{"name": "x", "items": [{}]}}"#, items.join(","));
        match parse_json::<Req>(body.as_bytes()) {
            Err(AppError::PayloadTooLarge(message)) => {
                assert!(message.contains("100000 objects and arrays"), "{message}")
            }
            other => panic!("expected a 413, got {other:?}"),
        }
        let fewer = format!(r#"{{"name": "x", "items": [{}]}}"#, items[2..].join(","));
        assert_eq!(parse_json::<Req>(fewer.as_bytes()).unwrap().items.len(), MAX_JSON_CONTAINERS - 2);
    }
}
