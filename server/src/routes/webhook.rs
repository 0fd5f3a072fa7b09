//! A request's webhook, read into the [`Webhook`] its job announces its end to (see
//! [`crate::webhooks`]). A webhook that could never be delivered is a 422 at its field.

use serde_json::Value;

use crate::error::{AppError, AppResult};
use crate::loc;
use crate::outbound;
use crate::store::DeliveryMode;
use crate::webhooks::Webhook;

/// The webhook a request body asks for, if any: `async.webhook` with `async.metadata`, or a
/// top-level `webhook` (`/edit_async`) with its own `metadata`. `allow_private` is
/// `--allow-private-urls`.
pub fn read(body: &Value, allow_private: bool) -> AppResult<Option<Webhook>> {
    // A webhook of the wrong shape would be dropped without a word, and never delivered.
    fn object(value: Option<&Value>, at: Vec<crate::error::Loc>) -> AppResult<Option<&Value>> {
        match value.filter(|v| !v.is_null()) {
            Some(value) if !value.is_object() => {
                Err(AppError::invalid(at, "Input should be a valid dictionary or object", "dict_type"))
            }
            value => Ok(value),
        }
    }
    let async_config = object(body.get("async"), loc!["body", "async"])?;
    let own = object(body.get("webhook"), loc!["body", "webhook"])?;
    let in_async = object(async_config.and_then(|a| a.get("webhook")), loc!["body", "async", "webhook"])?;
    let metadata_of = |holder: &Value| holder.get("metadata").cloned().unwrap_or(Value::Null);
    let (config, metadata, at) = match (own, in_async, async_config) {
        (Some(webhook), _, _) => (webhook, metadata_of(webhook), loc!["body", "webhook"]),
        (None, Some(webhook), Some(async_config)) => {
            (webhook, metadata_of(async_config), loc!["body", "async", "webhook"])
        }
        _ => return Ok(None),
    };
    let invalid =
        |field: &str, msg: String| AppError::invalid([at.clone(), loc![field]].concat(), msg, "value_error");
    // `direct` is what a body with a `url` means; Reducto's own default mode is `disabled`.
    if config.get("mode").is_some_and(|mode| !mode.is_null() && !mode.is_string()) {
        return Err(invalid("mode", "mode must be one of \"direct\", \"svix\" or \"disabled\"".into()));
    }
    if config.get("url").is_some_and(|url| !url.is_null() && !url.is_string()) {
        return Err(invalid("url", "url must be a string: the http(s) URL to POST to".into()));
    }
    let mode = match config.get("mode").and_then(Value::as_str) {
        None if config.get("url").is_some() => DeliveryMode::Direct,
        Some("direct") => DeliveryMode::Direct,
        Some("svix") => DeliveryMode::Svix,
        None | Some("disabled") => return Ok(None),
        Some(other) => {
            return Err(invalid(
                "mode",
                format!("'{other}' is not a webhook mode: use \"direct\", \"svix\" or \"disabled\""),
            ))
        }
    };
    let url = config.get("url").and_then(Value::as_str).map(str::to_owned);
    if mode == DeliveryMode::Direct {
        let Some(url) = &url else {
            return Err(invalid("url", "A direct webhook needs the url to POST to".into()));
        };
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| invalid("url", format!("'{url}' is not an http(s) URL")))?;
        if !allow_private {
            outbound::check_literal_host(&parsed, true).map_err(|refused| invalid("url", refused))?;
        }
    }
    Ok(Some(Webhook { mode, url, metadata }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn webhooks_are_read_from_either_place_and_checked() {
        let direct = json!({"async": {"webhook": {"mode": "direct", "url": "http://127.0.0.1:9/hook"}, "metadata": {"a": 1}}});
        let hook = read(&direct, false).unwrap().unwrap();
        assert_eq!((hook.mode, hook.metadata), (DeliveryMode::Direct, json!({"a": 1})));
        let edit = json!({"webhook": {"mode": "svix", "metadata": "m"}});
        assert_eq!(read(&edit, false).unwrap().unwrap().mode, DeliveryMode::Svix);
        assert_eq!(read(&json!({"async": {}}), false).unwrap(), None);
        assert_eq!(read(&json!({"webhook": {"mode": "disabled"}}), false).unwrap(), None);
        for (body, expected) in [
            (json!({"async": {"webhook": {"mode": "direct"}}}), "needs the url"),
            (json!({"async": {"webhook": {"url": "ftp://x/y"}}}), "not an http(s) URL"),
            (json!({"async": {"webhook": {"url": "http://10.1.2.3/hook"}}}), "private"),
            (json!({"webhook": {"mode": "carrier-pigeon"}}), "not a webhook mode"),
            // Wrong shapes are refused, not dropped: they would never be delivered.
            (json!({"async": "x"}), "valid dictionary"),
            (json!({"async": {"webhook": "http://127.0.0.1:9/hook"}}), "valid dictionary"),
            (json!({"webhook": 3}), "valid dictionary"),
            (json!({"async": {"webhook": {"mode": true, "url": "http://127.0.0.1:9/hook"}}}), "mode must be"),
            (json!({"async": {"webhook": {"url": 5}}}), "url must be a string"),
        ] {
            let message = read(&body, false).unwrap_err().to_string();
            assert!(message.contains(expected), "{body}: {message}");
        }
        assert!(read(&json!({"async": {"webhook": {"url": "http://10.1.2.3/hook"}}}), true).is_ok());
    }
}
