//! The local document engine: pure functions from a document's bytes and a configuration to
//! Reducto-shaped results. No HTTP, no SQL, no clock, no randomness: the same input always
//! gives the same output, so runs are reproducible and unit-testable on real files.
//!
//! - [`parse`] reads a document into pages of blocks (PDF text layer via pdf_oxide, plain text);
//! - [`chunk`] groups those blocks into the chunks the API returns.
//!
//! It says plainly what it cannot do: a format it does not read, an encrypted PDF without the
//! right password, or a PDF with no text layer (a scan; there is no OCR) is an
//! [`EngineError`], never an empty success.

pub mod chunk;
pub mod parse;
mod pdf;
mod text;

use serde::Serialize;

pub use chunk::Chunking;

/// What a parse run needs besides the bytes.
#[derive(Debug, Clone, Default)]
pub struct ParseConfig {
    pub chunking: Chunking,
    /// Opens encrypted PDFs (`settings.document_password`).
    pub password: Option<String>,
}

/// The engine's answer: the page count and the chunks, ready to serialize.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOutput {
    pub num_pages: u32,
    pub chunks: Vec<Chunk>,
}

/// Reads a document and chunks it. `extension` is the upload's (lowercase, no dot), if known.
pub fn run_parse(
    bytes: &[u8],
    extension: Option<&str>,
    config: &ParseConfig,
) -> Result<ParseOutput, EngineError> {
    let document = parse::read(bytes, extension, config.password.as_deref())?;
    Ok(ParseOutput {
        num_pages: document.pages.len() as u32,
        chunks: chunk::chunk(&document, config.chunking),
    })
}

/// A document as read: its pages in order, each with blocks in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub pages: Vec<Page>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// 1-indexed.
    pub number: u32,
    pub blocks: Vec<Block>,
}

/// Reducto's `ParseBlock`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Block {
    #[serde(rename = "type")]
    pub kind: BlockType,
    pub bbox: BoundingBox,
    pub content: String,
    /// Always `"high"`: the text comes from the document's own text layer, not from OCR.
    pub confidence: &'static str,
}

/// The block types this engine can tell apart honestly (a subset of Reducto's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BlockType {
    Title,
    #[serde(rename = "Section Header")]
    SectionHeader,
    Text,
    #[serde(rename = "Page Number")]
    PageNumber,
}

/// Reducto's `BoundingBox`: fractions of the page (0..1), origin at the top left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BoundingBox {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// 1-indexed.
    pub page: u32,
    /// 1-indexed; equal to `page` as this engine never reorders or splits pages.
    pub original_page: u32,
}

/// Reducto's `ParseChunk`.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    NoTextLayer { pages: usize },
    EmptyText,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::UnsupportedType(ext) => write!(
                f,
                "Unsupported file type '{ext}': the local engine reads PDF and plain text (txt, md)"
            ),
            EngineError::PasswordRequired => {
                f.write_str("The PDF is encrypted: pass its password in settings.document_password")
            }
            EngineError::WrongPassword => {
                f.write_str("The password in settings.document_password does not open this encrypted PDF")
            }
            EngineError::Unreadable(cause) => write!(f, "The PDF could not be read: {cause}"),
            EngineError::NoTextLayer { pages } => write!(
                f,
                "The PDF has {pages} page(s) but no text layer (a scan or images only); \
                 the local engine does not do OCR"
            ),
            EngineError::EmptyText => f.write_str("The text document is empty"),
        }
    }
}

impl std::error::Error for EngineError {}

#[cfg(test)]
mod tests {
    //! The engine on real PDFs (tests/fixtures/pdfs, from py-pdf/sample-files).
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

    fn parse(name: &str, chunking: Chunking, password: Option<&str>) -> Result<ParseOutput, EngineError> {
        let config = ParseConfig { chunking, password: password.map(str::to_owned) };
        run_parse(&fixture(name), Some("pdf"), &config)
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
        let blocks = |out: &ParseOutput| out.chunks.iter().map(|c| c.blocks.len()).sum::<usize>();
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
            let err = run_parse(&bytes, Some("pdf"), &ParseConfig::default()).unwrap_err();
            assert!(matches!(err, EngineError::Unreadable(_)), "{err}");
        }
    }

    #[test]
    fn plain_text_is_one_page() {
        let out = run_parse(b"First paragraph.\n\nSecond.", Some("txt"), &ParseConfig::default()).unwrap();
        assert_eq!(out.num_pages, 1);
        assert_eq!(out.chunks[0].content, "First paragraph.\n\nSecond.");
    }
}
