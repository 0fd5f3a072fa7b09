//! The schema as extract reads it (each property's kind, the branch of an `anyOf` that
//! describes it, an object's properties) and the filled tree before it is rendered.

use serde_json::{json, Map, Value};

use crate::engine::Block;

/// A filled schema before rendering; leaves keep their source block for citations.
pub enum Node<'a> {
    Leaf(Value, Option<&'a Block>),
    Object(Vec<(String, Node<'a>)>),
    Array(Vec<Node<'a>>),
}

impl Node<'_> {
    pub(super) fn render(&self, citations: bool, count: &mut u32) -> Value {
        match self {
            Node::Leaf(value, source) => {
                if !value.is_null() {
                    *count += 1;
                }
                if !citations {
                    return value.clone();
                }
                let cited = source.map(|b| {
                    json!({"type": b.kind, "content": b.content, "bbox": b.bbox, "confidence": b.confidence})
                });
                json!({"value": value, "citations": cited.into_iter().collect::<Vec<_>>()})
            }
            Node::Object(fields) => {
                Value::Object(fields.iter().map(|(k, n)| (k.clone(), n.render(citations, count))).collect())
            }
            Node::Array(items) => Value::Array(items.iter().map(|n| n.render(citations, count)).collect()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
}

/// The schema that describes the value: the first non-null branch of an `anyOf`/`oneOf`.
pub fn resolve(schema: &Map<String, Value>) -> &Map<String, Value> {
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            let concrete =
                branches.iter().filter_map(Value::as_object).find(|b| b.get("type") != Some(&json!("null")));
            if let Some(branch) = concrete {
                return resolve(branch);
            }
        }
    }
    schema
}

pub fn kind(schema: &Map<String, Value>) -> Kind {
    let named = match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    };
    match named {
        Some("number") => Kind::Number,
        Some("integer") => Kind::Integer,
        Some("boolean") => Kind::Boolean,
        Some("object") => Kind::Object,
        Some("array") => Kind::Array,
        Some(_) => Kind::String,
        None if schema.contains_key("properties") => Kind::Object,
        None if schema.contains_key("items") => Kind::Array,
        None => Kind::String,
    }
}

pub fn properties(schema: &Map<String, Value>) -> Vec<(&str, &Map<String, Value>)> {
    let Some(Value::Object(props)) = schema.get("properties") else { return Vec::new() };
    props.iter().filter_map(|(k, v)| Some((k.as_str(), resolve(v.as_object()?)))).collect()
}
