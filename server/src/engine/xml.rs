//! A small layer over quick-xml for the Office readers: elements by local name (`w:p` is
//! `p`; Office's namespace prefixes vary between producers), attributes by local name, text
//! with entity and character references resolved.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{entities, EngineError};

/// One step through a document.
#[derive(Debug)]
pub enum Node {
    /// An opening tag, or a self-closing one (`empty`; no `Close` follows it).
    Open {
        name: String,
        attrs: Vec<(String, String)>,
        empty: bool,
    },
    Close {
        name: String,
    },
    Text(String),
}

impl Node {
    /// The value of attribute `key` (by local name) of an opening tag.
    pub fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Node::Open { attrs, .. } => attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Calls `visit` with each node of `xml`, in document order.
pub fn walk(xml: &str, what: &str, mut visit: impl FnMut(Node)) -> Result<(), EngineError> {
    let malformed =
        |cause: String| EngineError::Malformed { format: "XML", cause: format!("{what}: {cause}") };
    let mut reader = Reader::from_str(xml);
    loop {
        let event = reader.read_event().map_err(|e| malformed(e.to_string()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let mut attrs = Vec::new();
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| malformed(e.to_string()))?;
                    let key = attr.key.local_name().as_ref().to_owned();
                    attrs.push((key, unescape(&attr.value)));
                }
                let name = e.local_name().as_ref().to_owned();
                visit(Node::Open { name, attrs, empty: matches!(event, Event::Empty(_)) });
            }
            Event::End(e) => visit(Node::Close { name: e.local_name().as_ref().to_owned() }),
            Event::Text(e) => visit(Node::Text(e.to_string())),
            Event::CData(e) => visit(Node::Text(e.to_string())),
            Event::GeneralRef(e) => {
                let name: &str = &e;
                visit(Node::Text(unescape(&format!("&{name};"))));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Resolves XML's predefined entities (and `&nbsp;`) and character references; unknown
/// entities stay as written.
pub fn unescape(text: &str) -> String {
    unescape_with(text, |name| match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => None,
    })
}

/// Resolves HTML's named character references (`&eacute;`, `&euro;`, see [`entities`]) and
/// character references; unknown ones stay as written.
pub fn unescape_html(text: &str) -> String {
    unescape_with(text, |name| if name == "apos" { Some('\'') } else { entities::named(name) })
}

/// Resolves character references, and the entities `named` knows.
fn unescape_with(text: &str, named: impl Fn(&str) -> Option<char>) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // An entity is short: look for its `;` among the next bytes. Searching bytes, not a
        // slice of the text, so multibyte text after a bare `&` cannot split a character.
        let Some(end) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let number = name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()));
        let resolved = match number {
            Some(code) => char::from_u32(code),
            None => named(name),
        };
        match resolved {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_resolved() {
        assert_eq!(unescape("a &amp; b &lt;c&gt; &#233;&#x20AC; &bogus; & x"), "a & b <c> é€ &bogus; & x");
        let mut seen = Vec::new();
        walk(r#"<w:p a:x="1 &amp; 2"><w:t>R&amp;D</w:t><br/></w:p>"#, "test", |n| {
            seen.push(format!("{n:?}"))
        })
        .unwrap();
        let text = seen.join(" ");
        assert!(text.contains(r#"Open { name: "p", attrs: [("x", "1 & 2")], empty: false }"#), "{text}");
        assert!(text.contains(r#"Text("R") Text("&") Text("D")"#), "{text}");
        assert!(text.contains(r#"Open { name: "br", attrs: [], empty: true }"#), "{text}");
    }
}
