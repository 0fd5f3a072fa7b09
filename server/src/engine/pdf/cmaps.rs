//! ToUnicode CMaps that pdf_oxide misreads, read again by the specification and handed to it
//! corrected.
//!
//! A font's ToUnicode CMap says which text each of its character codes stands for (ISO 32000-1
//! §9.10.3). pdf_oxide reads a `bfrange` whose destinations are an array only when the array
//! sits on one line and holds no empty string (`<>`, a glyph that stands for no text); any
//! other array it takes for plain ranges, and every letter after comes out shifted
//! ("W`[^\<S<V" for "Widgets R Us") where poppler and pdf.js read the words. It also stops a
//! range at 10,000 codes, so a CJK font's identity map of every two-byte code loses the rest,
//! and it reads a mapping split over two lines as none. So the CMaps of the fonts on the pages
//! to be read are read here as well, and one that pdf_oxide reads otherwise is written again,
//! one mapping per line, the form it reads right. The new CMaps reach it as an incremental
//! update appended to the file (§7.5.6): the original bytes stay as they are.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use pdf_oxide::fonts::{parse_tounicode_cmap, CMap};
use pdf_oxide::object::{Object, ObjectRef};
use pdf_oxide::PdfDocument;

/// `doc` opened again from `bytes` (its file) with the CMaps that pdf_oxide would misread on
/// the pages numbered `numbers` corrected, and that file; `None` when it reads them all as they
/// are written, or when the corrected file does not open to as many pages.
pub fn reopened(doc: &PdfDocument, bytes: &[u8], numbers: &[u32]) -> Option<(PdfDocument, Vec<u8>)> {
    let file = corrected(doc, bytes, numbers)?;
    let reopened = super::open(&file).ok()?;
    (reopened.page_count().ok()? == doc.page_count().ok()?).then_some((reopened, file))
}

/// `bytes` with the CMaps of [`reopened`] corrected.
fn corrected(doc: &PdfDocument, bytes: &[u8], numbers: &[u32]) -> Option<Vec<u8>> {
    // The streams of an update to an encrypted file would have to be encrypted too.
    if doc.is_encrypted() {
        return None;
    }
    // A font names its CMap under /ToUnicode, in the file's bytes or in an object stream's. A
    // file with neither has no CMap, and its pages need not be walked.
    let holds = |key: &[u8]| memchr::memmem::find(bytes, key).is_some();
    if !holds(b"/ToUnicode") && !holds(b"/ObjStm") {
        return None;
    }
    let cmaps = to_unicode_streams(doc, numbers).into_iter().filter_map(|((id, gen), composite)| {
        let stream = ObjectRef::new(id, gen);
        Some((stream, doc.load_object(stream).ok()?.decode_stream_data().ok()?, composite))
    });
    let corrections = corrections(cmaps, MAX_MAPPINGS_IN_ALL);
    if corrections.is_empty() {
        return None;
    }
    with_update(bytes, doc.trailer(), &corrections)
}

/// The CMaps among `cmaps` (each stream, its data, and whether its font is composite) that
/// pdf_oxide misreads, rewritten; once `budget` mappings have been read, the rest are left as
/// pdf_oxide reads them (and not loaded).
fn corrections(
    cmaps: impl Iterator<Item = (ObjectRef, Vec<u8>, bool)>,
    mut budget: usize,
) -> Vec<(ObjectRef, Vec<u8>)> {
    let mut corrections = Vec::new();
    for (stream, data, composite) in cmaps {
        let Some(mappings) = read(&data) else { continue };
        let Some(left) = budget.checked_sub(mappings.len()) else { break };
        budget = left;
        corrections.extend(correction(&data, &mappings, composite).map(|rewritten| (stream, rewritten)));
    }
    corrections
}

/// How deep form XObjects are followed for the fonts they draw with.
const MAX_FORM_DEPTH: usize = 4;

/// The ToUnicode streams (object number and generation) of the fonts that the pages numbered
/// `numbers` (and the form XObjects they draw) use, each with whether its font is composite
/// (Type0), in the order of the file's objects.
fn to_unicode_streams(doc: &PdfDocument, numbers: &[u32]) -> BTreeMap<(u32, u16), bool> {
    let mut seen = HashSet::new();
    let mut found = BTreeMap::new();
    let mut resources: Vec<(Object, usize)> = numbers
        .iter()
        .filter_map(|&number| doc.get_page(number as usize - 1).ok())
        .filter_map(|page| Some((page.as_dict()?.get("Resources")?.clone(), 0)))
        .collect();
    while let Some((entry, depth)) = resources.pop() {
        let Some(resources_dict) = resolved(doc, &entry, &mut seen) else { continue };
        let Some(resources_dict) = resources_dict.as_dict() else { continue };
        let entries = |name: &str, seen: &mut HashSet<ObjectRef>| -> Vec<Object> {
            let dict = resources_dict.get(name).and_then(|entry| resolved(doc, entry, seen));
            dict.and_then(|dict| Some(dict.as_dict()?.values().cloned().collect())).unwrap_or_default()
        };
        for font in entries("Font", &mut seen) {
            let Some(font) = resolved(doc, &font, &mut seen) else { continue };
            let Some(font) = font.as_dict() else { continue };
            if let Some(stream) = font.get("ToUnicode").and_then(Object::as_reference) {
                let composite = font.get("Subtype").and_then(Object::as_name) == Some("Type0");
                found.insert((stream.id, stream.gen), composite);
            }
        }
        if depth < MAX_FORM_DEPTH {
            for xobject in entries("XObject", &mut seen) {
                // Only a form has resources. An image is loaded (not decoded) for its dictionary,
                // as the page reader loads it to tell it from a form, and kept in pdf_oxide's cache.
                if let Some(Object::Stream { dict, .. }) = resolved(doc, &xobject, &mut seen) {
                    if let Some(inner) = dict.get("Resources") {
                        resources.push((inner.clone(), depth + 1));
                    }
                }
            }
        }
    }
    found
}

/// `object` itself, or the object it refers to when that was not seen before.
fn resolved(doc: &PdfDocument, object: &Object, seen: &mut HashSet<ObjectRef>) -> Option<Object> {
    match object.as_reference() {
        Some(reference) => seen.insert(reference).then(|| doc.load_object(reference).ok()).flatten(),
        None => Some(object.clone()),
    }
}

/// The CMap `data`, whose `mappings` [`read`] found, written again when pdf_oxide's reading of
/// it differs from the specification's and its reading of the rewrite does not.
fn correction(data: &[u8], mappings: &BTreeMap<u32, Mapping>, composite: bool) -> Option<Vec<u8>> {
    let reads_right = |cmap: &CMap| {
        mappings.iter().all(|(code, mapping)| match (mapping.text.as_str(), cmap.get(code).as_deref()) {
            ("", None | Some(NO_TEXT)) => true,
            (text, read) => read == Some(text),
        })
    };
    if parse_tounicode_cmap(data).is_ok_and(|cmap| reads_right(&cmap)) {
        return None;
    }
    let rewritten = write(mappings, composite);
    parse_tounicode_cmap(&rewritten).is_ok_and(|cmap| reads_right(&cmap)).then_some(rewritten)
}

/// What a code that stands for no text is written as in a composite font's CMap: pdf_oxide takes
/// this noncharacter for "no mapping" and looks for the glyph's letter in the font program
/// itself, showing nothing when it finds none. A simple font's such code is left out, and its
/// encoding names the letter.
const NO_TEXT: &str = "\u{FFFF}";

/// A code's text, and how many bytes its code has.
#[derive(Debug, PartialEq)]
struct Mapping {
    width: usize,
    text: String,
}

/// More mappings than this (a hostile range of four-byte codes) and the CMap is left as it is.
const MAX_MAPPINGS: usize = 1 << 17;
/// The mappings read from all of a document's CMaps: a file of thousands of fonts, each with
/// a range of every two-byte code, is not read for minutes.
const MAX_MAPPINGS_IN_ALL: usize = 1 << 20;

/// The mappings of a ToUnicode CMap's `bfchar` and `bfrange` sections, later ones replacing
/// earlier ones for the same code, as pdf.js and poppler read them; `None` past [`MAX_MAPPINGS`].
fn read(data: &[u8]) -> Option<BTreeMap<u32, Mapping>> {
    let is_hex = |token: &Token| matches!(token, Token::Hex(_));
    let mut mappings = BTreeMap::new();
    let mut insert = |code: u32, width: usize, text: String| {
        mappings.insert(code, Mapping { width, text });
        (mappings.len() <= MAX_MAPPINGS).then_some(())
    };
    let mut tokens = Tokens { data, at: 0 }.peekable();
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(b"beginbfchar") => {
                while let (Some(Token::Hex(code)), Some(Token::Hex(text))) =
                    (tokens.next_if(is_hex), tokens.next_if(is_hex))
                {
                    if let (Some(number), Some(text)) = (code_of(&code), utf16(&text)) {
                        insert(number, code.len(), text)?;
                    }
                }
            }
            Token::Word(b"beginbfrange") => {
                while let (Some(Token::Hex(low)), Some(Token::Hex(high))) =
                    (tokens.next_if(is_hex), tokens.next_if(is_hex))
                {
                    let destination = match tokens.next() {
                        Some(Token::Hex(start)) => Destination::Start(start),
                        Some(Token::Open) => {
                            let mut texts = Vec::new();
                            while let Some(Token::Hex(text)) = tokens.next_if(is_hex) {
                                texts.push(utf16(&text));
                            }
                            tokens.next_if(|token| *token == Token::Close);
                            Destination::Each(texts)
                        }
                        _ => break,
                    };
                    let (Some(first), Some(last)) = (code_of(&low), code_of(&high)) else { continue };
                    let Some(count) = last.checked_sub(first).map(|span| span as usize + 1) else { continue };
                    if count > MAX_MAPPINGS {
                        return None;
                    }
                    let texts: Vec<Option<String>> = match destination {
                        Destination::Start(start) => {
                            (0..count).map(|offset| incremented(&start, offset)).collect()
                        }
                        // An array longer than its range has texts for no code.
                        Destination::Each(texts) => texts.into_iter().take(count).collect(),
                    };
                    for (code, text) in (first..).zip(texts) {
                        if let Some(text) = text {
                            insert(code, low.len(), text)?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(mappings)
}

/// Where a `bfrange` takes its texts from.
enum Destination {
    /// The first code's text, counted up for each next code.
    Start(Vec<u8>),
    /// One text for each code in turn.
    Each(Vec<Option<String>>),
}

/// A code's bytes as a number: one to four bytes, big-endian.
fn code_of(bytes: &[u8]) -> Option<u32> {
    (1..=4).contains(&bytes.len()).then(|| bytes.iter().fold(0, |code, &byte| code << 8 | byte as u32))
}

/// UTF-16BE text; `None` for a lone surrogate, which names no text (pdf.js and pdf_oxide
/// alike leave such a code unmapped).
fn utf16(bytes: &[u8]) -> Option<String> {
    from_units(units(bytes))
}

/// The text of a range's code `offset` after its first: the first's text with its last UTF-16
/// unit counted up by `offset`.
fn incremented(start: &[u8], offset: usize) -> Option<String> {
    let mut units = units(start);
    if let Some(last) = units.last_mut() {
        *last = last.wrapping_add(offset as u16);
    }
    from_units(units)
}

fn units(bytes: &[u8]) -> Vec<u16> {
    bytes.chunks(2).map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])).collect()
}

fn from_units(units: Vec<u16>) -> Option<String> {
    char::decode_utf16(units).collect::<Result<_, _>>().ok()
}

/// `mappings` as a CMap of `bfchar` sections of up to 100 lines each (the specification's
/// limit per section), one mapping per line.
fn write(mappings: &BTreeMap<u32, Mapping>, composite: bool) -> Vec<u8> {
    let width = mappings.values().map(|m| m.width).max().unwrap_or(1);
    let lines: Vec<String> = mappings
        .iter()
        .filter_map(|(&code, mapping)| {
            let text = match mapping.text.as_str() {
                "" if composite => NO_TEXT,
                "" => return None,
                text => text,
            };
            let hex: String = text.encode_utf16().map(|unit| format!("{unit:04X}")).collect();
            Some(format!("<{code:0digits$X}> <{hex}>", digits = mapping.width * 2))
        })
        .collect();
    let mut cmap = format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n\
         /CMapType 2 def\n1 begincodespacerange\n<{:0digits$X}> <{:0digits$X}>\nendcodespacerange\n",
        0,
        u32::MAX >> (32 - 8 * width as u32),
        digits = width * 2
    );
    for section in lines.chunks(100) {
        cmap += &format!("{} beginbfchar\n{}\nendbfchar\n", section.len(), section.join("\n"));
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    cmap.into_bytes()
}

/// The parts of a CMap this reader looks at; dictionaries, strings, names and comments are
/// skipped, each in one piece, so their brackets are never taken for a hex string.
#[derive(Debug, PartialEq)]
enum Token<'a> {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(&'a [u8]),
}

struct Tokens<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let data = self.data;
        loop {
            let start = self.at;
            let byte = *data.get(start)?;
            let rest = &data[start..];
            let end_of =
                |pattern: u8| rest.iter().position(|&b| b == pattern).map_or(data.len(), |i| start + i + 1);
            match byte {
                b if b.is_ascii_whitespace() => self.at += 1,
                b'%' => self.at = end_of(b'\n'),
                b'(' => self.at = end_of(b')'),
                b'<' | b'>' if rest.get(1) == Some(&byte) => self.at += 2,
                b'<' => {
                    let close = rest.iter().position(|&b| b == b'>');
                    self.at = start + close.map_or(rest.len(), |close| close + 1);
                    let digits: Vec<u8> = rest[1..close.unwrap_or(rest.len())]
                        .iter()
                        .filter_map(|&b| (b as char).to_digit(16).map(|digit| digit as u8))
                        .collect();
                    // An odd last digit is followed by a 0 (§7.3.4.3).
                    let bytes = digits.chunks(2).map(|pair| pair[0] << 4 | pair.get(1).unwrap_or(&0));
                    return Some(Token::Hex(bytes.collect()));
                }
                b'[' => {
                    self.at += 1;
                    return Some(Token::Open);
                }
                b']' => {
                    self.at += 1;
                    return Some(Token::Close);
                }
                _ => {
                    let length = rest[1..]
                        .iter()
                        .position(|b| b.is_ascii_whitespace() || b"<>[]()%/{}".contains(b))
                        .map_or(rest.len(), |i| i + 1);
                    self.at += length;
                    return Some(Token::Word(&rest[..length]));
                }
            }
        }
    }
}

/// `bytes` with `streams` (each object's new data) appended as an incremental update: the
/// objects, a cross-reference section for them and a trailer whose `/Prev` is the file's own.
fn with_update(bytes: &[u8], trailer: &Object, streams: &[(ObjectRef, Vec<u8>)]) -> Option<Vec<u8>> {
    let trailer = trailer.as_dict()?;
    let size = trailer.get("Size")?.as_integer()?;
    let root = trailer.get("Root")?.as_reference()?;
    let previous = last_startxref(bytes)?;
    let mut file = bytes.to_vec();
    file.push(b'\n');
    let mut offsets = Vec::new();
    for (object, data) in streams {
        offsets.push((object, file.len()));
        write!(file, "{} {} obj\n<< /Length {} >>\nstream\n", object.id, object.gen, data.len()).ok()?;
        file.extend_from_slice(data);
        file.extend_from_slice(b"\nendstream\nendobj\n");
    }
    let xref = file.len();
    file.extend_from_slice(b"xref\n");
    for (object, offset) in offsets {
        // Each entry is exactly 20 bytes.
        write!(file, "{} 1\n{offset:010} {:05} n\r\n", object.id, object.gen).ok()?;
    }
    write!(file, "trailer\n<< /Size {size} /Root {} {} R /Prev {previous}", root.id, root.gen).ok()?;
    if let Some(info) = trailer.get("Info").and_then(Object::as_reference) {
        write!(file, " /Info {} {} R", info.id, info.gen).ok()?;
    }
    write!(file, " >>\nstartxref\n{xref}\n%%EOF\n").ok()?;
    Some(file)
}

/// Where the file's last `startxref` says its cross-reference section starts.
fn last_startxref(bytes: &[u8]) -> Option<u64> {
    let at = bytes.windows(9).rposition(|window| window == b"startxref")? + 9;
    let digits: String = bytes[at..]
        .iter()
        .map(|&b| b as char)
        .skip_while(char::is_ascii_whitespace)
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corrected_cmap(data: &[u8], composite: bool) -> Option<Vec<u8>> {
        correction(data, &read(data).unwrap(), composite)
    }

    fn mapped(data: &str) -> Vec<(u32, String)> {
        read(data.as_bytes()).unwrap().into_iter().map(|(code, m)| (code, m.text)).collect()
    }

    #[test]
    fn reads_chars_ranges_and_arrays_across_lines_with_empty_strings_but_no_lone_surrogate() {
        let cmap = "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) >> def\n\
                    % a comment <0001> <0041>\n\
                    1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
                    3 beginbfchar\n<0003> <0041> <0004> <00660069>\n<0005> <D83D>\nendbfchar\n\
                    2 beginbfrange\n<0010> <0012> <0061>\n<0020> <0023> [<0058>\n<>\n<D83DDE00> <005A>]\nendbfrange";
        assert_eq!(
            mapped(cmap),
            [
                (3, "A"),
                (4, "fi"),
                (0x10, "a"),
                (0x11, "b"),
                (0x12, "c"),
                (0x20, "X"),
                (0x21, ""),
                (0x22, "😀"),
                (0x23, "Z"),
            ]
            .map(|(code, text)| (code, text.to_owned()))
        );
    }

    #[test]
    fn a_later_mapping_replaces_an_earlier_one_and_a_huge_range_is_refused() {
        let cmap = "beginbfrange <00> <02> <0041> endbfrange beginbfchar <01> <0078> endbfchar";
        assert_eq!(mapped(cmap), [(0, "A"), (1, "x"), (2, "C")].map(|(c, t)| (c, t.to_owned())));
        assert_eq!(read(b"beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange"), None);
    }

    #[test]
    fn a_cmap_pdf_oxide_misreads_is_rewritten_so_that_it_reads_it_right() {
        // The array form with an empty string, as the Docca invoice in bench/real has it.
        let broken = b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n\
                       <0000> <0004> [<0000><0057><><0069><0064>]\nendbfrange";
        let rewritten = corrected_cmap(broken, true).expect("pdf_oxide misreads the array");
        let cmap = parse_tounicode_cmap(&rewritten).unwrap();
        let read: Vec<_> = (1..=4).map(|code| cmap.get(&code).map(|text| text.into_owned())).collect();
        assert_eq!(read, [Some("W".into()), Some(NO_TEXT.into()), Some("i".into()), Some("d".into())]);
        // A simple font's code for no text is left to its encoding.
        let simple = parse_tounicode_cmap(&corrected_cmap(broken, false).unwrap()).unwrap();
        assert_eq!(simple.get(&2), None);
    }

    #[test]
    fn a_mapping_split_over_two_lines_is_rewritten_too() {
        // pdf_oxide reads a CMap line by line; the specification reads tokens.
        let split = b"1 begincodespacerange <00> <FF> endcodespacerange\n2 beginbfchar\n<01>\n<0041>\n<02> <0042>\nendbfchar";
        let cmap = parse_tounicode_cmap(&corrected_cmap(split, false).expect("misread")).unwrap();
        assert_eq!((cmap.get(&1).as_deref(), cmap.get(&2).as_deref()), (Some("A"), Some("B")));
    }

    #[test]
    fn cmaps_past_the_budget_of_mappings_are_left_as_they_are() {
        let broken: &[u8] = b"beginbfrange <00> <01> [<0041>\n<0042>] endbfrange";
        // 9,000 codes, which pdf_oxide reads right.
        let many: &[u8] = b"beginbfrange <0000> <2327> <0041> endbfrange";
        fn cmaps(data: [&[u8]; 3]) -> impl Iterator<Item = (ObjectRef, Vec<u8>, bool)> + '_ {
            data.into_iter().zip(1..).map(|(data, id)| (ObjectRef::new(id, 0), data.to_vec(), false))
        }
        assert_eq!(corrections(cmaps([broken, many, many]), 10_000).len(), 1);
        assert!(corrections(cmaps([many, many, broken]), 10_000).is_empty());
    }

    #[test]
    fn a_range_past_pdf_oxides_ten_thousand_codes_is_rewritten() {
        // pdf_oxide stops a range at 10,000 codes; an identity map of every two-byte code, as
        // some producers write for a CJK font, lost every code above.
        let identity = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfrange <0000> <FFFF> <0000> endbfrange";
        assert_eq!(parse_tounicode_cmap(identity).unwrap().get(&0x4E2D), None);
        let cmap = parse_tounicode_cmap(&corrected_cmap(identity, true).unwrap()).unwrap();
        assert_eq!(cmap.get(&0x4E2D).as_deref(), Some("中"));
    }

    #[test]
    fn a_cmap_pdf_oxide_reads_right_is_left_alone() {
        let cmap = b"1 begincodespacerange <00> <FF> endcodespacerange\n\
                     2 beginbfchar\n<01> <0041>\n<02> <0042>\nendbfchar\n1 beginbfrange\n<20> <7E> <0020>\nendbfrange";
        assert_eq!(corrected_cmap(cmap, false), None);
    }

    #[test]
    fn the_update_points_back_at_the_files_own_cross_reference_section() {
        let file = b"%PDF-1.4\n...\nxref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 9 /Root 1 0 R >>\nstartxref\n13\n%%EOF\n";
        let trailer = Object::Dictionary(
            [("Size".into(), Object::Integer(9)), ("Root".into(), Object::Reference(ObjectRef::new(1, 0)))]
                .into(),
        );
        let updated = with_update(file, &trailer, &[(ObjectRef::new(7, 0), b"CMAP".to_vec())]).unwrap();
        let update = String::from_utf8(updated[file.len()..].to_vec()).unwrap();
        let object = "7 0 obj\n<< /Length 4 >>\nstream\nCMAP\nendstream\nendobj\n";
        let (object_at, xref_at) = (file.len() + 1, file.len() + 1 + object.len());
        assert_eq!(
            update,
            format!(
                "\n{object}xref\n7 1\n{object_at:010} 00000 n\r\n\
                 trailer\n<< /Size 9 /Root 1 0 R /Prev 13 >>\nstartxref\n{xref_at}\n%%EOF\n"
            )
        );
        assert_eq!(last_startxref(&updated), Some(xref_at as u64));
    }
}
