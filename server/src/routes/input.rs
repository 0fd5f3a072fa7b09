//! A request's `input`, read into the documents a job works on ([`DocRef`]s): a `reducto://`
//! file id, a `jobid://` id of an earlier parse, an http(s) URL, an `UploadResponse` object, or
//! a list of those (a multi-document input). A shape that is none of these is a 422 located
//! at `body.input` (and, in a list, at the element's index).

use serde_json::Value;

use crate::error::{AppError, AppResult, Loc};
use crate::ids::FileId;
use crate::jobs::input::{DocRef, JOB_SCHEME};
use crate::loc;

/// The documents `input` names.
pub fn parse(input: &Value) -> AppResult<Vec<DocRef>> {
    match input {
        Value::Array(items) if items.is_empty() => Err(AppError::invalid(
            loc!["body", "input"],
            "input is an empty list: name at least one document",
            "too_short",
        )),
        // Elements are single documents: a list inside the list is refused by `parse_one`.
        Value::Array(items) => {
            items.iter().enumerate().map(|(i, item)| parse_one(item, loc!["body", "input", i])).collect()
        }
        one => parse_one(one, loc!["body", "input"]).map(|doc| vec![doc]),
    }
}

/// One document named by the body's `field` (an edit's `document_url`); errors are located
/// there.
pub fn parse_single(value: &Value, field: &str) -> AppResult<DocRef> {
    parse_one(value, loc!["body", field])
}

/// One document reference; `at` is where errors are located.
fn parse_one(input: &Value, at: Vec<Loc>) -> AppResult<DocRef> {
    let at_input = |msg: String, kind: &str| AppError::invalid(at.clone(), msg, kind);
    match input {
        Value::String(s) => parse_url(s).map_err(|msg| at_input(msg, "value_error")),
        Value::Object(o) => match o.get("file_id") {
            Some(Value::String(s)) => parse_url(s)
                .map_err(|msg| AppError::invalid([at.clone(), loc!["file_id"]].concat(), msg, "value_error")),
            _ => Err(at_input(
                "An input object needs a string file_id (the response of POST /upload)".into(),
                "missing",
            )),
        },
        other => Err(at_input(
            format!(
                "input must be a reducto:// file id, a jobid:// id, an http(s) URL, an upload object \
                 or a list of those, not {other}"
            ),
            "type_error",
        )),
    }
}

fn parse_url(s: &str) -> Result<DocRef, String> {
    if let Some(id) = FileId::parse(s) {
        return Ok(DocRef::File(id.to_string()));
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with(JOB_SCHEME) {
        let id = &s[JOB_SCHEME.len()..];
        let valid = (1..=64).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        return if valid {
            Ok(DocRef::Job(id.to_owned()))
        } else {
            Err(format!("'{s}' is not a valid jobid:// reference (use the job_id of an earlier parse)"))
        };
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return match reqwest::Url::parse(s) {
            Ok(url) if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(DocRef::Url(url.to_string())),
            _ => Err(format!("'{s}' is not a valid http(s) URL")),
        };
    }
    let scheme = lower.split_once(':').map(|(scheme, _)| scheme).filter(|scheme| {
        !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    if let Some(scheme) = scheme.filter(|scheme| *scheme != "reducto") {
        Err(format!(
            "'{scheme}:' inputs are not supported: pass an http(s) URL, the reducto:// file_id from \
             POST /upload, or the jobid:// of an earlier parse"
        ))
    } else if lower.starts_with("reducto://") {
        Err(format!("'{s}' is not a valid reducto:// file id (use the file_id POST /upload returned)"))
    } else {
        Err(format!(
            "'{s}' is not a document reference: pass the reducto:// file_id from POST /upload \
             or the jobid:// of an earlier parse"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inputs_in_every_accepted_shape() {
        let id = FileId::new(Some("pdf".into())).to_string();
        let file = vec![DocRef::File(id.clone())];
        assert_eq!(parse(&json!(id)).unwrap(), file);
        assert_eq!(parse(&json!({"file_id": id, "presigned_url": null})).unwrap(), file);
        assert_eq!(parse(&json!([id])).unwrap(), file);
        let url = "https://example.com/a.pdf";
        let several = parse(&json!([id, {"file_id": id}, url])).unwrap();
        assert_eq!(several, [file[0].clone(), file[0].clone(), DocRef::Url(url.into())]);
        let job = "0b7e2c1a-3f4d-4e5f-8a9b-0c1d2e3f4a5b";
        assert_eq!(parse(&json!(format!("jobid://{job}"))).unwrap(), [DocRef::Job(job.into())]);
        let url = "https://example.com/files/a.pdf?x=1";
        assert_eq!(parse(&json!(url)).unwrap(), [DocRef::Url(url.into())]);
    }

    #[test]
    fn refused_inputs_say_why() {
        let id = FileId::new(None).to_string();
        let cases = [
            (json!([]), "empty list"),
            (json!([id, [id]]), "input must be"),
            (json!("ftp://example.com/a.pdf"), "'ftp:' inputs are not supported"),
            (json!("file:///etc/passwd"), "'file:' inputs are not supported"),
            (json!("https://"), "not a valid http(s) URL"),
            (json!("jobid://../etc"), "not a valid jobid://"),
            (json!("reducto://../../etc/passwd"), "not a valid reducto:// file id"),
            (json!(42), "input must be"),
            (json!({"url": "x"}), "file_id"),
        ];
        for (input, expected) in cases {
            let msg = parse(&input).unwrap_err().to_string();
            assert!(msg.contains(expected), "{input}: {msg}");
        }
    }
}
