//! The secrets inside request JSON that the server keeps or shows: every `document_password`.
//! Wherever such JSON is shown (a job's `raw_config`, a pipeline's steps in the Studio API) it
//! is masked; a masked value that comes back (a draft edited as the Studio showed it) stands
//! for the secret saved at the same place.

use serde_json::Value;

/// What a masked secret reads as.
pub const MASK: &str = "********";

fn is_secret(key: &str, value: &Value) -> bool {
    key == "document_password" && value.is_string()
}

/// A copy of `value` with every secret masked.
pub fn mask(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| {
                    let masked = if is_secret(key, v) { Value::String(MASK.into()) } else { mask(v) };
                    (key.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask).collect()),
        other => other.clone(),
    }
}

/// `value` as sent back by a caller who was shown `saved` masked: each secret that still reads
/// as the mask becomes the secret saved at the same place again, or is dropped when none was.
pub fn unmask(value: &mut Value, saved: &Value) {
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                let before = saved.get(&key).unwrap_or(&Value::Null);
                if is_secret(&key, &map[&key]) && map[&key] == MASK {
                    match before {
                        Value::String(_) => map.insert(key, before.clone()),
                        _ => map.remove(&key),
                    };
                } else if let Some(inner) = map.get_mut(&key) {
                    unmask(inner, before);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                unmask(item, saved.get(index).unwrap_or(&Value::Null));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn passwords_never_reach_raw_config() {
        let request = json!({"input": "x", "settings": {"document_password": "hunter2"}, "list": [{"document_password": "b"}]});
        let masked = mask(&request).to_string();
        assert!(!masked.contains("hunter2") && !masked.contains("\"b\""), "{masked}");
        assert!(masked.contains("\"input\":\"x\""));
    }

    #[test]
    fn a_masked_secret_sent_back_is_the_saved_one() {
        let saved = json!({"parse": {"options": {"settings": {"document_password": "hunter2"}}}});
        let mut edited = mask(&saved);
        edited["parse"]["options"]["chunking"] = json!("page");
        unmask(&mut edited, &saved);
        assert_eq!(edited["parse"]["options"]["settings"]["document_password"], "hunter2");
        assert_eq!(edited["parse"]["options"]["chunking"], "page");

        // The same inside a list (split categories, several documents' settings).
        let saved = json!({"documents": [{"document_password": "first"}, {"document_password": "second"}]});
        let mut edited = mask(&saved);
        unmask(&mut edited, &saved);
        assert_eq!(edited, saved, "each masked secret in a list is the one saved at its index");

        let mut new =
            json!({"settings": {"document_password": "new one"}, "other": {"document_password": MASK}});
        unmask(&mut new, &saved);
        assert_eq!(
            new,
            json!({"settings": {"document_password": "new one"}, "other": {}}),
            "a mask with nothing saved behind it goes"
        );
    }
}
