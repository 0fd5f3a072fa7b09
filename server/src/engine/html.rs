//! HTML: the text of its block elements in document order, one page. `h1` is a title, `h2`-`h6`
//! section headers, `li` list items, tables Markdown tables (see [`super::flow`]); scripts,
//! styles and the page's `<title>` are not text. Real-world HTML is rarely well-formed XML (unclosed
//! `<p>`, bare `<br>`, `&nbsp;`), so this is a forgiving tag scanner, not an XML parser: any
//! block-level tag, opening or closing, ends the text before it.

use super::flow::Flow;
use super::xml::unescape_html;
use super::{BlockType, Document, EngineError};

/// Elements whose start or end ends a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "nav",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "details",
    "summary",
    "body",
    "html",
    "caption",
];

/// Elements whose content is never text.
/// (Not `head`: its end tag is optional, and what else it holds are tags without text.)
const SKIPPED: &[&str] = &["script", "style", "title", "noscript", "template", "svg", "iframe", "object"];

pub fn read(html: &str) -> Result<Document, EngineError> {
    let mut reader = Reader {
        flow: Flow::new(),
        text: String::new(),
        kind: BlockType::Text,
        tables: Vec::new(),
        failed: None,
    };
    // A byte order mark is not text.
    let mut rest = html.strip_prefix('\u{feff}').unwrap_or(html);
    while !rest.is_empty() {
        let Some(at) = rest.find('<') else {
            reader.write(rest);
            break;
        };
        reader.write(&rest[..at]);
        rest = &rest[at..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(end) = rest.find('>') else {
            // A lone `<` in text.
            reader.write(rest);
            break;
        };
        let tag = Tag::parse(&rest[1..end]);
        rest = &rest[end + 1..];
        let Some(tag) = tag else { continue };
        if !tag.closing && SKIPPED.contains(&tag.name.as_str()) && !tag.self_closing {
            // Everything up to the matching end tag (case-insensitively) is skipped.
            let name = tag.name.as_bytes();
            let closes = |i: &usize| {
                let after = &rest.as_bytes()[i + 2..];
                after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name)
            };
            rest = match rest.match_indices("</").map(|(i, _)| i).find(closes) {
                Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                None => "",
            };
            continue;
        }
        reader.tag(&tag);
    }
    reader.flush();
    while !reader.tables.is_empty() {
        reader.close_table();
    }
    if let Some(too_large) = reader.failed {
        return Err(too_large);
    }
    if !reader.flow.has_text() {
        return Err(EngineError::EmptyText);
    }
    Ok(reader.flow.finish())
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
}

impl Tag {
    /// The name and kind of the tag between `<` and `>`; `None` for `<!DOCTYPE>`, `<?xml?>`.
    fn parse(inner: &str) -> Option<Tag> {
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let name: String =
            inner.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        (!name.is_empty()).then(|| Tag { name, closing, self_closing: inner.trim_end().ends_with('/') })
    }
}

struct Reader {
    flow: Flow,
    /// The text of the current block, whitespace not yet collapsed.
    text: String,
    kind: BlockType,
    /// Open tables, innermost last: rows of cells. A nested table's text joins the outer cell.
    tables: Vec<Vec<Vec<String>>>,
    /// A table the engine refused (too large); the document fails with it.
    failed: Option<EngineError>,
}

impl Reader {
    fn write(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let text = unescape_html(raw);
        match self.tables.first_mut() {
            Some(table) => match table.last_mut().and_then(|row| row.last_mut()) {
                Some(cell) => cell.push_str(&text),
                // Text in a table but outside any cell (a caption, stray text) still counts.
                None => self.text.push_str(&text),
            },
            None => self.text.push_str(&text),
        }
    }

    fn tag(&mut self, tag: &Tag) {
        let name = tag.name.as_str();
        match (name, tag.closing) {
            ("table", false) => {
                self.flush();
                self.tables.push(Vec::new());
            }
            ("table", true) => self.close_table(),
            ("tr", false) if self.tables.len() == 1 => self.tables[0].push(Vec::new()),
            ("td" | "th", false) if self.tables.len() == 1 => {
                let table = &mut self.tables[0];
                if table.is_empty() {
                    table.push(Vec::new());
                }
                table.last_mut().expect("a row").push(String::new());
            }
            // Inside a cell, block boundaries and breaks are spaces.
            (_, _) if !self.tables.is_empty() && BLOCKS.contains(&name) => self.write(" "),
            _ if BLOCKS.contains(&name) => {
                self.flush();
                if !tag.closing {
                    self.kind = match name {
                        "h1" => BlockType::Title,
                        "h2" | "h3" | "h4" | "h5" | "h6" => BlockType::SectionHeader,
                        "li" | "dt" | "dd" => BlockType::ListItem,
                        _ => BlockType::Text,
                    };
                }
            }
            _ => {}
        }
    }

    fn close_table(&mut self) {
        if let Some(table) = self.tables.pop() {
            if self.tables.is_empty() {
                self.flush();
                if let Err(too_large) = self.flow.table(table) {
                    self.failed.get_or_insert(too_large);
                }
            } else {
                let text: Vec<String> = table.into_iter().flatten().collect();
                self.write(&format!(" {} ", text.join(" ")));
            }
        }
    }

    /// Ends the current block, its whitespace collapsed as a browser renders it.
    fn flush(&mut self) {
        let text = self.text.split_whitespace().collect::<Vec<_>>().join(" ");
        self.flow.push(self.kind, &text);
        self.text.clear();
        self.kind = BlockType::Text;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(html: &str) -> Vec<(BlockType, String)> {
        let doc = read(html).unwrap();
        assert_eq!(doc.pages.len(), 1);
        doc.pages[0].blocks.iter().map(|b| (b.kind, b.content.clone())).collect()
    }

    #[test]
    fn named_character_references_are_html5s() {
        let html =
            "\u{feff}<p>Milj&ouml;bilaga &ndash; 5&nbsp;&euro; &copy; &Sigma;&alpha; &notanentity; AT&T</p>";
        assert_eq!(blocks(html), [(BlockType::Text, "Miljöbilaga – 5 € © Σα &notanentity; AT&T".into())]);
    }

    #[test]
    fn block_elements_in_order_with_headings_lists_and_tables() {
        let html = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>Ignored</title><style>p { color: red }</style>
            <body><h1>Annual   Report</h1><p>First <b>bold</b> paragraph &amp; more
            <p>Unclosed second<br>line two
            <!-- a comment <p>not text</p> -->
            <script>document.write("<p>not text</p>")</SCRIPT>
            <h2>Figures</h2>
            <table><tr><th>Year</th><th>Total</th></tr><tr><td>2024</td><td>1&nbsp;000</td></tr></table>
            <ul><li>One</li><li>Two</ul><div>Tail text</div></body></html>"#;
        assert_eq!(
            blocks(html),
            [
                (BlockType::Title, "Annual Report".into()),
                (BlockType::Text, "First bold paragraph & more".into()),
                (BlockType::Text, "Unclosed second".into()),
                (BlockType::Text, "line two".into()),
                (BlockType::SectionHeader, "Figures".into()),
                (BlockType::Table, "| Year | Total |\n| --- | --- |\n| 2024 | 1 000 |".into()),
                (BlockType::ListItem, "One".into()),
                (BlockType::ListItem, "Two".into()),
                (BlockType::Text, "Tail text".into()),
            ]
        );
    }

    #[test]
    fn nested_tables_join_the_outer_cell_and_empty_pages_are_errors() {
        let html = "<table><tr><td>Outer <table><tr><td>inner</td></tr></table></td><td>b</td></tr></table>";
        assert_eq!(blocks(html), [(BlockType::Table, "| Outer inner | b |\n| --- | --- |".into())]);
        assert_eq!(read("<html><script>x</script></html>"), Err(EngineError::EmptyText));
    }
}
