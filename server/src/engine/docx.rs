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

mod reader;

use std::collections::HashMap;

use super::archive::{Archive, Limits, Relationship};
use super::flow::Flow;
use super::xml::{walk, Node};
use super::{encoding, html, text, BlockType, Document, EngineError};
use reader::Reader;

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

/// The pictures the document's body shows (`a:blip`, and VML's `v:imagedata`), in order, each
/// once: what a document with no text may still hold, a scan pasted into Word.
pub fn pictures(bytes: &[u8], limits: Limits) -> Result<Vec<Vec<u8>>, EngineError> {
    let mut archive = Archive::open(bytes, "DOCX", limits)?;
    let main = archive.main_part()?.unwrap_or_else(|| "word/document.xml".into());
    let Some(body) = archive.text(&main)? else { return Ok(Vec::new()) };
    let parts = archive.relationships(&main)?;
    let mut ids: Vec<String> = Vec::new();
    walk(&body, &main, |node| {
        let id = match &node {
            Node::Open { name, .. } if name == "blip" => node.attr("embed"),
            Node::Open { name, .. } if name == "imagedata" => node.attr("id"),
            _ => None,
        };
        if let Some(id) = id.filter(|id| !ids.iter().any(|seen| seen == id)) {
            ids.push(id.to_owned());
        }
    })?;
    let mut pictures = Vec::new();
    for target in ids.iter().filter_map(|id| Relationship::by_id(&parts, id)) {
        pictures.extend(archive.bytes(target)?);
    }
    Ok(pictures)
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

#[cfg(test)]
pub mod tests;
