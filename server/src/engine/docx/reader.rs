//! One part of a Word document (its body, a header or footer, a note) read node by node into
//! blocks: paragraphs typed by their style, tables, text boxes once, page breaks, and where the
//! text refers to notes and comments.

use super::{Chunks, Comments, Part, Section, Styles};
use crate::engine::flow::Flow;
use crate::engine::xml::Node;
use crate::engine::{BlockType, EngineError};

/// One paragraph being read: its text so far and its type.
struct Paragraph {
    text: String,
    kind: BlockType,
}

/// Reads one part of the document (the body, a header, a note) node by node into blocks.
pub(super) struct Reader<'a> {
    flow: Flow,
    styles: &'a Styles,
    chunks: &'a Chunks,
    /// The paragraph being read (outside tables), if one is open.
    paragraph: Option<Paragraph>,
    /// Paragraphs interrupted by one inside them (a text box's), innermost last.
    interrupted: Vec<Paragraph>,
    in_text: bool,
    /// How deep inside elements whose text is not read: `mc:Fallback` (the copy of a text box
    /// for older readers) and `w:rt` (ruby, the reading aid printed over its base text).
    in_skipped: usize,
    /// Tables being read, innermost last; a nested table's text goes into the outer cell.
    tables: Vec<Vec<Vec<String>>>,
    /// The sections declared so far (`w:sectPr`), in order.
    sections: Vec<Section>,
    /// The notes referred to so far, in order: their ids, and their numbers (none for a note
    /// with its own mark).
    footnotes: Vec<(String, Option<usize>)>,
    endnotes: Vec<(String, Option<usize>)>,
    /// The comments to read, and the ids of those referred to since the last block.
    comments: &'a Comments,
    referred_comments: Vec<String>,
    /// A table the engine refused (too large); the document fails with it.
    failed: Option<EngineError>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(styles: &'a Styles, chunks: &'a Chunks, comments: &'a Comments) -> Self {
        Reader {
            flow: Flow::new(),
            styles,
            chunks,
            paragraph: None,
            interrupted: Vec::new(),
            in_text: false,
            in_skipped: 0,
            tables: Vec::new(),
            sections: Vec::new(),
            footnotes: Vec::new(),
            endnotes: Vec::new(),
            comments,
            referred_comments: Vec::new(),
            failed: None,
        }
    }

    pub(super) fn into_part(self) -> Result<Part, EngineError> {
        match self.failed {
            Some(too_large) => Err(too_large),
            None => Ok(Part {
                flow: self.flow,
                sections: self.sections,
                footnotes: self.footnotes,
                endnotes: self.endnotes,
            }),
        }
    }

    pub(super) fn visit(&mut self, node: Node) {
        if let Node::Open { ref name, empty: false, .. } | Node::Close { ref name } = node {
            if name == "Fallback" || name == "rt" {
                match node {
                    Node::Open { .. } => self.in_skipped += 1,
                    _ => self.in_skipped = self.in_skipped.saturating_sub(1),
                }
                return;
            }
        }
        if self.in_skipped > 0 {
            return;
        }
        match node {
            Node::Open { ref name, empty, .. } => match name.as_str() {
                "p" if self.tables.is_empty() => {
                    let open = Paragraph { text: String::new(), kind: BlockType::Text };
                    if let Some(outer) = self.paragraph.replace(open) {
                        self.interrupted.push(outer);
                    }
                }
                "pStyle" => {
                    let style = node.attr("val").unwrap_or_default();
                    let name = self.styles.get(style).map_or(style.to_lowercase(), Clone::clone);
                    if let Some(paragraph) = self.paragraph.as_mut() {
                        if name == "title" {
                            paragraph.kind = BlockType::Title;
                        } else if name.starts_with("heading") || name == "subtitle" {
                            paragraph.kind = BlockType::SectionHeader;
                        }
                    }
                }
                "numPr" => {
                    if let Some(paragraph) = self.paragraph.as_mut().filter(|p| p.kind == BlockType::Text) {
                        paragraph.kind = BlockType::ListItem;
                    }
                }
                "pageBreakBefore" if node.attr("val").is_none_or(|v| v != "0" && v != "false") => {
                    self.page_break()
                }
                "sectPr" if !empty => self.sections.push(Section::default()),
                "altChunk" => {
                    self.flush();
                    for (kind, text) in
                        node.attr("id").and_then(|id| self.chunks.get(id)).into_iter().flatten()
                    {
                        self.flow.push(*kind, text);
                    }
                }
                "headerReference" | "footerReference" => {
                    if let (Some(section), Some(id)) = (self.sections.last_mut(), node.attr("id")) {
                        let kind = node.attr("type").unwrap_or("default").to_owned();
                        let references = if name == "headerReference" {
                            &mut section.headers
                        } else {
                            &mut section.footers
                        };
                        references.push((kind, id.to_owned()));
                    }
                }
                "titlePg" if node.attr("val").is_none_or(|v| v != "0" && v != "false") => {
                    if let Some(section) = self.sections.last_mut() {
                        section.title_page = true;
                    }
                }
                // A note's number stands where the text refers to it, unless the text gives its
                // own mark (`customMarkFollows`, the mark then being the next run).
                "footnoteReference" | "endnoteReference" => {
                    let notes =
                        if name == "footnoteReference" { &mut self.footnotes } else { &mut self.endnotes };
                    let numbered = node.attr("customMarkFollows").is_none_or(|v| v == "0" || v == "false");
                    let number = numbered.then(|| notes.iter().filter(|(_, n)| n.is_some()).count() + 1);
                    notes.push((node.attr("id").unwrap_or_default().to_owned(), number));
                    if let Some(number) = number {
                        self.write(&number.to_string());
                    }
                }
                "commentReference" if !self.comments.is_empty() => {
                    self.referred_comments.push(node.attr("id").unwrap_or_default().to_owned());
                }
                "t" => self.in_text = !empty,
                // A positional tab (`w:ptab`) lays out a header's left, centre and right parts.
                "tab" | "ptab" => self.write("\t"),
                // The text before the break stays on this page; the rest of the paragraph (same
                // type) starts the next. A table cannot be cut, so within one it is a space.
                "br" | "cr" if node.attr("type") == Some("page") && self.tables.is_empty() => {
                    self.flush();
                    self.page_break();
                }
                "br" | "cr" => self.write("\n"),
                "tbl" => {
                    // Only a text box puts a table inside a paragraph: what the paragraph said
                    // so far comes first.
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
                "p" if self.tables.is_empty() => {
                    self.flush();
                    self.push_comments();
                    self.paragraph = self.interrupted.pop();
                }
                // Paragraphs within a cell are separated by a space.
                "p" => self.write(" "),
                "tbl" => {
                    if let Some(table) = self.tables.pop() {
                        if self.tables.is_empty() {
                            if let Err(too_large) = self.flow.table(table) {
                                self.failed.get_or_insert(too_large);
                            }
                            self.push_comments();
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
            None => {
                if let Some(paragraph) = self.paragraph.as_mut() {
                    paragraph.text.push_str(text);
                }
            }
        }
    }

    /// Adds the open paragraph's text so far as a block; the paragraph stays open.
    fn flush(&mut self) {
        if let Some(paragraph) = self.paragraph.as_mut() {
            self.flow.push(paragraph.kind, &paragraph.text);
            paragraph.text.clear();
        }
    }

    /// Adds the comments referred to since the last block, each a block of its own.
    fn push_comments(&mut self) {
        for id in std::mem::take(&mut self.referred_comments) {
            if let Some(text) = self.comments.get(&id) {
                self.flow.push(BlockType::Comment, text);
            }
        }
    }

    fn page_break(&mut self) {
        // Consecutive breaks make no blank pages.
        if !self.flow.current_page_is_empty() {
            self.flow.start_page();
        }
    }
}
