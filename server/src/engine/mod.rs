//! The local document engine: pure functions from a document's bytes and a configuration to
//! Reducto-shaped results. No HTTP, no SQL, no clock, no randomness: the same input always
//! gives the same output, so runs are reproducible and unit-testable on real files.
//!
//! - [`parse`] reads a document into pages of blocks: PDF (its text layer, via pdf_oxide, and
//!   its scanned pages through [`ocr`]), images (PNG, JPEG, TIFF, through [`ocr`]), plain text
//!   and Markdown, HTML, CSV, DOCX and XLSX (the last two through [`archive`], which refuses
//!   ZIP bombs);
//! - [`chunk`] groups those blocks into the chunks the API returns;
//! - [`split`] assigns pages to categories, [`extract`] fills a JSON Schema from the text.
//!
//! Long work reports each page through an [`OnPage`] callback, which is how the job runner
//! learns progress and how it stops a run (cancel, shutdown): the callback's `Err(Stopped)`
//! abandons the document at the next page boundary.
//!
//! It says plainly what it cannot do: a format it does not read, an encrypted PDF without the
//! right password, or a page with no text even after OCR is an [`EngineError`], never an
//! empty success.

pub mod archive;
pub mod chunk;
pub mod classify;
mod delimited;
mod docx;
pub mod edit;
mod encoding;
mod entities;
pub mod extract;
mod flow;
mod html;
pub mod ocr;
mod pages;
pub mod parse;
mod pdf;
mod pdf_limits;
pub mod present;
mod sizes;
pub mod split;
mod tables;
mod text;
pub mod topics;
mod xlsx;
mod xml;

use serde::{Deserialize, Serialize};

pub use chunk::Chunking;
pub use flow::TABLE_ROWS;
pub use pages::PageRange;
pub use present::Presentation;
pub use tables::TableFormat;
pub use xlsx::SkipHidden;

/// The caller asked the engine to stop (returned by an [`OnPage`] callback).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

/// Called after each page is read with `(pages done, pages in the document)`.
pub type OnPage<'a> = &'a mut dyn FnMut(u32, u32) -> Result<(), Stopped>;

/// Asked as the steps after reading go on (each field of extract, each page of split and
/// classify): `Err(Stopped)` abandons the work, as [`OnPage`] does while reading.
pub type KeepGoing<'a> = &'a dyn Fn() -> Result<(), Stopped>;

/// Reads a document into pages of blocks, reporting each page to `on_page`.
pub use parse::{read, ReadOptions};

/// A document as read: its pages in order, each with blocks in reading order, and the lines
/// and words OCR read on the pages that needed it (Reducto's `OCRResult`).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub pages: Vec<Page>,
    pub ocr: Ocr,
}

/// The stack of a thread that reads documents (a job's engine thread, and the page readers it
/// starts). The document readers recurse on nested structures, and a stack overflow aborts
/// the whole process: their inputs are bounded (a PDF's nesting and inflation by [`pdf_limits`]), and this
/// leaves room for those bounds in debug builds too. Only the pages the recursion touches are
/// ever committed.
pub const STACK_BYTES: usize = 256 << 20;

/// Reducto's `OCRResult`: empty when no page was OCR'd.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ocr {
    pub words: Vec<ocr::OcrText>,
    pub lines: Vec<ocr::OcrText>,
}

impl Ocr {
    fn on_pages(&self, numbers: &[u32]) -> Ocr {
        let keep = |texts: &Vec<ocr::OcrText>| {
            texts.iter().filter(|t| numbers.contains(&t.bbox.page)).cloned().collect()
        };
        Ocr { words: keep(&self.words), lines: keep(&self.lines) }
    }
}

impl Document {
    /// A document read from a text layer, with nothing OCR'd.
    pub fn new(pages: Vec<Page>) -> Document {
        Document { pages, ocr: Ocr::default() }
    }

    /// Puts what OCR read on page `number` in its place: the page's blocks, and its lines and
    /// words in `ocr`.
    fn put_ocr_page(&mut self, number: u32, page: ocr::OcrPage) {
        if let Some(read) = self.pages.iter_mut().find(|p| p.number == number) {
            read.blocks = page.blocks;
        }
        self.ocr.words.extend(page.words);
        self.ocr.lines.extend(page.lines);
    }

    /// Rebuilds a document from blocks read earlier (a `jobid://` input), placing each block
    /// on the page its box names; pages without blocks stay empty so the count is kept.
    pub fn from_blocks(num_pages: u32, blocks: impl IntoIterator<Item = Block>) -> Document {
        let mut pages: Vec<Page> =
            (1..=num_pages).map(|number| Page { number, blocks: Vec::new() }).collect();
        for block in blocks {
            let index = (block.bbox.page.max(1) - 1) as usize;
            if index >= pages.len() {
                let from = pages.len() as u32 + 1;
                pages.extend((from..=index as u32 + 1).map(|number| Page { number, blocks: Vec::new() }));
            }
            pages[index].blocks.push(block);
        }
        Document::new(pages)
    }
}

impl Document {
    /// Several documents as one (a multi-document `input`), in order: pages are renumbered
    /// 1..N across them, so split and extract see one run of pages, while each block's
    /// `original_page` keeps the page number it has in its own document.
    pub fn concat(documents: impl IntoIterator<Item = Document>) -> Document {
        let mut pages = Vec::new();
        let mut ocr = Ocr::default();
        for document in documents {
            let before = pages.len() as u32;
            for mut page in document.pages {
                let number = pages.len() as u32 + 1;
                page.number = number;
                for block in &mut page.blocks {
                    block.bbox.page = number;
                }
                pages.push(page);
            }
            let shifted = |texts: Vec<ocr::OcrText>| {
                texts.into_iter().map(move |mut text| {
                    text.bbox.page += before;
                    text
                })
            };
            ocr.words.extend(shifted(document.ocr.words));
            ocr.lines.extend(shifted(document.ocr.lines));
        }
        Document { pages, ocr }
    }

    /// The document restricted to the given page numbers (a split section), numbers kept.
    pub fn only_pages(&self, numbers: &[u32]) -> Document {
        Document {
            pages: self.pages.iter().filter(|p| numbers.contains(&p.number)).cloned().collect(),
            ocr: self.ocr.on_pages(numbers),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// 1-indexed.
    pub number: u32,
    pub blocks: Vec<Block>,
}

/// Reducto's `ParseBlock`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    #[serde(rename = "type")]
    pub kind: BlockType,
    pub bbox: BoundingBox,
    pub content: String,
    pub confidence: Confidence,
}

/// A block's confidence: `High` for text from the document's own text layer, `Low` for OCR'd
/// text with a word Tesseract was unsure of (see `ocr::HIGH_CONFIDENCE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Low,
}

/// The block types this engine can tell apart honestly (a subset of Reducto's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockType {
    /// A DOCX page header's text.
    Header,
    /// A DOCX page footer's text.
    Footer,
    Title,
    #[serde(rename = "Section Header")]
    SectionHeader,
    Text,
    #[serde(rename = "Page Number")]
    PageNumber,
    /// An HTML `li`, a numbered or bulleted DOCX paragraph.
    #[serde(rename = "List Item")]
    ListItem,
    /// A CSV, a sheet, an HTML or DOCX table, as a Markdown table (see `flow`).
    Table,
    /// A DOCX comment, when asked for (`formatting.include: ["comments"]`).
    Comment,
}

/// Reducto's `BoundingBox`: fractions of the page (0..1), origin at the top left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// 1-indexed.
    pub page: u32,
    /// 1-indexed; equal to `page` as this engine never reorders or splits pages, except in
    /// a multi-document input, where it is the page's number in its own document.
    pub original_page: u32,
}

impl BoundingBox {
    /// The smallest box holding both, on this one's page.
    pub fn union(&self, other: &BoundingBox) -> BoundingBox {
        let (left, top) = (self.left.min(other.left), self.top.min(other.top));
        let right = (self.left + self.width).max(other.left + other.width);
        let bottom = (self.top + self.height).max(other.top + other.height);
        BoundingBox { left, top, width: right - left, height: bottom - top, ..*self }
    }
}

/// Reducto's `ParseChunk`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    pub content: String,
    /// The same text as `content`: there is no separate embedding-optimized rendering.
    pub embed: String,
    /// Always null: enrichment needs a language model.
    pub enriched: Option<String>,
    pub enrichment_success: bool,
    pub blocks: Vec<Block>,
}

/// Why a document could not be parsed; each message says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    UnsupportedType(String),
    PasswordRequired,
    WrongPassword,
    Unreadable(String),
    /// A DOCX, XLSX, CSV or HTML file that is not what it claims to be.
    Malformed {
        format: &'static str,
        cause: String,
    },
    /// An archive refused before it is unpacked (a likely ZIP bomb), with the limit it broke.
    Refused(String),
    /// A table larger than the engine lays out: `cells` (rows × columns, blanks included) or
    /// text bytes past the limit, counted while it was read.
    TableTooLarge {
        what: &'static str,
        size: usize,
        limit: usize,
    },
    /// A PDF with no text on any page, even after OCR.
    NoTextLayer {
        pages: usize,
    },
    /// An image in which OCR found no text.
    NoTextInImage,
    /// OCR could not read a page (too large, too slow, a tool that failed).
    Ocr(String),
    /// The OCR tools are not installed.
    OcrUnavailable(String),
    EmptyText,
    /// `page_range` selects no page of the document.
    NoPageInRange {
        num_pages: u32,
    },
    /// `page_range` names sheets, and the document is not a spreadsheet.
    NoSheets {
        names: Vec<String>,
        format: String,
    },
    /// `page_range` names a sheet the workbook does not have.
    UnknownSheet {
        name: String,
        sheets: Vec<String>,
    },
    /// The [`OnPage`] callback asked to stop; the caller knows why.
    Stopped,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::UnsupportedType(ext) => write!(
                f,
                "Unsupported file type '{ext}': the local engine reads PDF, DOCX, XLSX, CSV, HTML, \
                 plain text (txt, md) and images (png, jpg, tiff)"
            ),
            EngineError::PasswordRequired => {
                f.write_str("The PDF is encrypted: pass its password in settings.document_password")
            }
            EngineError::WrongPassword => {
                f.write_str("The password in settings.document_password does not open this encrypted PDF")
            }
            EngineError::Unreadable(cause) => write!(f, "The PDF could not be read: {cause}"),
            EngineError::Malformed { format, cause } => {
                write!(f, "The {format} file could not be read: {cause}")
            }
            EngineError::Refused(why) => write!(f, "The document was refused: {why}"),
            EngineError::TableTooLarge { what, size, limit } => {
                write!(f, "table too large: {size} {what}, the limit is {limit}")
            }
            EngineError::NoTextLayer { pages } => write!(
                f,
                "The PDF has {pages} page(s) but no text: no text layer, and OCR found no text on \
                 its pages either"
            ),
            EngineError::NoTextInImage => f.write_str("OCR found no text in the image"),
            EngineError::Ocr(why) => write!(f, "OCR failed: {why}"),
            EngineError::OcrUnavailable(why) => write!(f, "OCR is not available on this server: {why}"),
            EngineError::EmptyText => f.write_str("The document is empty: it has no text"),
            EngineError::NoPageInRange { num_pages } => {
                write!(f, "page_range selects no page of this {num_pages}-page document")
            }
            EngineError::NoSheets { names, format } => write!(
                f,
                "page_range names sheets ({}), but only a spreadsheet (XLSX) has sheets and this \
                 document is a {format}: give page numbers instead",
                quoted(names)
            ),
            EngineError::UnknownSheet { name, sheets } => write!(
                f,
                "page_range names a sheet the workbook does not have: '{name}' (its sheets: {})",
                quoted(sheets)
            ),
            EngineError::Stopped => f.write_str("The run was stopped before the document was read"),
        }
    }
}

impl std::error::Error for EngineError {}

/// Names for a message: `'a', 'b'`.
fn quoted(names: &[String]) -> String {
    names.iter().map(|name| format!("'{name}'")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
impl Document {
    /// A document for tests of the steps after reading: each page's blocks as `(type, text)`,
    /// each filling its page.
    pub fn of_blocks<'a>(pages: impl IntoIterator<Item = Vec<(BlockType, &'a str)>>) -> Document {
        let pages = (1..)
            .zip(pages)
            .map(|(number, blocks)| {
                let bbox = BoundingBox {
                    left: 0.0,
                    top: 0.0,
                    width: 1.0,
                    height: 1.0,
                    page: number,
                    original_page: number,
                };
                let blocks = blocks
                    .into_iter()
                    .map(|(kind, text)| Block {
                        kind,
                        bbox,
                        content: text.to_owned(),
                        confidence: Confidence::High,
                    })
                    .collect();
                Page { number, blocks }
            })
            .collect();
        Document::new(pages)
    }
}

#[cfg(test)]
mod tests {
    //! The engine on real PDFs (tests/fixtures/pdfs: all 28 of py-pdf/sample-files' small ones).
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/../tests/fixtures/pdfs/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {path}: {e}"))
    }

    /// Page counts recorded upstream in files.json.
    fn expected_pages(name: &str) -> usize {
        let files: serde_json::Value = serde_json::from_slice(&fixture("files.json")).unwrap();
        let entry = files["data"].as_array().unwrap().iter().find(|f| f["path"] == name);
        entry.and_then(|f| f["pages"].as_u64()).unwrap_or_else(|| panic!("{name} not in files.json")) as usize
    }

    /// A sample PDF read and chunked, as a parse job does.
    #[derive(Debug, PartialEq)]
    struct Parsed {
        num_pages: u32,
        chunks: Vec<Chunk>,
    }

    fn parse(name: &str, chunking: Chunking, password: Option<&str>) -> Result<Parsed, EngineError> {
        parse_bytes(&fixture(name), "pdf", chunking, password)
    }

    fn parse_bytes(
        bytes: &[u8],
        extension: &str,
        chunking: Chunking,
        password: Option<&str>,
    ) -> Result<Parsed, EngineError> {
        let document = read(
            bytes,
            Some(extension),
            &ReadOptions { password, ..Default::default() },
            &mut |_, _| Ok(()),
        )?;
        Ok(Parsed { num_pages: document.pages.len() as u32, chunks: chunk::chunk(&document, chunking) })
    }

    #[test]
    fn page_counts_match_the_upstream_metadata() {
        for name in ["minimal-document.pdf", "pdflatex-4-pages.pdf"] {
            let out = parse(name, Chunking::Disabled, None).unwrap();
            assert_eq!(out.num_pages as usize, expected_pages(name), "{name}");
        }
        let encrypted = "libreoffice-writer-password.pdf";
        let out = parse(encrypted, Chunking::Disabled, Some("openpassword")).unwrap();
        assert_eq!(out.num_pages as usize, expected_pages(encrypted));
    }

    /// The fixtures with no text layer at all (images only, or text drawn as paths), which
    /// must fail with `NoTextLayer` (a 422 through the API) rather than parse to nothing.
    const WITHOUT_TEXT: &[&str] = &[
        "imagemagick-ASCII85Decode.pdf",
        "imagemagick-images.pdf",
        "imagemagick-CCITTFaxDecode.pdf",
        "imagemagick-lzw.pdf",
        "grayscale-image.pdf",
        "cmyk-image.pdf",
    ];

    #[test]
    fn every_fixture_has_its_page_count_or_says_it_has_no_text() {
        let files: serde_json::Value = serde_json::from_slice(&fixture("files.json")).unwrap();
        let mut report = Vec::new();
        for entry in files["data"].as_array().unwrap() {
            let name = entry["path"].as_str().unwrap();
            let pages = entry["pages"].as_u64().unwrap() as u32;
            let password = (entry["encrypted"] == true).then_some("openpassword");
            let got = parse(name, Chunking::Page, password);
            let ok = match &got {
                Ok(out) => out.num_pages == pages && !WITHOUT_TEXT.contains(&name),
                Err(EngineError::NoTextLayer { pages: n }) => {
                    *n == pages as usize && WITHOUT_TEXT.contains(&name)
                }
                Err(_) => false,
            };
            if !ok {
                report.push(format!("{name}: expected {pages} pages, got {:?}", got.map(|o| o.num_pages)));
            }
        }
        assert!(report.is_empty(), "{}", report.join("\n"));
        assert_eq!(files["data"].as_array().unwrap().len(), 28, "every fixture is listed");
    }

    /// Words compared without case, punctuation or direction marks.
    fn words(text: &str) -> Vec<String> {
        text.split_whitespace()
            .map(|word| word.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect())
            .filter(|word: &String| !word.is_empty())
            .collect()
    }

    /// The share of `expected` found in `text` in the same order (an ordered subsequence).
    fn in_order(expected: &[String], text: &[String]) -> f64 {
        let mut rest = text.iter();
        let found = expected.iter().filter(|word| rest.by_ref().any(|w| w == *word)).count();
        found as f64 / expected.len() as f64
    }

    /// Fixtures where poppler's order is not the one to follow: it jumps from the abstract to the
    /// top of the second column (we read column one, then column two), and it reads a form's
    /// field labels in another order than their layout.
    const ORDER_DIFFERS_FROM_POPPLER: &[&str] = &["multicolumn.pdf", "libreoffice-form.pdf"];
    /// Right-to-left fixtures: pdftotext writes right-to-left words in visual order between
    /// direction marks, so reading-order.json cannot judge them; the next test does.
    const RIGHT_TO_LEFT: &[&str] = &["habibi.pdf", "habibi-oneline-cmap.pdf", "habibi-rotated.pdf"];

    #[test]
    fn right_to_left_text_reads_in_logical_order() {
        // Every page shows "habibi حَبيبي"; poppler's word boxes (pdftotext -bbox) read
        // "حَبيبي habibi" and then "حَبيبي" again, because the PDF maps the Arabic word onto two
        // of its glyphs. The other glyphs of the word carry no text in the PDF, but pdf_oxide
        // reads their letters from the font, so the line also holds them ("بيبي").
        const ARABIC: &str = "حَبيبي";
        for name in RIGHT_TO_LEFT {
            let out = parse(name, Chunking::Page, None).unwrap();
            assert_eq!(out.chunks.len(), expected_pages(name), "{name}: a chunk per page");
            for chunk in &out.chunks {
                let text = &chunk.content;
                let (arabic, latin) = (text.find(ARABIC), text.find("habibi"));
                assert!(arabic.is_some() && arabic < latin, "{name}: the Arabic word, then habibi: {text:?}");
                assert_eq!(text.matches(ARABIC).count(), 2, "{name}: both words poppler reads: {text:?}");
                assert!(
                    !text.contains("ibibah") && !text.contains("يبيبَح"),
                    "{name}: nothing reversed: {text:?}"
                );
                let shaped = text.chars().any(|c| matches!(c as u32, 0xFB50..=0xFDFF | 0xFE70..=0xFEFF));
                assert!(!shaped, "{name}: letters, not presentation forms: {text:?}");
            }
        }
    }

    #[test]
    fn every_fixture_reads_the_words_poppler_reads_in_the_same_order() {
        // reading-order.json: the first 60 words pdftotext reads from each fixture with text
        // (written by tests/fixtures/pdfs/make-reading-order.mjs).
        let golden: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_slice(&fixture("reading-order.json")).unwrap();
        let mut report = Vec::new();
        for (name, expected) in golden.iter().filter(|(name, _)| !RIGHT_TO_LEFT.contains(&name.as_str())) {
            let password = name.contains("password").then_some("openpassword");
            let out = parse(name, Chunking::Disabled, password).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let text: Vec<String> = out.chunks.iter().flat_map(|chunk| words(&chunk.content)).collect();
            let expected: Vec<String> = expected.iter().flat_map(|word| words(word)).collect();
            let found =
                expected.iter().filter(|word| text.contains(word)).count() as f64 / expected.len() as f64;
            let ordered = in_order(&expected, &text);
            let order_counts = !ORDER_DIFFERS_FROM_POPPLER.contains(&name.as_str());
            // 0.8 leaves room for words pdftotext splits or joins differently (hyphenation).
            if found < 0.9 || (order_counts && ordered < 0.8) {
                report.push(format!("{name}: {found:.2} of the words, {ordered:.2} in order"));
            }
        }
        assert!(report.is_empty(), "{}", report.join("\n"));
        assert_eq!(golden.len(), 22, "every fixture with a text layer has its words recorded");
    }

    #[test]
    fn a_two_column_page_reads_column_by_column() {
        let out = parse("multicolumn.pdf", Chunking::Disabled, None).unwrap();
        let text = &out.chunks[0].content;
        let end_of_first_column =
            text.find("Nulla malesuada porttitor diam").expect("column one's last paragraph");
        let start_of_second = text.find("pellentesque ante. Phasellus").expect("column two's first line");
        assert!(end_of_first_column < start_of_second, "column one is read before column two");
    }

    #[test]
    fn text_and_boxes_of_a_one_page_document() {
        let out = parse("minimal-document.pdf", Chunking::Disabled, None).unwrap();
        assert_eq!(out.chunks.len(), 1);
        let chunk = &out.chunks[0];
        assert!(chunk.content.starts_with("Lorem ipsum dolor sit amet"), "{}", chunk.content);
        let body = &chunk.blocks[0];
        assert_eq!(body.kind, BlockType::Text);
        // pdfTeX's text block starts about a tenth of the way down an A4 page...
        assert!((0.05..0.2).contains(&body.bbox.top), "{:?}", body.bbox);
        // ...and its page number sits below it, near the bottom.
        let number = chunk.blocks.last().unwrap();
        assert_eq!((number.kind, number.content.as_str()), (BlockType::PageNumber, "1"));
        assert!(number.bbox.top > body.bbox.top + body.bbox.height);
        for b in &chunk.blocks {
            let bb = b.bbox;
            assert_eq!((bb.page, bb.original_page), (1, 1));
            assert!(bb.left >= 0.0 && bb.top >= 0.0 && bb.width > 0.0 && bb.height > 0.0);
            assert!(bb.left + bb.width <= 1.0 && bb.top + bb.height <= 1.0, "{bb:?}");
        }
    }

    #[test]
    fn chunk_modes_on_a_four_page_document() {
        let name = "pdflatex-4-pages.pdf";
        let whole = parse(name, Chunking::Disabled, None).unwrap();
        assert_eq!(whole.chunks.len(), 1);
        assert!(whole.chunks[0].content.starts_with("Hello, here is some text without a meaning."));

        let pages = parse(name, Chunking::Page, None).unwrap();
        assert_eq!(pages.chunks.len(), 4);
        for (i, chunk) in pages.chunks.iter().enumerate() {
            assert!(chunk.blocks.iter().all(|b| b.bbox.page == i as u32 + 1), "chunk {i}");
        }

        let variable = parse(name, Chunking::Variable { size: 1000 }, None).unwrap();
        let blocks = |out: &Parsed| out.chunks.iter().map(|c| c.blocks.len()).sum::<usize>();
        assert!(variable.chunks.len() > 1);
        assert_eq!(blocks(&variable), blocks(&whole), "no block is lost or split");
        for chunk in &variable.chunks {
            assert!(chunk.blocks.len() == 1 || chunk.content.chars().count() <= 1000);
        }
    }

    #[test]
    fn encrypted_pdf_needs_the_right_password() {
        let name = "libreoffice-writer-password.pdf";
        let out = parse(name, Chunking::Disabled, Some("openpassword")).unwrap();
        assert!(out.chunks[0].content.contains("Lorem ipsum"), "{}", out.chunks[0].content);
        assert_eq!(parse(name, Chunking::Disabled, None), Err(EngineError::PasswordRequired));
        assert_eq!(parse(name, Chunking::Disabled, Some("guess")), Err(EngineError::WrongPassword));
        assert!(EngineError::PasswordRequired.to_string().contains("document_password"));
    }

    #[test]
    fn images_without_a_text_layer_are_an_error_not_an_empty_result() {
        let name = "imagemagick-images.pdf";
        let pages = expected_pages(name);
        assert_eq!(parse(name, Chunking::Disabled, None), Err(EngineError::NoTextLayer { pages }));
    }

    #[test]
    fn broken_pdfs_are_unreadable() {
        let mut truncated = fixture("minimal-document.pdf");
        truncated.truncate(400);
        for bytes in [b"%PDF-1.4\nnot really a pdf".to_vec(), truncated] {
            let err = parse_bytes(&bytes, "pdf", Chunking::default(), None).unwrap_err();
            assert!(matches!(err, EngineError::Unreadable(_)), "{err}");
        }
    }

    #[test]
    fn every_page_is_reported_and_a_stop_is_honoured() {
        let bytes = fixture("pdflatex-4-pages.pdf");
        let mut seen = Vec::new();
        let doc = read(&bytes, Some("pdf"), &ReadOptions::default(), &mut |done, total| {
            seen.push((done, total));
            Ok(())
        })
        .unwrap();
        assert_eq!(doc.pages.len(), 4);
        assert_eq!(seen, [(1, 4), (2, 4), (3, 4), (4, 4)]);

        let mut calls = 0;
        let stopped = read(&bytes, Some("pdf"), &ReadOptions::default(), &mut |done, _| {
            calls += 1;
            if done == 2 {
                Err(Stopped)
            } else {
                Ok(())
            }
        });
        assert_eq!((stopped, calls), (Err(EngineError::Stopped), 2), "no page is read after a stop");
    }

    #[test]
    fn a_document_rebuilt_from_its_blocks_chunks_the_same() {
        let out = parse("pdflatex-4-pages.pdf", Chunking::Disabled, None).unwrap();
        let blocks = out.chunks.into_iter().flat_map(|c| c.blocks);
        let rebuilt = Document::from_blocks(out.num_pages, blocks);
        assert_eq!(rebuilt.pages.len(), 4);
        let direct = parse("pdflatex-4-pages.pdf", Chunking::Page, None).unwrap();
        assert_eq!(chunk::chunk(&rebuilt, Chunking::Page), direct.chunks);
    }

    #[test]
    fn plain_text_is_one_page() {
        let out = parse_bytes(b"First paragraph.\n\nSecond.", "txt", Chunking::default(), None).unwrap();
        assert_eq!(out.num_pages, 1);
        assert_eq!(out.chunks[0].content, "First paragraph.\n\nSecond.");
    }
}
