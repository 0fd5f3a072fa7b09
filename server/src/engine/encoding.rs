//! Text files in the encodings people's tools write. UTF-8 as it is; UTF-16 with a byte order
//! mark (Notepad's "Unicode", Excel's "Unicode Text"), as its mark says; an HTML page in the
//! charset its `<meta>` declares; anything else in Windows-1252, the superset of Latin-1 in
//! which Excel and Notepad on Windows write Western European text (a CSV saved by German or
//! French Excel), as browsers decode an undeclared page. Bytes that are not text in that
//! encoding become U+FFFD.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// `bytes` as text; `html` for a page that may declare its charset.
pub fn decode(bytes: &[u8], html: bool) -> Cow<'_, str> {
    let declared = if html { declared_charset(bytes) } else { None };
    let encoding = match std::str::from_utf8(bytes) {
        Ok(_) => UTF_8,
        Err(_) => declared.unwrap_or(WINDOWS_1252),
    };
    // `decode` follows a byte order mark over `encoding`, and drops it.
    encoding.decode(bytes).0
}

/// Whether `bytes` are text this module decodes without being told: UTF-8, or UTF-16 with its
/// byte order mark.
pub fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok() || Encoding::for_bom(bytes).is_some()
}

/// The encoding an HTML page's `<meta charset="…">` or `<meta http-equiv="Content-Type"
/// content="…; charset=…">` names in its first 1024 bytes, as browsers look for it.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let after = head.split("charset=").nth(1)?;
    let label = after.trim_start_matches(['"', '\'']).split(['"', '\'', ';', ' ', '/', '>']).next()?;
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_by_what_says_it() {
        assert_eq!(decode("Müller".as_bytes(), false), "Müller");
        // Windows-1252: ü is 0xFC, € is 0x80.
        assert_eq!(decode(b"M\xfcller;5 \x80", false), "Müller;5 €");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("Straße".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert!(is_text(&utf16));
        assert_eq!(decode(&utf16, false), "Straße");
        let page =
            b"<html><head><meta charset=\"koi8-r\"></head><body>\xf0\xd2\xc9\xd7\xc5\xd4</body></html>";
        assert!(decode(page, true).contains("Привет"));
        let page = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\"><p>\xb1</p>";
        assert!(decode(page, true).contains("<p>ą</p>"));
        assert!(!is_text(b"\xff\x00\x01"));
    }
}
