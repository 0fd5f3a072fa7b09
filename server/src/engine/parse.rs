//! Reading a document: decide its format from its bytes and extension, then hand it to the
//! reader for that format. The bytes win over the extension where they are unambiguous: a
//! PDF uploaded as `.bin` is still a PDF, and a ZIP is a DOCX or an XLSX by its main part
//! (`word/document.xml` or `xl/workbook.xml`, or where its relationships say, of the content
//! type the package gives it), whatever its name. An OLE2 compound file is a
//! password-protected Office file or one of the binary formats before 2007 (`.doc`, `.xls`),
//! which are named as such. Text formats (plain, Markdown, HTML, CSV) need their extension, or
//! no extension and bytes that are plainly text (UTF-8, or UTF-16 with its byte order mark;
//! then HTML if it opens like HTML, else plain text); their encoding is decided by
//! [`encoding`]. Images (PNG, JPEG, TIFF) are told by their first bytes and read by OCR, and so
//! are the pictures of a DOCX with no text.

use super::archive::{self, Archive, Limits};
use super::{
    delimited, docx, encoding, html, ocr, pdf, text, xlsx, Document, EngineError, OnPage, Page, PageRange,
    SkipHidden, Stopped,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Text,
    Markdown,
    Html,
    Csv,
    Tsv,
    Docx,
    Xlsx,
    /// An image, by the extension its format is known by (`png`, `jpg`, `tiff`).
    Image(&'static str),
}

/// The image format of these first bytes, if they are one OCR reads.
fn image_format(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("jpg"),
        [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => Some("tiff"),
        _ => None,
    }
}

/// Whether an Office package is a DOCX or an XLSX, by its main part: where Office puts it,
/// or, for a package another tool laid out as it liked (a workbook at its root), by the content
/// type the package gives that part.
fn package_format(zip: &mut Archive) -> Result<Option<Format>, EngineError> {
    let main = zip.main_part()?.unwrap_or_default();
    if zip.contains("word/document.xml") || main.starts_with("word/") {
        return Ok(Some(Format::Docx));
    }
    if zip.contains("xl/workbook.xml") || main.starts_with("xl/") {
        return Ok(Some(Format::Xlsx));
    }
    let main_type = match main.as_str() {
        "" => None,
        main => zip.content_type(main)?,
    };
    Ok(match main_type.unwrap_or_default() {
        kind if kind.contains("wordprocessingml") => Some(Format::Docx),
        kind if kind.contains("spreadsheetml") => Some(Format::Xlsx),
        _ => None,
    })
}

/// Whether the bytes start like an OLE2 compound file: a Word 97-2003 or Excel 97-2003 file,
/// or an Office file encrypted with a password (its ZIP package sealed inside one).
fn looks_like_ole2(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Whether an OLE2 file has the `EncryptedPackage` stream of a password-protected Office file
/// (directory entry names are UTF-16).
fn holds_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(name.len()).any(|window| window == name)
}

/// Whether the bytes are a PDF: the header may sit anywhere in the first 1024 bytes.
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-")
}

/// Whether text opens like an HTML document (after any BOM and whitespace).
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = encoding::decode(&bytes[..bytes.len().min(512)], false).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

pub fn detect(bytes: &[u8], extension: Option<&str>) -> Result<Format, EngineError> {
    if looks_like_pdf(bytes) {
        return Ok(Format::Pdf);
    }
    if let Some(image) = image_format(bytes) {
        return Ok(Format::Image(image));
    }
    let office = match extension {
        Some("xlsx" | "xlsm") => Some("XLSX"),
        Some("docx" | "docm") => Some("DOCX"),
        _ => None,
    };
    if archive::looks_like_zip(bytes) {
        // Only the central directory and the package's relationships are read here; the
        // parts are read (within limits) later.
        let mut zip = Archive::open(bytes, office.unwrap_or("DOCX"), Limits::default())?;
        return if let Some(format) = package_format(&mut zip)? {
            Ok(format)
        } else if let Some(format) = office {
            let cause = "the ZIP archive holds neither a Word document (word/document.xml) nor an Excel \
                         workbook (xl/workbook.xml)";
            Err(EngineError::Malformed { format, cause: cause.into() })
        } else {
            Err(EngineError::UnsupportedType(extension.unwrap_or("zip").to_owned()))
        };
    }
    if let (Some(format), true) = (office, looks_like_ole2(bytes)) {
        let cause = if holds_encrypted_package(bytes) {
            "it is password-protected (encrypted), which the local engine cannot open: save a copy \
             without the password and send that"
        } else {
            "it is in the binary format of Office 97-2003 (.doc or .xls), not the ZIP-based format of \
             .docx and .xlsx: save it as .docx or .xlsx and send that"
        };
        return Err(EngineError::Malformed { format, cause: cause.into() });
    }
    match extension {
        Some("txt" | "text") => Ok(Format::Text),
        Some("md" | "markdown") => Ok(Format::Markdown),
        Some("html" | "htm" | "xhtml") => Ok(Format::Html),
        Some("csv") => Ok(Format::Csv),
        Some("tsv" | "tab") => Ok(Format::Tsv),
        // A declared PDF without a PDF header is a broken PDF, not an unknown type.
        Some("pdf") => Err(EngineError::Unreadable("the file does not start with a PDF header".into())),
        Some(format @ ("docx" | "xlsx")) => Err(EngineError::Malformed {
            format: if format == "docx" { "DOCX" } else { "XLSX" },
            cause: "it is not a ZIP archive".into(),
        }),
        None if encoding::is_text(bytes) => {
            Ok(if looks_like_html(bytes) { Format::Html } else { Format::Text })
        }
        Some(other) => Err(EngineError::UnsupportedType(other.to_owned())),
        None => Err(EngineError::UnsupportedType("unknown".into())),
    }
}

/// What a caller asks of a read besides the bytes (Reducto's `settings`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// `document_password`: opens an encrypted PDF.
    pub password: Option<&'a str>,
    /// `page_range`: the pages read, numbered again from 1; all when `None`.
    pub pages: Option<&'a PageRange>,
    /// `extraction_mode: "ocr"`: a PDF's pages are read by OCR, their text layer ignored.
    pub ocr_only: bool,
    /// `spreadsheet.exclude`: the hidden sheets, rows or columns of an XLSX left out.
    pub skip_hidden: SkipHidden,
    /// `formatting.include: ["comments"]`: a DOCX's comments read, as `Comment` blocks.
    pub comments: bool,
}

pub fn read(
    bytes: &[u8],
    extension: Option<&str>,
    options: &ReadOptions,
    on_page: OnPage,
) -> Result<Document, EngineError> {
    let text = || encoding::decode(bytes, false);
    let format = detect(bytes, extension)?;
    let document = match format {
        // These two read only the pages asked for.
        Format::Pdf => return pdf::read(bytes, options, on_page),
        Format::Xlsx => xlsx::read_xlsx(bytes, Limits::default(), options.pages, options.skip_hidden)?,
        Format::Text => text::read(&text(), false)?,
        Format::Markdown => text::read(&text(), true)?,
        Format::Html => html::read(&encoding::decode(bytes, true))?,
        Format::Csv => delimited::read_csv(&text(), None)?,
        Format::Tsv => delimited::read_csv(&text(), Some(b'\t'))?,
        Format::Docx => match docx::read(bytes, Limits::default(), options.comments) {
            // A document with no text may be a scan pasted into Word: its pictures are read.
            Err(EngineError::EmptyText) => read_pictures(bytes, on_page)?,
            read => read?,
        },
        Format::Image(extension) => {
            read_images(&[(bytes, extension)], on_page)?.ok_or(EngineError::NoTextInImage)?
        }
    };
    let document = match options.pages {
        Some(range) if format != Format::Xlsx => {
            let numbers = range.select(document.pages.len() as u32, format.name())?;
            document.keep_pages(&numbers)
        }
        _ => document,
    };
    // These formats have no page-by-page reader: their pages are reported once read.
    let total = document.pages.len() as u32;
    for done in 1..=total {
        on_page(done, total).map_err(|Stopped| EngineError::Stopped)?;
    }
    Ok(document)
}

impl Format {
    /// What messages call a document of this format.
    fn name(self) -> &'static str {
        match self {
            Format::Pdf => "PDF",
            Format::Text => "text file",
            Format::Markdown => "Markdown file",
            Format::Html => "HTML page",
            Format::Csv => "CSV file",
            Format::Tsv => "TSV file",
            Format::Docx => "DOCX",
            Format::Xlsx => "XLSX",
            Format::Image(_) => "image",
        }
    }
}

/// Images read by OCR, with their extensions: a page per image (a TIFF may hold several), the
/// progress told after each image. None when OCR finds no text in any.
fn read_images(images: &[(&[u8], &str)], on_page: OnPage) -> Result<Option<Document>, EngineError> {
    let mut read = Vec::new();
    for (done, (bytes, extension)) in images.iter().enumerate() {
        read.extend(ocr::read_image(bytes, extension)?);
        on_page(done as u32 + 1, images.len() as u32).map_err(|Stopped| EngineError::Stopped)?;
    }
    if read.iter().all(|page| page.blocks.is_empty()) {
        return Ok(None);
    }
    let numbers = 1..=read.len() as u32;
    let mut document =
        Document::new(numbers.clone().map(|number| Page { number, blocks: Vec::new() }).collect());
    for (number, page) in numbers.zip(read) {
        document.put_ocr_page(number, page);
    }
    Ok(Some(document))
}

/// A Word document with no text read from its pictures (PNG, JPEG, TIFF; others, drawings
/// such as EMF, are left out), a page each; still empty when OCR finds no text in them.
fn read_pictures(docx: &[u8], on_page: OnPage) -> Result<Document, EngineError> {
    let pictures = docx::pictures(docx, Limits::default())?;
    let images: Vec<(&[u8], &str)> = pictures
        .iter()
        .filter_map(|bytes| image_format(bytes).map(|format| (bytes.as_slice(), format)))
        .collect();
    if images.is_empty() {
        return Err(EngineError::EmptyText);
    }
    read_images(&images, on_page)?.ok_or(EngineError::EmptyText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_detected_from_bytes_then_extension() {
        assert_eq!(detect(b"%PDF-1.7\n...", Some("bin")), Ok(Format::Pdf));
        assert_eq!(detect(b"hello", Some("md")), Ok(Format::Markdown));
        assert_eq!(detect(b"hello", None), Ok(Format::Text));
        assert_eq!(detect(b"<!DOCTYPE html><p>hi", None), Ok(Format::Html));
        assert_eq!(detect(b"a,b", Some("csv")), Ok(Format::Csv));
        assert!(matches!(detect(b"PK\x03\x04...", Some("docx")), Err(EngineError::Malformed { .. })));
        assert!(matches!(
            detect(b"not a zip", Some("xlsx")),
            Err(EngineError::Malformed { format: "XLSX", .. })
        ));
        assert_eq!(detect(&[0x00, 0xff, 0x9c], None), Err(EngineError::UnsupportedType("unknown".into())));
        assert_eq!(detect(&[0xff, 0xfe, b'h', 0], None), Ok(Format::Text), "UTF-16, by its byte order mark");
        assert!(matches!(detect(b"not a pdf", Some("pdf")), Err(EngineError::Unreadable(_))));
    }

    #[test]
    fn an_ole2_file_named_docx_or_xlsx_says_what_it_is() {
        let ole2 = |stream: &str| {
            let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
            bytes.extend(vec![0; 504]);
            bytes.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        };
        let cause = |result| match result {
            Err(EngineError::Malformed { cause, .. }) => cause,
            other => panic!("{other:?}"),
        };
        assert!(cause(detect(&ole2("EncryptedPackage"), Some("docx"))).contains("password-protected"));
        assert!(cause(detect(&ole2("WordDocument"), Some("docx"))).contains("Office 97-2003"));
        assert!(cause(detect(&ole2("Workbook"), Some("xlsx"))).contains("save it as .docx or .xlsx"));
        assert_eq!(
            detect(&ole2("WordDocument"), Some("doc")),
            Err(EngineError::UnsupportedType("doc".into()))
        );
    }

    #[test]
    fn zips_are_told_apart_by_their_parts_not_their_names() {
        let docx = super::super::docx::tests::docx(&super::super::docx::tests::paragraph(None, "Hello"));
        let xlsx = super::super::xlsx::tests::xlsx(&[("S", &[&["a"]])]);
        assert_eq!(detect(&docx, Some("bin")), Ok(Format::Docx));
        assert_eq!(detect(&xlsx, None), Ok(Format::Xlsx));
        let other = archive::build(&[("readme.txt", b"hi")]);
        assert_eq!(detect(&other, None), Err(EngineError::UnsupportedType("zip".into())));
        assert!(matches!(
            detect(&other, Some("xlsx")),
            Err(EngineError::Malformed { format: "XLSX", cause }) if cause.contains("neither a Word document")
        ));
        let mut pages = Vec::new();
        let doc = read(&xlsx, Some("xlsx"), &ReadOptions::default(), &mut |done, total| {
            pages.push((done, total));
            Ok(())
        })
        .unwrap();
        assert_eq!((doc.pages.len(), pages), (1, vec![(1, 1)]));
    }

    #[test]
    fn a_workbook_at_the_package_root_is_told_by_its_content_type() {
        // calamine's minimal_package.xlsx: no xl/ folder, the parts at the root.
        let relationship = |kind: &str, target: &str| {
            format!(
                r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/></Relationships>"#
            )
        };
        let types = r#"<Types><Override PartName="/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
        let package = relationship("officeDocument", "workbook.xml");
        let workbook =
            r#"<workbook xmlns:r="r"><sheets><sheet name="Bookings" r:id="rId1"/></sheets></workbook>"#;
        let sheets = relationship("worksheet", "sheet1.xml");
        let sheet = r#"<worksheet><sheetData><row><c r="A1" t="inlineStr"><is><t>BKG_NUM</t></is></c></row></sheetData></worksheet>"#;
        let zip = archive::build(&[
            ("[Content_Types].xml", types.as_bytes()),
            ("_rels/.rels", package.as_bytes()),
            ("workbook.xml", workbook.as_bytes()),
            ("_rels/workbook.xml.rels", sheets.as_bytes()),
            ("sheet1.xml", sheet.as_bytes()),
        ]);
        assert_eq!(detect(&zip, Some("xlsx")), Ok(Format::Xlsx));
        let doc = read(&zip, Some("xlsx"), &ReadOptions::default(), &mut |_, _| Ok(())).unwrap();
        let text: Vec<&str> = doc.pages[0].blocks.iter().map(|block| block.content.as_str()).collect();
        assert!(text.iter().any(|content| content.contains("BKG_NUM")), "{text:?}");
    }
}
