//! PDF text layer via pdf_oxide: text spans with positions, grouped into lines and then into
//! paragraph blocks in pdf_oxide's reading order, with boxes normalized to the visible page.
//!
//! Pages with right-to-left letters are read from pdf_oxide's characters instead (see
//! `char_lines`): its spans reverse a whole span when part of it looks right-to-left, Latin
//! words included.
//!
//! What a filled form's fields show (their values, checkboxes as ☑ or ☐) is not in the page's
//! text but drawn from the form by the viewer: it is added to the lines it sits on
//! ([`super::edit::form::shown_values`]).
//!
//! A page whose text is drawn turned is read by poppler instead ([`turned`]). A page with no
//! text layer (a scan) is read by OCR ([`super::ocr`]), and so is a page whose text layer reads
//! as garbage ([`by_ocr`]); a document with no text even then is an error. Boxes are on the
//! page as it is displayed, after its `/Rotate`. Limits: block types are inferred from font
//! sizes only (Title, Section Header, Page Number, else Text).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use pdf_oxide::layout::{TextChar, TextSpan};
use pdf_oxide::PdfDocument;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::{
    ocr, pdf_limits, sizes, Block, BlockType, BoundingBox, Confidence, Document, EngineError, OnPage, Page,
    ReadOptions, Stopped,
};
use rect::Rect;

/// The PDF's pages `options` asks for, from their text layer, or by OCR where they have none
/// (or where `options` asks for OCR only).
pub fn read(bytes: &[u8], options: &ReadOptions, on_page: OnPage) -> Result<Document, EngineError> {
    let password = options.password;
    pdf_limits::check(bytes)?;
    let doc = open(bytes)?;
    // The document decrypted: for the limits check of its streams (unreadable to the check
    // above) and for the rasterizer, which never gets the password on its command line. A file
    // lopdf cannot decrypt is left to the engine's stack, and its scans cannot be rasterized.
    let mut decrypted = None;
    if doc.is_encrypted() {
        // Many encrypted PDFs have an empty user password and open without asking.
        let opened = match password {
            Some(pw) => doc.authenticate(pw.as_bytes()).map_err(unreadable)?,
            None => doc.authenticate(b"").map_err(unreadable)?,
        };
        match (opened, password) {
            (true, _) => {}
            (false, None) => return Err(EngineError::PasswordRequired),
            (false, Some(_)) => return Err(EngineError::WrongPassword),
        }
        decrypted = Some(decrypt(bytes, password.unwrap_or("")));
        if let Some(Ok(plain)) = &decrypted {
            pdf_limits::check(plain)?;
        }
    }
    let count = doc.page_count().map_err(unreadable)?;
    if count == 0 {
        return Err(EngineError::Unreadable("the document has no pages".into()));
    }
    let numbers = match options.pages {
        Some(range) => range.select(count as u32, "PDF")?,
        None => (1..=count as u32).collect(),
    };
    let mut pages = raw_pages(&doc, bytes, password.unwrap_or(""), &numbers, on_page)?;
    // A document none of whose pages can be read is not read by OCR instead.
    if pages.iter().all(|p| p.unread.is_some()) {
        if let Some(why) = pages.swap_remove(0).unread {
            return Err(why);
        }
    }
    // The document without its encryption, which lopdf (the form) and poppler (turned pages,
    // OCR) need. Poppler opens a document whose user password is empty by itself (no password
    // on its command line), so one lopdf cannot decrypt (an RC4 file without an /ID) is passed
    // as it is.
    let plain = match decrypted {
        None => Ok(Cow::Borrowed(bytes)),
        Some(Err(_)) if password.unwrap_or("").is_empty() => Ok(Cow::Borrowed(bytes)),
        Some(decrypted) => decrypted.map(Cow::Owned),
    };
    if options.ocr_only {
        for page in &mut pages {
            page.lines.clear();
        }
    } else if let Ok(plain) = &plain {
        turned::read(plain, &mut pages);
    }
    let to_ocr = by_ocr::pages(&pages);
    if has_form(&doc) {
        if let Ok(plain) = &plain {
            add_shown_values(&mut pages, super::edit::form::shown_values(plain));
        }
    }
    let pages_read = pages.len();
    let mut document = Document::new(blocks(pages));
    by_ocr::read(plain, &to_ocr, &mut document, on_page)?;
    if document.pages.iter().all(|p| p.blocks.is_empty()) {
        return Err(EngineError::NoTextLayer { pages: pages_read });
    }
    Ok(match options.pages {
        Some(_) => document.keep_pages(&numbers),
        None => document,
    })
}

/// Every cell of a PDF's text layer (a line's text between column gaps) with its box: where a
/// form prints each caption. A PDF that needs a password is an error.
pub fn text_cells(bytes: &[u8]) -> Result<Vec<(String, BoundingBox)>, EngineError> {
    pdf_limits::check(bytes)?;
    let doc = open(bytes)?;
    if doc.is_encrypted() && !doc.authenticate(b"").map_err(unreadable)? {
        return Err(EngineError::PasswordRequired);
    }
    let count = doc.page_count().map_err(unreadable)?;
    let numbers: Vec<u32> = (1..=count as u32).collect();
    let pages = raw_pages(&doc, bytes, "", &numbers, &mut |_, _| Ok(()))?;
    Ok(pages
        .into_iter()
        .flat_map(|page| {
            let cells = page.lines.into_iter().flat_map(|line| line.cells);
            cells.map(move |(text, rect)| (text, normalize(rect, page.area, page.number)))
        })
        .collect())
}

/// `bytes` opened by pdf_oxide, with its fonts the document's own.
///
/// pdf_oxide keeps, by default, a process-wide cache of up to 1024 parsed fonts, shared by every
/// document it opens. Each font memoizes its glyphs behind a mutex, so the page readers of one
/// parse (each with its own copy of the document) queued on that mutex at every glyph, and the
/// cache held on to the fonts of every document a long-running server had read. Off, each
/// document parses its fonts once and drops them with it.
fn open(bytes: &[u8]) -> Result<PdfDocument, EngineError> {
    static FONTS_PER_DOCUMENT: std::sync::Once = std::sync::Once::new();
    FONTS_PER_DOCUMENT.call_once(|| pdf_oxide::set_global_font_cache_capacity(0));
    PdfDocument::from_bytes(bytes.to_vec()).map_err(unreadable)
}

fn unreadable(e: pdf_oxide::Error) -> EngineError {
    EngineError::Unreadable(match e {
        // Its own message tells the caller to call a function of the library.
        pdf_oxide::Error::EncryptedPdf => {
            "it is encrypted, and its encryption could not be undone with the password given (or with none)"
                .into()
        }
        e => without_byte_dumps(&e.to_string()),
    })
}

/// `message` without the parser errors pdf_oxide prints as Rust debug output, the rest of the
/// file's bytes as numbers (`Error { input: [91, 49, …], code: Alt }`): "malformed syntax".
fn without_byte_dumps(message: &str) -> String {
    let mut clean = String::new();
    let mut rest = message;
    while let Some(start) = rest.find("Error { input: [") {
        clean.push_str(&rest[..start]);
        clean.push_str("malformed syntax");
        rest = &rest[start..];
        rest = rest.find(" }").map_or("", |end| &rest[end + 2..]);
    }
    clean + rest
}

/// The lines of the pages numbered `numbers` from their text layer (none on a scan). Reading them is most
/// of a parse and pages are independent, so a long document is read by as many threads as
/// there are CPUs, each with its own copy of the document (opened from `bytes` with
/// `password`, as `doc` was: a shared one serializes them on its caches). Progress is told, and
/// a stop heard, in page order on this thread. Fonts whose text maps pdf_oxide misreads are
/// read from the file with those maps corrected ([`cmaps`]).
fn raw_pages(
    doc: &PdfDocument,
    bytes: &[u8],
    password: &str,
    numbers: &[u32],
    on_page: OnPage,
) -> Result<Vec<RawPage>, EngineError> {
    let corrected = cmaps::reopened(doc, bytes, numbers);
    let (doc, bytes) = corrected.as_ref().map_or((doc, bytes), |(doc, file)| (doc, file.as_slice()));
    let count = numbers.len();
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).min(count / PAGES_PER_THREAD).max(1);
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (sender, read) = mpsc::channel();
    std::thread::scope(|scope| {
        for reader in 0..threads {
            let (next, stop, sender) = (&next, &stop, sender.clone());
            let work = move || {
                // The first reader reads the document already open; each other, a copy of its own.
                let copy = (reader > 0).then(|| open_copy(bytes, password)).transpose();
                let doc = match &copy {
                    Ok(copy) => copy.as_ref().unwrap_or(doc),
                    Err(e) => return drop(sender.send((0, Err(e.clone())))),
                };
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= count || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let page = raw_page(doc, numbers[index] as usize - 1);
                    if sender.send((index, Ok(page))).is_err() {
                        break;
                    }
                }
            };
            // The readers recurse on nested structures: as much stack as a job's engine thread.
            let spawned =
                std::thread::Builder::new().stack_size(super::STACK_BYTES).spawn_scoped(scope, work);
            if let Err(e) = spawned {
                stop.store(true, Ordering::Relaxed);
                return Err(EngineError::Unreadable(format!("cannot start a page reader: {e}")));
            }
        }
        drop(sender);
        let in_order = collect_in_order(&read, count, on_page);
        stop.store(true, Ordering::Relaxed);
        in_order
    })
}

/// The pages `read` sends, put in order, with progress told as each next page arrives.
fn collect_in_order(
    read: &mpsc::Receiver<(usize, Result<RawPage, EngineError>)>,
    count: usize,
    on_page: OnPage,
) -> Result<Vec<RawPage>, EngineError> {
    let mut pages: Vec<Option<RawPage>> = (0..count).map(|_| None).collect();
    let mut done = 0;
    while done < count {
        let (index, page) = read.recv().map_err(|_| EngineError::Unreadable("a page was not read".into()))?;
        pages[index] = Some(page?);
        while done < count && pages[done].is_some() {
            done += 1;
            on_page(done as u32, count as u32).map_err(|Stopped| EngineError::Stopped)?;
        }
    }
    Ok(pages.into_iter().flatten().collect())
}

/// Whether the document has a form (an AcroForm), whose fields' values a viewer draws.
fn has_form(doc: &PdfDocument) -> bool {
    let catalog = doc.catalog().ok();
    catalog.as_ref().and_then(|c| c.as_dict()).is_some_and(|c| c.contains_key("AcroForm"))
}

/// Puts each form value on its page as a viewer shows it: as a cell of the line it sits on,
/// in order across, or as a line of its own before the first line below it. A scanned page
/// gets none: OCR reads what the viewer draws there.
fn add_shown_values(pages: &mut [RawPage], values: Vec<super::edit::form::ShownValue>) {
    for value in values {
        let Some(page) = pages.get_mut((value.page as usize).wrapping_sub(1)) else { continue };
        if page.lines.is_empty() {
            continue;
        }
        let [x0, y0, x1, y1] = value.rect.map(|v| v as f32);
        let rect = Rect { x0, y0, x1, y1 };
        let text = value.text.split_whitespace().collect::<Vec<_>>().join(" ");
        // A box is drawn a little taller than its text; a multi-line box reads as body text.
        let font_size = (rect.height() * 0.7).min(VALUE_MAX_FONT_SIZE);
        let on_line = page
            .lines
            .iter_mut()
            .find(|line| rect.height() <= 2.0 * line.rect.height() && line.rect.shares_line(rect));
        match on_line {
            Some(line) => {
                let at =
                    line.cells.iter().position(|(_, cell)| cell.x0 > rect.x0).unwrap_or(line.cells.len());
                line.cells.insert(at, (text, rect));
                line.text = line.cells.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>().join("\t");
                line.rect = line.rect.union(rect);
                line.reach = line.reach.max(rect.x1);
            }
            None => {
                let below = page.lines.iter().position(|line| line.rect.center_y() < rect.center_y());
                let line =
                    Line { text: text.clone(), cells: vec![(text, rect)], rect, reach: rect.x1, font_size };
                page.lines.insert(below.unwrap_or(page.lines.len()), line);
            }
        }
    }
}

/// The largest font size a form value is taken to have, whatever its box's height.
const VALUE_MAX_FONT_SIZE: f32 = 10.0;

/// Page `index` from its text layer. A page pdf_oxide cannot read (a page object listed twice,
/// a broken reference) keeps why, and has no lines: it is then read by OCR, as a scan is, since
/// the rasterizer often draws what pdf_oxide refuses. A page without a usable box is taken to be
/// US Letter, as poppler takes it.
fn raw_page(doc: &PdfDocument, index: usize) -> RawPage {
    let number = index as u32 + 1;
    let area = doc.get_page_visible_box(index).unwrap_or((0.0, 0.0, 612.0, 792.0));
    // pdf_oxide reads `/Rotate` as a multiple of 90 in 0..360.
    let rotation = doc.get_page_rotation(index).unwrap_or(0) as u16;
    let page = RawPage {
        number,
        area,
        rotation,
        lines: Vec::new(),
        turned: false,
        reading: Default::default(),
        unread: None,
    };
    match page_lines(doc, index) {
        Ok((lines, turned)) => {
            let reading = garbled::read(lines.iter().map(|line| line.text.as_str()));
            RawPage { lines, turned, reading, ..page }
        }
        Err(e) => RawPage { unread: Some(unreadable(e)), ..page },
    }
}

/// Page `index`'s lines from its text layer, and whether its text is drawn turned.
fn page_lines(doc: &PdfDocument, index: usize) -> Result<(Vec<Line>, bool), pdf_oxide::Error> {
    let spans = doc.extract_spans(index)?;
    let right_to_left = spans.iter().any(|span| span.text.chars().any(is_right_to_left));
    let looks_turned = turned::looks_turned(&spans);
    // The characters, read only for the pages that need them.
    let chars = match right_to_left || looks_turned {
        true => doc.extract_chars(index)?,
        false => Vec::new(),
    };
    let turned = looks_turned && turned::is_turned(&chars);
    let lines = if right_to_left { char_lines(&chars) } else { lines(&spans) };
    Ok((lines, turned))
}

/// `bytes` opened, and authenticated with `password` when encrypted (the first copy was).
fn open_copy(bytes: &[u8], password: &str) -> Result<PdfDocument, EngineError> {
    let copy = open(bytes)?;
    if copy.is_encrypted() {
        copy.authenticate(password.as_bytes()).map_err(unreadable)?;
    }
    Ok(copy)
}

/// Fewer pages than this per thread are read on one: a copy of the document costs its opening.
const PAGES_PER_THREAD: usize = 16;

/// The PDF opened with its password and saved without encryption.
fn decrypt(bytes: &[u8], password: &str) -> Result<Vec<u8>, EngineError> {
    let undecryptable =
        |e: lopdf::Error| EngineError::Ocr(format!("the encrypted PDF could not be decrypted for it ({e})"));
    let options = lopdf::LoadOptions::with_password(password);
    let mut doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(undecryptable)?;
    // Loaded with its password, the objects are decrypted: the copy is saved as plain.
    if let Ok(id) = doc.trailer.get(b"Encrypt").and_then(lopdf::Object::as_reference) {
        doc.objects.remove(&id);
    }
    doc.trailer.remove(b"Encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(ocr::io)?;
    Ok(out)
}

/// A page before typing: its visible box `(x0, y0, x1, y1)` in PDF points, how far it is turned
/// for display, and its lines.
struct RawPage {
    number: u32,
    area: (f32, f32, f32, f32),
    /// Degrees clockwise (`/Rotate`: 0, 90, 180 or 270).
    rotation: u16,
    lines: Vec<Line>,
    /// Whether most of its text is drawn at an angle to the page ([`turned`]).
    turned: bool,
    /// What the lines hold: whether they read as text or as garbage.
    reading: garbled::Reading,
    /// Why pdf_oxide could not read the page, if it could not.
    unread: Option<EngineError>,
}

impl RawPage {
    /// Its width and height as displayed, in points.
    fn displayed_size(&self) -> (f32, f32) {
        let (width, height) = (self.area.2 - self.area.0, self.area.3 - self.area.1);
        match self.rotation {
            90 | 270 => (height, width),
            _ => (width, height),
        }
    }

    /// Where `r` shows on the page as displayed, in a box from the origin to
    /// [`Self::displayed_size`].
    fn displayed(&self, r: Rect) -> Rect {
        let (x0, y0, x1, y1) = self.area;
        let (w, h) = (x1 - x0, y1 - y0);
        // From the visible box's bottom left corner.
        let (left, bottom, right, top) = (r.x0 - x0, r.y0 - y0, r.x1 - x0, r.y1 - y0);
        match self.rotation {
            // Turned clockwise: the page's left edge is on top, its bottom on the left.
            90 => Rect { x0: bottom, y0: w - right, x1: top, y1: w - left },
            180 => Rect { x0: w - right, y0: h - top, x1: w - left, y1: h - bottom },
            270 => Rect { x0: h - top, y0: left, x1: h - bottom, y1: right },
            _ => Rect { x0: left, y0: bottom, x1: right, y1: top },
        }
    }
}

/// One line of text with its box in PDF space.
#[derive(Debug, Clone)]
struct Line {
    /// Its cells joined by tabs.
    text: String,
    /// Its text between column gaps, each with its box: a form's captions side by side.
    cells: Vec<(String, Rect)>,
    rect: Rect,
    /// Where the line's drawing ends on the right, blank spans included.
    reach: f32,
    font_size: f32,
}

/// Hebrew, Arabic and their presentation forms.
fn is_right_to_left(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

/// Arabic glyphs that a producer shaped itself (initial, medial, final and isolated forms).
fn is_presentation_form(c: char) -> bool {
    matches!(c as u32, 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// A gap between two pieces of one line wider than this many font sizes separates table
/// columns (or a label from its far-away value): it becomes a tab, which extract reads as a
/// cell boundary. Word spaces, even in loosely justified text, stay well under it.
const COLUMN_GAP_EMS: f32 = 1.0;

/// A gap between two glyphs or spans of one line wider than this many font sizes is a space
/// between words (a PDF often places its words with no space character between them).
const WORD_GAP_EMS: f32 = 0.15;

/// A span that starts within this many font sizes of where an earlier line on its baseline
/// ended continues that line, even when other text was drawn in between: some producers draw
/// a page in vertical strips, so "RE-20201121/50" and "8 issued at 2020-11-21" arrive far
/// apart. Under [`COLUMN_GAP_EMS`], so the gutter between two columns of prose never joins them.
const CONTINUATION_EMS: f32 = 0.6;

/// Joins spans that share a baseline band into lines, keeping reading order: consecutive
/// spans, and a span that continues an earlier line where it ended (see [`CONTINUATION_EMS`]).
fn lines(spans: &[TextSpan]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // Lines by their first baseline in whole points, to find the line a late span continues.
    let mut by_baseline: HashMap<i32, Vec<usize>> = HashMap::new();
    for span in spans {
        let rect = Rect::of(span.bbox);
        let size = span.font_size;
        let baseline = span.bbox.y.round() as i32;
        let follows_last = lines
            .last()
            .is_some_and(|line| line.rect.shares_line(rect) && !line.rect.overlaps_across(rect, size));
        let continued = if follows_last {
            Some(lines.len() - 1)
        } else {
            (baseline - 1..=baseline + 1).filter_map(|key| by_baseline.get(&key)).flatten().copied().find(
                |&i| {
                    let gap = rect.x0 - lines[i].reach;
                    lines[i].rect.shares_line(rect)
                        && gap > -size * WORD_GAP_EMS
                        && gap < size * CONTINUATION_EMS
                },
            )
        };
        let blank = span.text.trim().is_empty();
        match continued {
            // A blank span only carries the line on to where it ends, for a later continuation.
            Some(i) if blank => lines[i].reach = lines[i].reach.max(rect.x1),
            None if blank => {}
            Some(i) => {
                let line = &mut lines[i];
                // Either direction: right-to-left scripts come in reading order too.
                let gap = line.rect.gap(rect);
                match line.cells.last_mut() {
                    Some((text, cell)) if gap <= size * COLUMN_GAP_EMS => {
                        if gap > size * WORD_GAP_EMS && !text.ends_with(' ') && !span.text.starts_with(' ') {
                            text.push(' ');
                        }
                        text.push_str(&span.text);
                        *cell = cell.union(rect);
                    }
                    _ => line.cells.push((span.text.clone(), rect)),
                }
                line.rect = line.rect.union(rect);
                line.reach = line.reach.max(rect.x1);
                line.font_size = line.font_size.max(size);
            }
            None => {
                by_baseline.entry(baseline).or_default().push(lines.len());
                let cells = vec![(span.text.clone(), rect)];
                lines.push(Line { text: String::new(), cells, rect, reach: rect.x1, font_size: size });
            }
        }
    }
    for line in &mut lines {
        for (text, _) in &mut line.cells {
            *text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        line.cells.retain(|(text, _)| !text.is_empty());
        line.text = line.cells.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>().join("\t");
    }
    lines.retain(|l| !l.text.is_empty());
    lines
}

/// Lines from characters in content-stream order: consecutive characters on one baseline.
fn char_lines(chars: &[TextChar]) -> Vec<Line> {
    let mut groups: Vec<(Rect, Vec<&TextChar>)> = Vec::new();
    for c in chars {
        let rect = Rect::of(c.bbox);
        match groups.last_mut() {
            Some((line, members)) if line.shares_line(rect) => {
                *line = line.union(rect);
                members.push(c);
            }
            _ => groups.push((rect, vec![c])),
        }
    }
    groups
        .into_iter()
        .map(|(rect, members)| {
            let text = logical_text(&members);
            Line {
                // A right-to-left line is one cell: its words are ordered across the whole line.
                cells: vec![(text.clone(), rect)],
                text,
                rect,
                reach: rect.x1,
                font_size: members.iter().map(|c| c.font_size).fold(0.0, f32::max),
            }
        })
        .filter(|line| !line.text.is_empty())
        .collect()
}

/// The text of one line's characters, given in content-stream order, in logical order.
///
/// Producers draw right-to-left text in visual order (Skia, LibreOffice and Word place the
/// glyphs of an Arabic line from left to right, often word by word in reading order), so the
/// line is read by position, as poppler reads it: its glyphs from left to right, cut into words
/// at gaps; each word with right-to-left letters reversed; and on a line whose letters are
/// mostly right-to-left, the words reversed too, except that a run of left-to-right words
/// ("Jeremy is", "47") keeps its order. Pre-shaped glyphs (presentation forms) become their
/// letters (NFKC). A line with a glyph that maps to several characters (WeasyPrint puts a whole
/// word on one glyph, which a PDF reader splits into slivers) gives its text in reading order
/// already, and is read as given.
fn logical_text(chars: &[&TextChar]) -> String {
    let is_sliver = |c: &TextChar| {
        !is_presentation_form(c.char) && !c.char.is_whitespace() && c.bbox.width < c.font_size.max(1.0) * 0.15
    };
    let abut = |a: &TextChar, b: &TextChar| (b.bbox.x - (a.bbox.x + a.bbox.width)).abs() < 0.5;
    if chars.windows(2).any(|pair| is_sliver(pair[0]) && is_sliver(pair[1]) && abut(pair[0], pair[1])) {
        return text_in_content_order(chars);
    }
    let mut glyphs = chars.to_vec();
    glyphs.sort_by(|a, b| a.bbox.x.total_cmp(&b.bbox.x));
    // Words, left to right: a space character or a gap between glyphs ends one.
    let mut words: Vec<Vec<&TextChar>> = vec![Vec::new()];
    for (i, glyph) in glyphs.iter().enumerate() {
        let gap = i > 0 && {
            let previous = glyphs[i - 1];
            glyph.bbox.x - (previous.bbox.x + previous.bbox.width) > glyph.font_size.max(1.0) * WORD_GAP_EMS
        };
        let blank = glyph.char.is_whitespace();
        if (gap || blank) && words.last().is_some_and(|word| !word.is_empty()) {
            words.push(Vec::new());
        }
        if !blank {
            words.last_mut().expect("there is always a word").push(glyph);
        }
    }
    // Each word once: its direction, its letters, and its text in reading order.
    struct Word {
        rtl: bool,
        letters: usize,
        /// Punctuation alone, which takes the line's direction.
        neutral: bool,
        text: String,
    }
    let words: Vec<Word> = words
        .into_iter()
        .filter(|glyphs| !glyphs.is_empty())
        .map(|mut glyphs| {
            let rtl = glyphs.iter().any(|c| is_right_to_left(c.char));
            if rtl {
                glyphs.reverse();
            }
            Word {
                rtl,
                letters: glyphs.iter().filter(|c| c.char.is_alphabetic()).count(),
                neutral: !glyphs.iter().any(|c| c.char.is_alphanumeric()),
                text: glyphs.iter().flat_map(|c| c.char.nfkc()).collect(),
            }
        })
        .collect();
    let letters =
        |rtl: bool| words.iter().filter(|word| word.rtl == rtl).map(|word| word.letters).sum::<usize>();
    let rtl_line = letters(true) > letters(false);
    // Runs of words of one direction, in visual order; a right-to-left line reads its runs from
    // the right, and a right-to-left run its words too.
    let mut runs: Vec<(bool, Vec<String>)> = Vec::new();
    for word in words {
        let rtl = word.rtl || (rtl_line && word.neutral);
        match runs.last_mut() {
            Some((direction, texts)) if *direction == rtl => texts.push(word.text),
            _ => runs.push((rtl, vec![word.text])),
        }
    }
    if rtl_line {
        runs.reverse();
    }
    let in_reading_order = runs.into_iter().flat_map(|(rtl, mut texts)| {
        if rtl {
            texts.reverse();
        }
        texts
    });
    in_reading_order.collect::<Vec<_>>().join(" ")
}

/// A line whose text the PDF gives in reading order (see [`logical_text`]): its characters as
/// given, each run of pre-shaped glyphs (drawn in visual order) reversed into its letters.
fn text_in_content_order(chars: &[&TextChar]) -> String {
    let mut text = String::new();
    let mut shaped_run: Vec<char> = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let follows_gap =
            i > 0 && Rect::of(chars[i - 1].bbox).gap(Rect::of(c.bbox)) > c.font_size.max(1.0) * WORD_GAP_EMS;
        if follows_gap {
            // Inside a run of shaped glyphs the space is reversed with them.
            if shaped_run.is_empty() {
                text.push(' ')
            } else {
                shaped_run.push(' ')
            }
        }
        if is_presentation_form(c.char) {
            shaped_run.push(c.char);
            continue;
        }
        text.extend(shaped_run.drain(..).rev().flat_map(|glyph| glyph.nfkc()));
        if is_combining_mark(c.char) && text.ends_with(c.char) {
            continue;
        }
        text.push(c.char);
    }
    text.extend(shaped_run.drain(..).rev().flat_map(|glyph| glyph.nfkc()));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A paragraph being assembled from lines.
struct Para {
    lines: Vec<Line>,
    rect: Rect,
}

/// Groups each page's lines into paragraphs and types them; font sizes are compared with the
/// document's body size (the size that covers the most characters).
fn blocks(pages: Vec<RawPage>) -> Vec<Page> {
    let body = body_font_size(&pages);
    pages
        .into_iter()
        .map(|mut page| {
            let paras = paragraphs(std::mem::take(&mut page.lines), body);
            let last = paras.len().saturating_sub(1);
            let (width, height) = page.displayed_size();
            let blocks = paras
                .into_iter()
                .enumerate()
                .map(|(i, para)| {
                    let at_edge = i == 0 || i == last;
                    let rect = page.displayed(para.rect);
                    let block = to_block(para, rect, page.number, (0.0, 0.0, width, height), body, at_edge);
                    // Turned text that poppler did not read is as pdf_oxide misreads it.
                    let confidence = if page.turned { Confidence::Low } else { Confidence::High };
                    Block { confidence, ..block }
                })
                .collect();
            Page { number: page.number, blocks }
        })
        .collect()
}

fn body_font_size(pages: &[RawPage]) -> f32 {
    let sizes = pages.iter().flat_map(|p| &p.lines).map(|line| (f64::from(line.font_size), line.text.len()));
    sizes::body_size(sizes, 0.5).map_or(10.0, |size| size as f32) // half-point steps
}

fn paragraphs(lines: Vec<Line>, body: f32) -> Vec<Para> {
    let mut paras: Vec<Para> = Vec::new();
    for line in lines {
        let joins = paras.last().is_some_and(|p| continues(p, &line, body));
        match paras.last_mut() {
            Some(para) if joins => {
                para.rect = para.rect.union(line.rect);
                para.lines.push(line);
            }
            _ => paras.push(Para { rect: line.rect, lines: vec![line] }),
        }
    }
    paras
}

/// Whether `line` continues paragraph `para`: directly below its last line (a gap smaller
/// than a line's height), overlapping it horizontally, in about the same font size, not
/// heading-sized, and not the start of a new paragraph as typesetters mark it: a first-line
/// indent, or a previous line that stopped well short of the paragraph's right edge.
fn continues(para: &Para, line: &Line, body: f32) -> bool {
    let last = para.lines.last().expect("paragraphs are never empty");
    let gap = last.rect.y0 - line.rect.y1;
    let height = last.rect.height().max(line.rect.height());
    let below = gap >= -height * 0.3 && gap <= height * 0.7;
    let overlaps = line.rect.x0 < para.rect.x1 && line.rect.x1 > para.rect.x0;
    let same_size = (last.font_size - line.font_size).abs() <= last.font_size.max(1.0) * 0.1;
    let indented = line.rect.x0 > para.rect.x0 + line.font_size * 0.8;
    let para_width = para.rect.x1 - para.rect.x0;
    let ended_short = para.lines.len() > 1 && (last.rect.x1 - para.rect.x0) < para_width * 0.6;
    let heading = sizes::is_heading_size(f64::from(last.font_size), f64::from(body));
    below && overlaps && same_size && !indented && !ended_short && !heading
}

/// Types a paragraph, `rect` on the page `area` as displayed. A page number is a lone number
/// that is the first or last block on its page and sits in the top or bottom fifth of it.
fn to_block(
    para: Para,
    rect: Rect,
    page: u32,
    area: (f32, f32, f32, f32),
    body: f32,
    at_edge: bool,
) -> Block {
    let content = para.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    let size = para.lines.iter().map(|l| l.font_size).fold(0.0, f32::max);
    let short = para.lines.len() <= 3 && content.chars().count() <= 200;
    let bbox = normalize(rect, area, page);
    let middle = bbox.top + bbox.height / 2.0;
    let is_number = content.len() <= 4 && content.chars().all(|c| c.is_ascii_digit());
    let kind = if is_number && at_edge && !(0.2..=0.8).contains(&middle) {
        BlockType::PageNumber
    } else {
        sizes::kind_by_size(f64::from(size), f64::from(body), short, page)
    };
    Block { kind, bbox, content, confidence: Confidence::High }
}

/// PDF space (origin bottom left, points) to Reducto's page fractions (origin top left).
fn normalize(r: Rect, (x0, y0, x1, y1): (f32, f32, f32, f32), page: u32) -> BoundingBox {
    let (w, h) = ((x1 - x0).max(1.0) as f64, (y1 - y0).max(1.0) as f64);
    let fx = |x: f32| ((x - x0) as f64 / w).clamp(0.0, 1.0);
    let fy = |y: f32| ((y1 - y) as f64 / h).clamp(0.0, 1.0);
    let (left, right, top, bottom) = (fx(r.x0), fx(r.x1), fy(r.y1), fy(r.y0));
    BoundingBox {
        left: round(left),
        top: round(top),
        width: round(right - left),
        height: round(bottom - top),
        page,
        original_page: page,
    }
}

/// Six decimals: finer than any screen, and keeps the JSON short.
fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

mod by_ocr;
mod cmaps;
mod garbled;
mod rect;
#[cfg(test)]
mod tests;
mod turned;
