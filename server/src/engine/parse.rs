//! Reading a document: decide its format from its bytes and extension, then hand it to the
//! reader for that format. The bytes win over the extension for PDF (a PDF uploaded as
//! `.bin` is still a PDF); text needs a text extension, or no extension and valid UTF-8.

use super::{pdf, text, Document, EngineError, OnPage, Stopped};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Text,
    Markdown,
}

/// Whether the bytes are a PDF: the header may sit anywhere in the first 1024 bytes.
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-")
}

pub fn detect(bytes: &[u8], extension: Option<&str>) -> Result<Format, EngineError> {
    if looks_like_pdf(bytes) {
        return Ok(Format::Pdf);
    }
    match extension {
        Some("txt" | "text") => Ok(Format::Text),
        Some("md" | "markdown") => Ok(Format::Markdown),
        // A declared PDF without a PDF header is a broken PDF, not an unknown type.
        Some("pdf") => Err(EngineError::Unreadable("the file does not start with a PDF header".into())),
        None if std::str::from_utf8(bytes).is_ok() => Ok(Format::Text),
        Some(other) => Err(EngineError::UnsupportedType(other.to_owned())),
        None => Err(EngineError::UnsupportedType("unknown".into())),
    }
}

pub fn read(
    bytes: &[u8],
    extension: Option<&str>,
    password: Option<&str>,
    on_page: OnPage,
) -> Result<Document, EngineError> {
    let single_page = |document: Document, on_page: OnPage| {
        on_page(1, 1).map_err(|Stopped| EngineError::Stopped)?;
        Ok(document)
    };
    match detect(bytes, extension)? {
        Format::Pdf => pdf::read(bytes, password, on_page),
        // Declared text that is not UTF-8 (Latin-1, say) is read lossily rather than refused.
        Format::Text => single_page(text::read(&String::from_utf8_lossy(bytes), false)?, on_page),
        Format::Markdown => single_page(text::read(&String::from_utf8_lossy(bytes), true)?, on_page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_from_bytes_then_extension() {
        assert_eq!(detect(b"%PDF-1.7\n...", Some("bin")), Ok(Format::Pdf));
        assert_eq!(detect(b"hello", Some("md")), Ok(Format::Markdown));
        assert_eq!(detect(b"hello", None), Ok(Format::Text));
        assert_eq!(detect(b"PK\x03\x04...", Some("docx")), Err(EngineError::UnsupportedType("docx".into())));
        assert_eq!(detect(&[0xff, 0xfe, 0x00], None), Err(EngineError::UnsupportedType("unknown".into())));
        assert!(matches!(detect(b"not a pdf", Some("pdf")), Err(EngineError::Unreadable(_))));
    }
}
