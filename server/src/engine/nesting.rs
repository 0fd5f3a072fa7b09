//! How deeply a PDF nests its arrays and dictionaries, checked before the PDF reader sees it.
//!
//! pdf_oxide parses nested objects by recursion and has no depth limit of its own (its
//! `ParserOptions::max_nesting` is never read), so an array nested 5,000 deep in a 10 KB file
//! overflows a thread's stack and aborts the whole server. This scan is a loop, not a
//! recursion: it reads the file's own syntax, and the decoded data of its streams (object
//! streams and content streams hold the same syntax), and refuses a document nested deeper than
//! [`MAX_DEPTH`], the limit poppler and qpdf keep.
//!
//! Streams whose dictionary says they hold binary data (images, font programs, metadata, an
//! XRef stream) are not PDF syntax, and their bytes open brackets by chance; they are held only
//! to [`MAX_BINARY_DEPTH`], which the engine's stack still holds should a file disguise a content
//! stream as one. Only Flate-encoded and plain streams are decoded; the engine's stack is the
//! backstop for the rare other encodings (see `engine::STACK_BYTES`).

use std::io::Read;

use super::EngineError;

/// The deepest nesting of arrays and dictionaries a PDF may have (poppler and qpdf stop at 500).
pub const MAX_DEPTH: usize = 500;
/// The limit inside streams that say they are binary.
pub const MAX_BINARY_DEPTH: usize = 20_000;
/// One stream is decoded up to this many bytes; the rest is not scanned.
const MAX_DECODED_STREAM: u64 = 64 << 20;
/// Streams are decoded up to this many bytes in all, so a file of many small bombs stays cheap.
const MAX_DECODED_TOTAL: u64 = 512 << 20;

/// Refuses a PDF whose arrays and dictionaries nest deeper than the reader can safely recurse.
pub fn check(pdf: &[u8]) -> Result<(), EngineError> {
    let mut budget = MAX_DECODED_TOTAL;
    scan(pdf, MAX_DEPTH, Some(&mut budget)).map_err(|deep| {
        EngineError::Refused(format!(
            "its arrays and dictionaries nest more than {} levels deep ({}); PDF readers stop at {MAX_DEPTH}",
            deep.limit, deep.at
        ))
    })
}

/// Where the limit was passed.
struct TooDeep {
    limit: usize,
    at: String,
}

/// Scans PDF syntax for its deepest nesting. `streams` is the decoding budget when the bytes are
/// a file whose streams are decoded and scanned in turn, `None` inside a stream's data.
fn scan(bytes: &[u8], limit: usize, mut streams: Option<&mut u64>) -> Result<(), TooDeep> {
    let in_stream = streams.is_none();
    let too_deep = |offset: usize| {
        let at = match in_stream {
            false => format!("at byte {offset}"),
            true => format!("at byte {offset} of a stream's decoded data"),
        };
        TooDeep { limit, at }
    };
    let mut depth = 0usize;
    // The outermost dictionary being read, and the last one closed: a stream's dictionary.
    let mut dict_start = 0;
    let mut last_dict = 0..0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => i = end_of_line(bytes, i),
            b'(' => i = end_of_string(bytes, i),
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                if depth == 0 {
                    dict_start = i;
                }
                depth += 1;
                if depth > limit {
                    return Err(too_deep(i));
                }
                i += 2;
            }
            b'<' => i = find(bytes, i, b">").map_or(bytes.len(), |end| end + 1),
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    last_dict = dict_start..i + 2;
                }
                i += 2;
            }
            b'[' => {
                depth += 1;
                if depth > limit {
                    return Err(too_deep(i));
                }
                i += 1;
            }
            b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            byte if is_regular(byte) => {
                let start = i;
                while i < bytes.len() && is_regular(bytes[i]) {
                    i += 1;
                }
                match &bytes[start..i] {
                    // Each object is parsed on its own: a broken one does not carry its depth on.
                    b"obj" | b"endobj" => depth = 0,
                    b"stream" => {
                        let data_start = after_end_of_line(bytes, i);
                        let data_end = find(bytes, data_start, b"endstream").unwrap_or(bytes.len());
                        if let Some(budget) = streams.as_deref_mut() {
                            let dict = &bytes[last_dict.clone()];
                            scan_stream(dict, &bytes[data_start..data_end], budget).map_err(|mut deep| {
                                deep.at = format!("{} at byte {data_start}", deep.at);
                                deep
                            })?;
                        }
                        i = data_end;
                        depth = 0;
                    }
                    // An inline image's data runs from ID to EI.
                    b"ID" => i = find_keyword(bytes, i, b"EI").unwrap_or(bytes.len()),
                    _ => {}
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Decodes one stream (within `budget`) and scans its data.
fn scan_stream(dict: &[u8], data: &[u8], budget: &mut u64) -> Result<(), TooDeep> {
    const BINARY: [&[u8]; 8] = [
        b"/Image",
        b"/Length1",
        b"/Length2",
        b"/Length3",
        b"/XRef",
        b"/Metadata",
        b"/EmbeddedFile",
        b"/FontFile",
    ];
    let binary = BINARY.iter().any(|marker| find(dict, 0, marker).is_some());
    let limit = if binary { MAX_BINARY_DEPTH } else { MAX_DEPTH };
    let decoded;
    let data = match first_filter(dict) {
        None => data,
        Some(b"FlateDecode" | b"Fl") => {
            let mut out = Vec::new();
            let cap = MAX_DECODED_STREAM.min(*budget);
            // A stream that does not inflate (an encrypted one, say) is scanned as far as it did.
            let _ = flate2::read::ZlibDecoder::new(data).take(cap).read_to_end(&mut out);
            *budget -= out.len() as u64;
            decoded = out;
            &decoded
        }
        Some(_) => return Ok(()),
    };
    scan(data, limit, None)
}

/// The name of a stream's first filter, if its dictionary has one.
fn first_filter(dict: &[u8]) -> Option<&[u8]> {
    let at = find(dict, 0, b"/Filter")? + b"/Filter".len();
    let rest = &dict[at..];
    let name = rest.iter().position(|&b| b == b'/')?;
    // The name must follow directly, or after `[` ( a filter array).
    if !rest[..name].iter().all(|&b| b.is_ascii_whitespace() || b == b'[') {
        return Some(b"");
    }
    let name = &rest[name + 1..];
    let end = name.iter().position(|&b| !is_regular(b)).unwrap_or(name.len());
    Some(&name[..end])
}

/// Neither whitespace nor a delimiter: part of a name, number or keyword.
fn is_regular(byte: u8) -> bool {
    !matches!(byte, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
        && !matches!(byte, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|at| from + at)
}

/// The next `keyword` standing as a token of its own (after whitespace), as EI ends an inline image.
fn find_keyword(bytes: &[u8], from: usize, keyword: &[u8]) -> Option<usize> {
    let mut at = from;
    loop {
        let found = find(bytes, at, keyword)?;
        let after = bytes.get(found + keyword.len()).copied();
        if found > 0 && bytes[found - 1].is_ascii_whitespace() && after.is_none_or(|b| !is_regular(b)) {
            return Some(found + keyword.len());
        }
        at = found + 1;
    }
}

fn end_of_line(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |n| from + n)
}

fn after_end_of_line(bytes: &[u8], from: usize) -> usize {
    match bytes.get(from..from + 2) {
        Some(b"\r\n") => from + 2,
        _ if matches!(bytes.get(from), Some(b'\n' | b'\r')) => from + 1,
        _ => from,
    }
}

/// Past a literal string's closing parenthesis: strings nest balanced parentheses, and a
/// backslash escapes the next byte.
fn end_of_string(bytes: &[u8], from: usize) -> usize {
    let mut open = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flate(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn nested(open: &str, close: &str, depth: usize) -> String {
        format!("{}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn ordinary_nesting_passes_and_deep_nesting_is_refused_where_it_is() {
        let shallow = format!("1 0 obj\n<< /Kids {} >>\nendobj\n", nested("[", "]", MAX_DEPTH - 1));
        assert!(check(shallow.as_bytes()).is_ok());
        for deep in [
            nested("[", "]", 5_000),
            nested("<< /A ", ">>", 5_000),
            format!("[{}]", nested("<</K ", ">>", 600)),
        ] {
            let pdf = format!("%PDF-1.7\n1 0 obj\n{deep}\nendobj\n");
            let refused = check(pdf.as_bytes()).unwrap_err().to_string();
            assert!(refused.contains("nest more than 500 levels deep (at byte "), "{refused}");
        }
    }

    #[test]
    fn brackets_in_strings_comments_and_hex_do_not_count() {
        let noise = "(((([[[[ \\) <<<<) % [[[[[[[[\n<5b5b5b> ".repeat(1_000);
        let pdf = format!("1 0 obj\n[ {noise} ]\nendobj\n");
        assert!(check(pdf.as_bytes()).is_ok());
    }

    #[test]
    fn compressed_streams_are_scanned_and_binary_ones_held_to_their_own_limit() {
        let content = flate(nested("[", "]", 5_000).as_bytes());
        let mut pdf =
            format!("4 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n", content.len()).into_bytes();
        pdf.extend_from_slice(&content);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        let refused = check(&pdf).unwrap_err().to_string();
        assert!(refused.contains("of a stream's decoded data at byte"), "{refused}");

        let image = flate(&b"[".repeat(5_000));
        let mut pdf = b"5 0 obj\n<< /Subtype /Image /Filter [/FlateDecode] >>\nstream\n".to_vec();
        pdf.extend_from_slice(&image);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert!(check(&pdf).is_ok(), "an image's bytes are not syntax");
    }

    #[test]
    fn the_sample_pdfs_pass() {
        let dir = format!("{}/../tests/fixtures/pdfs", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "pdf") {
                let bytes = std::fs::read(entry.path()).unwrap();
                assert!(check(&bytes).is_ok(), "{}", entry.path().display());
            }
        }
    }
}
