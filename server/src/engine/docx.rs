//! Word documents (DOCX): the paragraphs and tables of the main document part in order
//! (`word/document.xml`, or wherever the package's relationships say it is). A paragraph
//! styled Title is a title, one styled as a heading (by the style's name in the styles part,
//! so localized style ids work) a section header, a numbered or bulleted one a list item. A
//! text box is read once (Word keeps a second, fallback copy of each for older readers), as
//! paragraphs of their own; ruby (a reading guide printed over East Asian text) reads as its
//! base text. Content a generator imported as an HTML or plain-text chunk
//! (`w:altChunk`, as HTML-to-Word converters write) is read where it stands; chunks in other
//! formats (RTF, MHTML, another DOCX) are not.
//!
//! Word does not store where its pages end, only explicit breaks, so a document is one page
//! unless it has page breaks (`<w:br w:type="page"/>`, "page break before"). The header of the
//! first page (the first section's) opens it as `Header` blocks, and the footer of the last
//! page (the last section's) closes it as `Footer` blocks; they are not repeated on every page.
//!
//! Footnotes and endnotes are numbered 1, 2, … in the order the text refers to them (a note
//! with a mark of its own keeps it), the number written where the reference stands (as a PDF
//! of the document shows it), and their text follows the body on the last page, before its
//! footer: footnotes, then endnotes, each a block that starts with its number. (Word numbers
//! endnotes i, ii, … by default, and lays each footnote at the foot of its page, which a
//! document without stored page ends cannot know.)
//!
//! Comments (Word's margin notes) are read when asked for (Reducto's
//! `formatting.include: ["comments"]`): each a `Comment` block, "Author: text", after the
//! paragraph (or table) that holds its reference.

use std::collections::HashMap;

use super::archive::{Archive, Limits, Relationship};
use super::flow::Flow;
use super::xml::{walk, Node};
use super::{encoding, html, text, BlockType, Document, EngineError};

/// Style id → lowercase style name.
type Styles = HashMap<String, String>;

/// Relationship id of an imported chunk (`w:altChunk`) → its blocks.
type Chunks = HashMap<String, Vec<(BlockType, String)>>;

/// Comment id → its text as a block says it ("Author: text").
type Comments = HashMap<String, String>;

/// The document, with its comments when `with_comments`.
pub fn read(bytes: &[u8], limits: Limits, with_comments: bool) -> Result<Document, EngineError> {
    let mut archive = Archive::open(bytes, "DOCX", limits)?;
    let main = archive.main_part()?.unwrap_or_else(|| "word/document.xml".into());
    let body = archive
        .text(&main)?
        .ok_or_else(|| EngineError::Malformed { format: "DOCX", cause: format!("it has no {main}") })?;
    let parts = archive.relationships(&main)?;
    let styles_part = Relationship::of_kind(&parts, "styles").unwrap_or("word/styles.xml");
    let styles = match archive.text(styles_part)? {
        Some(xml) => style_names(&xml)?,
        None => HashMap::new(),
    };

    let chunks = read_chunks(&mut archive, &parts)?;
    let comments = match Relationship::of_kind(&parts, "comments").filter(|_| with_comments) {
        Some(part) => match archive.text(part)? {
            Some(xml) => notes(&xml, part, &styles)?,
            None => Comments::new(),
        },
        None => Comments::new(),
    };

    let Part { mut flow, sections, footnotes, endnotes } =
        read_part(&body, &main, &styles, &chunks, &comments)?;
    for (kind, referenced) in [("footnotes", footnotes), ("endnotes", endnotes)] {
        // Word writes a notes part, its separators alone, even when the text refers to none.
        if referenced.is_empty() {
            continue;
        }
        if let Some(part) = Relationship::of_kind(&parts, kind) {
            push_notes(&mut flow, &mut archive, part, &styles, referenced)?;
        }
    }
    let mut texts_of = |id: Option<&str>| -> Result<Vec<String>, EngineError> {
        let Some(part) = id.and_then(|id| Relationship::by_id(&parts, id)) else { return Ok(Vec::new()) };
        match archive.text(part)? {
            Some(xml) => Ok(read_part(&xml, part, &styles, &Chunks::new(), &Comments::new())?.flow.texts()),
            None => Ok(Vec::new()),
        }
    };
    flow.prepend(BlockType::Header, texts_of(first_page_header(&sections))?);
    for footer in texts_of(last_page_footer(&sections, flow.pages() == 1))? {
        flow.push(BlockType::Footer, &footer);
    }
    if !flow.has_text() {
        return Err(EngineError::EmptyText);
    }
    Ok(flow.finish())
}

/// The blocks of each imported chunk in a format the engine reads: HTML or plain text. A chunk
/// with no text has no blocks.
fn read_chunks(archive: &mut Archive, parts: &[Relationship]) -> Result<Chunks, EngineError> {
    let mut chunks = Chunks::new();
    for part in parts.iter().filter(|r| r.kind == "aFChunk") {
        let extension = part.target.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        let is_html = match extension.as_str() {
            "htm" | "html" | "xhtml" | "xht" => true,
            "txt" => false,
            _ => continue,
        };
        let Some(bytes) = archive.bytes(&part.target)? else { continue };
        let text = encoding::decode(&bytes, is_html);
        let read = if is_html { html::read(&text) } else { text::read(&text, false) };
        let blocks = match read {
            Ok(chunk) => {
                chunk.pages.into_iter().flat_map(|p| p.blocks).map(|b| (b.kind, b.content)).collect()
            }
            Err(EngineError::EmptyText) => Vec::new(),
            Err(e) => return Err(e),
        };
        chunks.insert(part.id.clone(), blocks);
    }
    Ok(chunks)
}

/// What a part of the document holds: its blocks, the sections it declares, and the footnotes
/// and endnotes it refers to (id and number), in the order it refers to them.
struct Part {
    flow: Flow,
    sections: Vec<Section>,
    footnotes: Vec<(String, Option<usize>)>,
    endnotes: Vec<(String, Option<usize>)>,
}

/// Reads part `xml` (named `name`).
fn read_part(
    xml: &str,
    name: &str,
    styles: &Styles,
    chunks: &Chunks,
    comments: &Comments,
) -> Result<Part, EngineError> {
    let mut reader = Reader::new(styles, chunks, comments);
    walk(xml, name, |node| reader.visit(node))?;
    reader.into_part()
}

/// Adds the `referenced` notes of notes part `part` to `flow`, in order, each starting with its
/// number.
fn push_notes(
    flow: &mut Flow,
    archive: &mut Archive,
    part: &str,
    styles: &Styles,
    referenced: Vec<(String, Option<usize>)>,
) -> Result<(), EngineError> {
    let Some(xml) = archive.text(part)? else { return Ok(()) };
    let mut texts = notes(&xml, part, styles)?;
    for (id, number) in referenced {
        if let Some(text) = texts.remove(&id).filter(|text| !text.trim().is_empty()) {
            let text = match number {
                Some(number) => format!("{number} {text}"),
                None => text,
            };
            flow.push(BlockType::Text, &text);
        }
    }
    Ok(())
}

/// The text of each note of a notes part (`word/footnotes.xml`, `word/endnotes.xml`,
/// `word/comments.xml`) by its id, its paragraphs on lines of their own; a comment's starts
/// with its author ("Ada: …"). The separators Word keeps among footnotes (notes of another
/// `w:type` than normal) are not notes.
fn notes(xml: &str, name: &str, styles: &Styles) -> Result<HashMap<String, String>, EngineError> {
    let (no_chunks, no_comments) = (Chunks::new(), Comments::new());
    let is_note = |name: &str| matches!(name, "footnote" | "endnote" | "comment");
    let mut notes = HashMap::new();
    // The note being read: its id, its author (a comment's), and its text so far.
    let mut note: Option<(String, Option<String>, Reader)> = None;
    let mut failed = None;
    walk(xml, name, |node| match node {
        Node::Open { ref name, empty: false, .. } if is_note(name) => {
            let separator = node.attr("type").is_some_and(|kind| kind != "normal");
            let id = node.attr("id").unwrap_or_default().to_owned();
            let author = node.attr("author").map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned);
            note = (!separator).then(|| (id, author, Reader::new(styles, &no_chunks, &no_comments)));
        }
        Node::Close { ref name } if is_note(name) => {
            if let Some((id, author, reader)) = note.take() {
                match reader.into_part() {
                    Ok(part) => {
                        let text = part.flow.texts().join("\n");
                        notes.insert(id, author.map_or(text.clone(), |author| format!("{author}: {text}")));
                    }
                    Err(e) => failed = Some(e),
                }
            }
        }
        node => {
            if let Some((_, _, reader)) = note.as_mut() {
                reader.visit(node);
            }
        }
    })?;
    match failed {
        Some(e) => Err(e),
        None => Ok(notes),
    }
}

/// A section's page headers and footers, as (type, relationship id): each section of a Word
/// document may have its own, for its first page (`first`, shown when `title_page`), its even
/// pages (`even`) and the rest (`default`).
#[derive(Debug, Default)]
struct Section {
    headers: Vec<(String, String)>,
    footers: Vec<(String, String)>,
    title_page: bool,
}

fn of_type<'a>(references: &'a [(String, String)], kind: &str) -> Option<&'a str> {
    references.iter().find(|(k, _)| k == kind).map(|(_, id)| id.as_str())
}

/// The header on the document's first page: its first section's.
fn first_page_header(sections: &[Section]) -> Option<&str> {
    let first = sections.first()?;
    of_type(&first.headers, if first.title_page { "first" } else { "default" })
}

/// The footer on the document's last page: the last section's, which a section that names
/// none takes from the one before it; the first-page footer when the document is that page.
fn last_page_footer(sections: &[Section], one_page: bool) -> Option<&str> {
    match sections {
        [only] if one_page && only.title_page => of_type(&only.footers, "first"),
        _ => sections.iter().rev().find_map(|s| of_type(&s.footers, "default")),
    }
}

/// Style id → lowercase style name (`"Heading1"` → `"heading 1"`).
fn style_names(xml: &str) -> Result<Styles, EngineError> {
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

/// One paragraph being read: its text so far and its type.
struct Paragraph {
    text: String,
    kind: BlockType,
}

struct Reader<'a> {
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
    fn new(styles: &'a Styles, chunks: &'a Chunks, comments: &'a Comments) -> Self {
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

    fn into_part(self) -> Result<Part, EngineError> {
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

    fn visit(&mut self, node: Node) {
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
        let doc = read(&docx(&body), Limits::default(), false).unwrap();
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
        let doc = read(&docx(&body), Limits::default(), false).unwrap();
        let pages: Vec<Vec<&str>> =
            doc.pages.iter().map(|p| p.blocks.iter().map(|b| b.content.as_str()).collect()).collect();
        assert_eq!(pages, [vec!["Page one", "Still one"], vec!["Page two"], vec!["Page three"]]);
        assert_eq!(doc.pages[2].blocks[0].bbox.page, 3);
    }

    #[test]
    fn a_text_box_is_read_once_and_the_paragraph_around_it_whole() {
        // Word writes a text box twice: as DrawingML (mc:Choice) and as VML for older readers
        // (mc:Fallback), each holding the box's own paragraphs, inside a run of the paragraph
        // the box is anchored to.
        let text_box = |copy: &str| {
            format!(
                "<w:txbxContent><w:p><w:r><w:t>{copy} line one</w:t></w:r></w:p><w:p><w:r><w:t>{copy} line two</w:t></w:r></w:p></w:txbxContent>"
            )
        };
        let body = format!(
            r#"<w:p><w:r><w:t xml:space="preserve">Before the box, </w:t></w:r><w:r><mc:AlternateContent>
                 <mc:Choice Requires="wps"><w:drawing><wps:txbx>{}</wps:txbx></w:drawing></mc:Choice>
                 <mc:Fallback><w:pict><v:textbox>{}</v:textbox></w:pict></mc:Fallback>
               </mc:AlternateContent></w:r><w:r><w:t>after it.</w:t></w:r></w:p>{}"#,
            text_box("Box"),
            text_box("Fallback"),
            paragraph(None, "Next paragraph"),
        );
        let doc = read(&docx(&body), Limits::default(), false).unwrap();
        let got: Vec<&str> = doc.pages[0].blocks.iter().map(|b| b.content.as_str()).collect();
        assert_eq!(got, ["Box line one", "Box line two", "Before the box, after it.", "Next paragraph"]);
    }

    /// A DOCX with a relationships part, its main part at `main`, and `parts` beside it.
    fn package(main: &str, body: &str, rels: &str, parts: &[(&str, &str)]) -> Vec<u8> {
        let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
        let document = format!("<w:document {w}><w:body>{body}</w:body></w:document>");
        let package_rels = format!(
            r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/></Relationships>"#
        );
        let (folder, file) = main.rsplit_once('/').unwrap();
        let main_rels = format!("<Relationships>{rels}</Relationships>");
        let mut entries: Vec<(String, Vec<u8>)> = vec![
            ("_rels/.rels".into(), package_rels.into_bytes()),
            (main.into(), document.into_bytes()),
            (format!("{folder}/_rels/{file}.rels"), main_rels.into_bytes()),
        ];
        for (name, body) in parts {
            let xml = format!("<w:hdr {w}>{body}</w:hdr>");
            entries.push((format!("{folder}/{name}"), xml.into_bytes()));
        }
        let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        archive::build(&entries)
    }

    pub fn relationship(id: &str, kind: &str, target: &str) -> String {
        format!(
            r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>"#
        )
    }

    fn blocks(doc: &Document) -> Vec<Vec<(BlockType, &str)>> {
        doc.pages.iter().map(|p| p.blocks.iter().map(|b| (b.kind, b.content.as_str())).collect()).collect()
    }

    #[test]
    fn the_first_page_has_the_header_and_the_last_the_footer() {
        let rels = [
            relationship("rId7", "header", "header1.xml"),
            relationship("rId8", "header", "header2.xml"),
            relationship("rId9", "footer", "footer1.xml"),
        ]
        .concat();
        let body = [
            paragraph(None, "Page one"),
            r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#.into(),
            paragraph(None, "Page two"),
            r#"<w:sectPr><w:headerReference w:type="even" r:id="rId8"/><w:headerReference w:type="default" r:id="rId7"/>
               <w:footerReference w:type="default" r:id="rId9"/></w:sectPr>"#
                .into(),
        ]
        .concat();
        let parts = [
            ("header1.xml", paragraph(None, "ACME Corp\tInvoice")),
            ("header2.xml", paragraph(None, "Even pages")),
            ("footer1.xml", paragraph(None, "Registered in Utopia")),
        ];
        let parts: Vec<(&str, &str)> = parts.iter().map(|(n, b)| (*n, b.as_str())).collect();
        let doc =
            read(&package("word/document2.xml", &body, &rels, &parts), Limits::default(), false).unwrap();
        assert_eq!(
            blocks(&doc),
            [
                vec![(BlockType::Header, "ACME Corp\tInvoice"), (BlockType::Text, "Page one")],
                vec![(BlockType::Text, "Page two"), (BlockType::Footer, "Registered in Utopia")],
            ]
        );
    }

    #[test]
    fn ruby_reads_as_its_base_text() {
        let body = r#"<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>とうきょう</w:t></w:r></w:rt>
            <w:rubyBase><w:r><w:t>東京</w:t></w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>へ</w:t></w:r></w:p>"#;
        assert_eq!(
            blocks(&read(&docx(body), Limits::default(), false).unwrap()),
            [vec![(BlockType::Text, "東京へ")]]
        );
    }

    #[test]
    fn comments_follow_what_they_comment_on_when_asked_for() {
        let rels = relationship("rId4", "comments", "comments.xml");
        let body = r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Price: 12 EUR</w:t></w:r>
            <w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Qty</w:t></w:r><w:r><w:commentReference w:id="1"/></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:t>Signed</w:t></w:r></w:p>"#;
        let comments = [
            format!(
                r#"<w:comments><w:comment w:id="0" w:author="Ada Lovelace">{}</w:comment>"#,
                paragraph(None, "Was 10 EUR?")
            ),
            format!(
                r#"<w:comment w:id="1" w:author="">{}{}</w:comment></w:comments>"#,
                paragraph(None, "Per box."),
                paragraph(None, "Not per item.")
            ),
        ]
        .concat();
        let bytes = package("word/document.xml", body, &rels, &[("comments.xml", &comments)]);
        let with = read(&bytes, Limits::default(), true).unwrap();
        assert_eq!(
            blocks(&with),
            [vec![
                (BlockType::Text, "Price: 12 EUR"),
                (BlockType::Comment, "Ada Lovelace: Was 10 EUR?"),
                (BlockType::Table, "| Qty |\n| --- |"),
                (BlockType::Comment, "Per box.\nNot per item."),
                (BlockType::Text, "Signed"),
            ]]
        );
        let without = read(&bytes, Limits::default(), false).unwrap();
        assert!(blocks(&without)[0].iter().all(|(kind, _)| *kind != BlockType::Comment));
    }

    #[test]
    fn footnotes_and_endnotes_are_numbered_where_referred_to_and_follow_the_body() {
        let rels = [
            relationship("rId5", "footnotes", "footnotes.xml"),
            relationship("rId6", "endnotes", "endnotes.xml"),
            relationship("rId9", "footer", "footer1.xml"),
        ]
        .concat();
        let body = r#"<w:p><w:r><w:t>The seller</w:t></w:r><w:r><w:footnoteReference w:id="7"/></w:r>
            <w:r><w:t xml:space="preserve"> delivers</w:t></w:r><w:r><w:endnoteReference w:id="2"/></w:r>
            <w:r><w:t xml:space="preserve"> on time</w:t></w:r><w:r><w:footnoteReference w:id="3"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
            <w:p><w:r><w:t>Signed</w:t></w:r><w:r><w:footnoteReference w:customMarkFollows="1" w:id="4"/><w:t>*</w:t></w:r></w:p>
            <w:sectPr><w:footerReference w:type="default" r:id="rId9"/></w:sectPr>"#;
        let note = |kind: &str, id: &str, paragraphs: &[&str]| {
            let runs: String = paragraphs.iter().map(|text| paragraph(None, text)).collect();
            format!(r#"<w:{kind} w:id="{id}"><w:p><w:r><w:{kind}Ref/></w:r></w:p>{runs}</w:{kind}>"#)
        };
        let footnotes = [
            r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"#
                .to_owned(),
            note("footnote", "3", &["Business days.", "Holidays excluded."]),
            note("footnote", "7", &["ACME GmbH, Berlin."]),
            note("footnote", "4", &["Electronically."]),
            note("footnote", "9", &["Never referred to."]),
        ]
        .concat();
        let parts = [
            ("footnotes.xml", footnotes),
            ("endnotes.xml", note("endnote", "2", &["See the terms."])),
            ("footer1.xml", paragraph(None, "Page 1")),
        ];
        let parts: Vec<(&str, &str)> = parts.iter().map(|(n, b)| (*n, b.as_str())).collect();
        let doc = read(&package("word/document.xml", body, &rels, &parts), Limits::default(), false).unwrap();
        assert_eq!(
            blocks(&doc),
            [vec![
                (BlockType::Text, "The seller1 delivers1 on time2."),
                (BlockType::Text, "Signed*"),
                (BlockType::Text, "1 ACME GmbH, Berlin."),
                (BlockType::Text, "2 Business days.\nHolidays excluded."),
                (BlockType::Text, "Electronically."),
                (BlockType::Text, "1 See the terms."),
                (BlockType::Footer, "Page 1"),
            ]]
        );
    }

    #[test]
    fn a_title_page_shows_its_own_header_and_a_document_of_headers_alone_is_not_empty() {
        let rels =
            [relationship("rId1", "header", "first.xml"), relationship("rId2", "footer", "footer.xml")]
                .concat();
        let sect = r#"<w:sectPr><w:headerReference w:type="first" r:id="rId1"/><w:footerReference w:type="first" r:id="rId2"/><w:titlePg/></w:sectPr>"#;
        let parts = [("first.xml", paragraph(None, "Letterhead")), ("footer.xml", paragraph(None, "Page 1"))];
        let parts: Vec<(&str, &str)> = parts.iter().map(|(n, b)| (*n, b.as_str())).collect();
        let doc = read(&package("word/document.xml", sect, &rels, &parts), Limits::default(), false).unwrap();
        assert_eq!(blocks(&doc), [vec![(BlockType::Header, "Letterhead"), (BlockType::Footer, "Page 1")]]);
    }

    #[test]
    fn an_imported_html_chunk_is_read_where_it_stands() {
        let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
        let body = format!(
            r#"<w:document {w}><w:body>{}<w:altChunk r:id="chunk1"/><w:altChunk r:id="chunk2"/>{}</w:body></w:document>"#,
            paragraph(None, "Before"),
            paragraph(None, "After"),
        );
        let rels = [
            relationship("chunk1", "aFChunk", "/word/afchunk.htm"),
            relationship("chunk2", "aFChunk", "b.rtf"),
        ]
        .concat();
        let html = "<html><body><h1>Imported</h1><p>From HTML, caf\u{e9}</p></body></html>";
        let bytes = archive::build(&[
            ("word/document.xml", body.as_bytes()),
            ("word/_rels/document.xml.rels", format!("<Relationships>{rels}</Relationships>").as_bytes()),
            ("word/afchunk.htm", html.as_bytes()),
            ("word/b.rtf", br"{\rtf1 not read}"),
        ]);
        let doc = read(&bytes, Limits::default(), false).unwrap();
        assert_eq!(
            blocks(&doc),
            [vec![
                (BlockType::Text, "Before"),
                (BlockType::Title, "Imported"),
                (BlockType::Text, "From HTML, café"),
                (BlockType::Text, "After"),
            ]]
        );
    }

    #[test]
    fn an_empty_or_partless_docx_is_an_error() {
        assert_eq!(
            read(&docx(&paragraph(None, "  ")), Limits::default(), false),
            Err(EngineError::EmptyText)
        );
        let no_body = archive::build(&[("word/styles.xml", b"<w:styles/>")]);
        assert!(matches!(
            read(&no_body, Limits::default(), false),
            Err(EngineError::Malformed { format: "DOCX", .. })
        ));
    }
}
