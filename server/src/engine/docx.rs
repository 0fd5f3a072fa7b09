//! Word documents (DOCX): the paragraphs and tables of word/document.xml in order. A
//! paragraph styled Title is a title, one styled as a heading (by the style's name in
//! word/styles.xml, so localized style ids work) a section header, a numbered or bulleted one
//! a list item. Word does not store where its pages end, only explicit breaks, so a document
//! is one page unless it has page breaks (`<w:br w:type="page"/>`, "page break before").

use std::collections::HashMap;

use super::archive::{Archive, Limits};
use super::flow::Flow;
use super::xml::{walk, Node};
use super::{BlockType, Document, EngineError};

pub fn read(bytes: &[u8], limits: Limits) -> Result<Document, EngineError> {
    let mut archive = Archive::open(bytes, "DOCX", limits)?;
    let body = archive.text("word/document.xml")?.ok_or_else(|| EngineError::Malformed {
        format: "DOCX",
        cause: "it has no word/document.xml".into(),
    })?;
    let styles = match archive.text("word/styles.xml")? {
        Some(xml) => style_names(&xml)?,
        None => HashMap::new(),
    };

    let mut reader = Reader { flow: Flow::new(), styles, ..Reader::default() };
    walk(&body, "word/document.xml", |node| reader.visit(node))?;
    if let Some(too_large) = reader.failed {
        return Err(too_large);
    }
    if !reader.flow.has_text() {
        return Err(EngineError::EmptyText);
    }
    Ok(reader.flow.finish())
}

/// Style id → lowercase style name (`"Heading1"` → `"heading 1"`).
fn style_names(xml: &str) -> Result<HashMap<String, String>, EngineError> {
    let mut names = HashMap::new();
    let mut current: Option<String> = None;
    walk(xml, "word/styles.xml", |node| match &node {
        Node::Open { name, .. } if name == "style" => current = node.attr("styleId").map(str::to_owned),
        Node::Open { name, .. } if name == "name" => {
            if let (Some(id), Some(value)) = (current.as_ref(), node.attr("val")) {
                names.insert(id.clone(), value.to_lowercase());
            }
        }
        _ => {}
    })?;
    Ok(names)
}

#[derive(Default)]
struct Reader {
    flow: Flow,
    styles: HashMap<String, String>,
    /// The paragraph being read (outside tables), and its type.
    text: String,
    kind: Option<BlockType>,
    in_text: bool,
    /// Tables being read, innermost last; a nested table's text goes into the outer cell.
    tables: Vec<Vec<Vec<String>>>,
    /// A table the engine refused (too large); the document fails with it.
    failed: Option<EngineError>,
}

impl Reader {
    fn visit(&mut self, node: Node) {
        match node {
            Node::Open { ref name, empty, .. } => match name.as_str() {
                "p" if self.tables.is_empty() => {
                    self.text.clear();
                    self.kind = Some(BlockType::Text);
                }
                "pStyle" => {
                    let style = node.attr("val").unwrap_or_default();
                    let name = self.styles.get(style).map_or(style.to_lowercase(), Clone::clone);
                    if let Some(kind) = self.kind.as_mut() {
                        *kind = if name == "title" {
                            BlockType::Title
                        } else if name.starts_with("heading") || name == "subtitle" {
                            BlockType::SectionHeader
                        } else {
                            *kind
                        };
                    }
                }
                "numPr" => {
                    if let Some(kind @ BlockType::Text) = self.kind.as_mut() {
                        *kind = BlockType::ListItem;
                    }
                }
                "pageBreakBefore" if node.attr("val").is_none_or(|v| v != "0" && v != "false") => {
                    self.page_break()
                }
                "t" => self.in_text = !empty,
                "tab" => self.write("\t"),
                // The text before the break stays on this page; the rest of the paragraph (same
                // type) starts the next. A table cannot be cut, so within one it is a space.
                "br" | "cr" if node.attr("type") == Some("page") && self.tables.is_empty() => {
                    let kind = self.kind;
                    self.flush();
                    self.page_break();
                    self.kind = kind;
                }
                "br" | "cr" => self.write("\n"),
                "tbl" => {
                    self.flush();
                    self.tables.push(Vec::new());
                }
                "tr" => {
                    if let Some(table) = self.tables.last_mut() {
                        table.push(Vec::new());
                    }
                }
                "tc" if self.tables.len() == 1 => {
                    if let Some(row) = self.tables.last_mut().and_then(|t| t.last_mut()) {
                        row.push(String::new());
                    }
                }
                _ => {}
            },
            Node::Close { name } => match name.as_str() {
                "t" => self.in_text = false,
                "p" if self.tables.is_empty() => self.flush(),
                // Paragraphs within a cell are separated by a space.
                "p" => self.write(" "),
                "tbl" => {
                    if let Some(table) = self.tables.pop() {
                        if self.tables.is_empty() {
                            if let Err(too_large) = self.flow.table(table) {
                                self.failed.get_or_insert(too_large);
                            }
                        }
                    }
                }
                _ => {}
            },
            Node::Text(text) if self.in_text => self.write(&text),
            Node::Text(_) => {}
        }
    }

    /// Appends text to the open paragraph, or to the current cell of the outermost table.
    fn write(&mut self, text: &str) {
        match self.tables.first_mut() {
            Some(table) => {
                if let Some(cell) = table.last_mut().and_then(|row| row.last_mut()) {
                    cell.push_str(text);
                }
            }
            None => self.text.push_str(text),
        }
    }

    fn flush(&mut self) {
        if let Some(kind) = self.kind.take() {
            self.flow.push(kind, &self.text);
        }
        self.text.clear();
    }

    fn page_break(&mut self) {
        // Consecutive breaks make no blank pages.
        if !self.flow.current_page_is_empty() {
            self.flow.start_page();
        }
    }
}

#[cfg(test)]
pub mod tests {
    use super::super::archive;
    use super::*;

    /// A DOCX whose body is `body` (the children of `<w:body>`), with a styles part naming
    /// `Berschrift1` "heading 1" (a localized id, as German Word writes it).
    pub fn docx(body: &str) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let styles = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
            <w:style w:type="paragraph" w:styleId="Berschrift1"><w:name w:val="heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style></w:styles>"#;
        archive::build(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", document.as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ])
    }

    pub fn paragraph(style: Option<&str>, text: &str) -> String {
        let style = style.map_or(String::new(), |s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#));
        format!("<w:p>{style}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    #[test]
    fn paragraphs_headings_lists_and_tables_in_order() {
        let body = [
            paragraph(Some("Title"), "Quarterly report"),
            paragraph(Some("Berschrift1"), "Revenue"),
            paragraph(None, "Sales grew &amp; costs fell."),
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>First point</w:t></w:r></w:p>"#.into(),
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Region</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Total</w:t></w:r></w:p></w:tc></w:tr>
               <w:tr><w:tc><w:p><w:r><w:t>North</w:t></w:r></w:p><w:p><w:r><w:t>(incl. islands)</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#.into(),
            r#"<w:p><w:r><w:t>Split</w:t><w:tab/><w:t>run</w:t></w:r><w:r><w:t xml:space="preserve"> text</w:t></w:r></w:p>"#.into(),
        ]
        .concat();
        let doc = read(&docx(&body), Limits::default()).unwrap();
        assert_eq!(doc.pages.len(), 1);
        let got: Vec<(BlockType, &str)> =
            doc.pages[0].blocks.iter().map(|b| (b.kind, b.content.as_str())).collect();
        assert_eq!(
            got,
            [
                (BlockType::Title, "Quarterly report"),
                (BlockType::SectionHeader, "Revenue"),
                (BlockType::Text, "Sales grew & costs fell."),
                (BlockType::ListItem, "First point"),
                (BlockType::Table, "| Region | Total |\n| --- | --- |\n| North (incl. islands) | 12 |"),
                (BlockType::Text, "Split\trun text"),
            ]
        );
    }

    #[test]
    fn explicit_page_breaks_make_pages() {
        let body = [
            paragraph(None, "Page one"),
            r#"<w:p><w:r><w:t>Still one</w:t><w:br w:type="page"/></w:r></w:p>"#.into(),
            paragraph(None, "Page two"),
            r#"<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>Page three</w:t></w:r></w:p>"#.into(),
        ]
        .concat();
        let doc = read(&docx(&body), Limits::default()).unwrap();
        let pages: Vec<Vec<&str>> =
            doc.pages.iter().map(|p| p.blocks.iter().map(|b| b.content.as_str()).collect()).collect();
        assert_eq!(pages, [vec!["Page one", "Still one"], vec!["Page two"], vec!["Page three"]]);
        assert_eq!(doc.pages[2].blocks[0].bbox.page, 3);
    }

    #[test]
    fn an_empty_or_partless_docx_is_an_error() {
        assert_eq!(read(&docx(&paragraph(None, "  ")), Limits::default()), Err(EngineError::EmptyText));
        let no_body = archive::build(&[("word/styles.xml", b"<w:styles/>")]);
        assert!(matches!(
            read(&no_body, Limits::default()),
            Err(EngineError::Malformed { format: "DOCX", .. })
        ));
    }
}
