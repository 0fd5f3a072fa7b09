//! What a PDF asks of its reader, bounded before the reader sees it: how deeply its arrays and
//! dictionaries nest, and how far its streams of syntax inflate.
//!
//! pdf_oxide parses nested objects by recursion and has no depth limit of its own (its
//! `ParserOptions::max_nesting` is never read), so an array nested 5,000 deep in a 10 KB file
//! overflows a thread's stack and aborts the whole server. This scan is a loop, not a
//! recursion: it reads the file's own syntax, and the decoded data of its streams (object
//! streams and content streams hold the same syntax), and refuses a document nested deeper than
//! [`MAX_DEPTH`], the limit poppler and qpdf keep.
//!
//! pdf_oxide stops inflating a stream at [`READER_INFLATE_LIMIT`] and then reads its page as
//! empty, so a small file whose content stream inflates to gigabytes became a "scan", and the
//! OCR rasterizer spent minutes drawing it. A stream of syntax that inflates past that limit at
//! more than [`MAX_RATIO`]:1 is refused as a decompression bomb instead, the rule the DOCX
//! reader applies to ZIP entries.
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
/// How far pdf_oxide inflates one stream (its `DEFAULT_MAX_DECOMPRESSED_BYTES`).
pub const READER_INFLATE_LIMIT: u64 = 256 << 20;
/// Inflated over compressed size past which a stream that passes the reader's limit is a bomb.
/// Content streams compress 3-20×; Apache POI and the DOCX reader stop ZIP entries at 100×.
pub const MAX_RATIO: u64 = 100;

/// Refuses a PDF whose arrays and dictionaries nest deeper than the reader can safely recurse,
/// or whose syntax inflates like a decompression bomb.
pub fn check(pdf: &[u8]) -> Result<(), EngineError> {
    check_within(pdf, Decoding { budget: MAX_DECODED_TOTAL, reader_limit: READER_INFLATE_LIMIT })
}

/// [`check`] under other decoding limits.
fn check_within(pdf: &[u8], mut decoding: Decoding) -> Result<(), EngineError> {
    let reader_limit = decoding.reader_limit;
    scan(pdf, MAX_DEPTH, Some(&mut decoding)).map_err(|refusal| {
        EngineError::Refused(match refusal {
            Refusal::TooDeep { limit, at } => format!(
                "its arrays and dictionaries nest more than {limit} levels deep ({at}), deeper than the local \
                 engine's PDF reader can safely follow (poppler and qpdf stop reading an object at {MAX_DEPTH})"
            ),
            Refusal::Bomb { compressed, at } => format!(
                "the stream {at} inflates from {compressed} bytes to more than {} MB (over {MAX_RATIO}:1), \
                 more than the PDF reader decodes: refused as a possible decompression bomb",
                reader_limit >> 20
            ),
        })
    })
}

/// What the scan of a file may still decode for scanning, and how far its reader inflates a stream.
struct Decoding {
    budget: u64,
    reader_limit: u64,
}

/// Why a PDF is refused, and where.
enum Refusal {
    /// Nested deeper than `limit`.
    TooDeep { limit: usize, at: String },
    /// A stream of syntax that inflates past the reader's limit from `compressed` bytes.
    Bomb { compressed: u64, at: String },
}

impl Refusal {
    /// The refusal placed in the stream whose data starts at byte `start` of the file.
    fn in_stream_at(mut self, start: usize) -> Refusal {
        let (Refusal::TooDeep { at, .. } | Refusal::Bomb { at, .. }) = &mut self;
        *at = format!("{at} at byte {start}").trim_start().to_owned();
        self
    }
}

/// Scans PDF syntax for its deepest nesting. `streams` is `Some` when the bytes are a file whose
/// streams are decoded and scanned in turn, `None` inside a stream's data.
fn scan(bytes: &[u8], limit: usize, mut streams: Option<&mut Decoding>) -> Result<(), Refusal> {
    let in_stream = streams.is_none();
    let too_deep = |offset: usize| {
        let at = match in_stream {
            false => format!("at byte {offset}"),
            true => format!("at byte {offset} of a stream's decoded data"),
        };
        Refusal::TooDeep { limit, at }
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
                        if let Some(decoding) = streams.as_deref_mut() {
                            let dict = &bytes[last_dict.clone()];
                            scan_stream(dict, &bytes[data_start..data_end], decoding)
                                .map_err(|refusal| refusal.in_stream_at(data_start))?;
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

/// Decodes one stream (within the budget) and scans its data.
fn scan_stream(dict: &[u8], data: &[u8], decoding: &mut Decoding) -> Result<(), Refusal> {
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
            let mut inflater = flate2::read::ZlibDecoder::new(data);
            let mut out = Vec::new();
            let cap = MAX_DECODED_STREAM.min(decoding.budget);
            // A stream that does not inflate (an encrypted one, say) is scanned as far as it did.
            let _ = (&mut inflater).take(cap).read_to_end(&mut out);
            decoding.budget -= out.len() as u64;
            if !binary && out.len() as u64 == cap {
                inflate_rest(&mut inflater, decoding.reader_limit)?;
            }
            decoded = out;
            &decoded
        }
        Some(_) => return Ok(()),
    };
    scan(data, limit, None)
}

/// Inflates the rest of a stream whose scanned part filled its cap, up to the reader's limit, and
/// refuses it when it passes that limit like a bomb. Nothing is kept, so this needs no budget:
/// a bomb is refused whatever the streams before it used.
fn inflate_rest(inflater: &mut flate2::read::ZlibDecoder<&[u8]>, reader_limit: u64) -> Result<(), Refusal> {
    let rest = (reader_limit + 1).saturating_sub(inflater.total_out());
    // A stream that stops inflating (corrupt, say) is judged on what it gave.
    let _ = std::io::copy(&mut inflater.take(rest), &mut std::io::sink());
    let (inflated, compressed) = (inflater.total_out(), inflater.total_in());
    if inflated > reader_limit && inflated / compressed.max(1) > MAX_RATIO {
        return Err(Refusal::Bomb { compressed, at: String::new() });
    }
    Ok(())
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
    fn a_content_stream_that_inflates_like_a_bomb_is_refused() {
        use std::io::Write;
        let pdf_of = |line: &[u8], bytes: u64| {
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            for _ in 0..bytes / line.len() as u64 + 1 {
                encoder.write_all(line).unwrap();
            }
            let data = encoder.finish().unwrap();
            let mut pdf =
                format!("4 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n", data.len()).into_bytes();
            pdf.extend_from_slice(&data);
            pdf.extend_from_slice(b"\nendstream\nendobj\n");
            pdf
        };
        // Scanned up to 1 MB, the rest counted, and a reader that stops at 2 MB.
        let (scanned, reader_limit) = (1 << 20, 2 << 20);
        let limits = || Decoding { budget: scanned, reader_limit };
        let text = b"BT /F1 12 Tf 72 720 Td (Lorem ipsum dolor sit amet) Tj ET\n".repeat(64);
        let bomb = pdf_of(&text, reader_limit);
        let refused = check_within(&bomb, limits()).unwrap_err().to_string();
        let data_start = find(&bomb, 0, b"stream\n").unwrap() + b"stream\n".len();
        assert!(refused.contains(&format!("the stream at byte {data_start} inflates from ")), "{refused}");
        assert!(
            refused.contains("to more than 2 MB (over 100:1)") && refused.contains("decompression bomb"),
            "{refused}"
        );
        // The same stream within the reader's limit; and one past it at an ordinary ratio.
        assert!(check_within(&pdf_of(&text, reader_limit - (64 << 10)), limits()).is_ok());
        let varied: Vec<u8> = (0..1u32 << 18)
            .flat_map(|n| format!("{} 0 Td\n", n.wrapping_mul(2_654_435_761)).into_bytes())
            .collect();
        assert!(check_within(&pdf_of(&varied, reader_limit), limits()).is_ok());
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
