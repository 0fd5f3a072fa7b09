//! Tests of [`super`]: each names the case it holds.

use super::*;

#[test]
fn boxes_flip_to_a_top_left_origin() {
    // A line 100pt from the top of a 1000pt page, 10pt tall, from x=100 to x=600.
    let r = Rect { x0: 100.0, y0: 890.0, x1: 600.0, y1: 900.0 };
    let b = normalize(r, (0.0, 0.0, 1000.0, 1000.0), 2);
    assert_eq!((b.left, b.top, b.width, b.height), (0.1, 0.1, 0.5, 0.01));
    assert_eq!((b.page, b.original_page), (2, 2));
}

/// Characters laid left to right from `x`, each `width` wide.
fn placed(text: &str, x: f32, width: f32) -> Vec<TextChar> {
    let bbox = |i: usize| pdf_oxide::geometry::Rect::new(x + i as f32 * width, 0.0, width, 10.0);
    text.chars().enumerate().map(|(i, c)| TextChar::simple(c, bbox(i), "F".into(), 10.0)).collect()
}

fn read(chars: &[TextChar]) -> String {
    logical_text(&chars.iter().collect::<Vec<_>>())
}

#[test]
fn shaped_arabic_drawn_left_to_right_reads_right_to_left_in_letters() {
    // "حبيبي" pre-shaped and drawn in visual order: final ي first, initial ح last; then a
    // Latin word, then the same Arabic word on one glyph that maps to all its letters
    // (which a reader splits into slivers, in reading order).
    let mut chars = placed("ﻲﺒﻴﺒﺣ habibi ", 0.0, 5.0);
    chars.extend(placed("حبيبي", 65.0, 0.5));
    assert_eq!(read(&chars), "حبيبي habibi حبيبي");
}

#[test]
fn an_arabic_line_drawn_word_by_word_reads_from_the_right() {
    // As Skia draws "اسمي سلطان" (my name is Sultan): each word's glyphs left to right,
    // the first word at the right; a number and a Latin name keep their own order.
    let mut chars = placed("ﻥﺎﻄﻠﺳ", 0.0, 5.0);
    chars.extend(placed("ﻲﻤﺳﺍ", 30.0, 5.0));
    chars.rotate_left(5); // content order: the first word first
    assert_eq!(read(&chars), "اسمي سلطان");
    let mut mixed = placed("ﺔﻳﺰﻴﻠﺠﻧﻻﺍ", 0.0, 5.0);
    mixed.extend(placed("ﻲﻓ", 55.0, 5.0));
    mixed.extend(placed("Jeremy is", 70.0, 5.0));
    mixed.extend(placed("47", 120.0, 5.0));
    mixed.extend(placed("ﻲﻤﺳﺍ", 135.0, 5.0));
    assert_eq!(read(&mixed), "اسمي Jeremy is 47 في الانجليزية");
    // A Latin line with an Arabic word keeps its order.
    let mut latin = placed("Jeremy is", 0.0, 5.0);
    latin.extend(placed("ﻲﻣﺮﺟ", 50.0, 5.0));
    latin.extend(placed("in Arabic", 75.0, 5.0));
    assert_eq!(read(&latin), "Jeremy is جرمي in Arabic");
}

#[test]
fn a_combining_mark_mapped_twice_is_kept_once() {
    assert_eq!(read(&placed("حَ\u{64e}بيبي", 0.0, 0.5)), "حَبيبي");
}

#[test]
fn boxes_are_relative_to_an_offset_page_box() {
    let r = Rect { x0: 50.0, y0: 50.0, x1: 150.0, y1: 150.0 };
    let b = normalize(r, (50.0, 50.0, 250.0, 250.0), 1);
    assert_eq!((b.left, b.top, b.width, b.height), (0.0, 0.5, 0.5, 0.5));
}

#[test]
fn parser_errors_are_told_without_the_files_bytes() {
    let raw =
        "Invalid PDF: failed to parse xref (stream attempt: Parsing Error: Error { input: [91, 49, 32, 93], \
               code: Alt }, traditional attempt: Invalid cross-reference table)";
    assert_eq!(
        without_byte_dumps(raw),
        "Invalid PDF: failed to parse xref (stream attempt: Parsing Error: malformed syntax, traditional \
         attempt: Invalid cross-reference table)"
    );
    assert_eq!(without_byte_dumps("Catalog missing /Pages entry"), "Catalog missing /Pages entry");
    let told = unreadable(pdf_oxide::Error::EncryptedPdf).to_string();
    assert!(told.contains("encrypted") && !told.contains("authenticate"), "{told}");
}

/// The text of the document's blocks, a line each.
fn text_of(document: &Document) -> String {
    let blocks = document.pages.iter().flat_map(|page| &page.blocks);
    blocks.map(|block| block.content.as_str()).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_cmap_pdf_oxide_misreads_is_read_as_written() {
    // Docca's invoice (bench/real/): its fonts' ToUnicode arrays hold an empty string, after
    // which pdf_oxide alone read every letter shifted ("W`[^\<S<V" for "Widgets R Us").
    let bytes = include_bytes!("../../../../bench/real/docs/en-invoice-docca-gst-au.pdf");
    let document = super::read(bytes, &ReadOptions::default(), &mut |_, _| Ok(())).unwrap();
    let text = text_of(&document);
    for line in [
        "123 Sample St",
        "Invoice Number:\t987654321",
        "Issue Date:\tMar 19, 2017",
        "Amount due in AUD:\t$521.79",
    ] {
        assert!(text.contains(line), "{line:?} not in {text}");
    }
}

#[test]
fn a_document_whose_cmaps_pdf_oxide_reads_right_is_not_rewritten() {
    let bytes = include_bytes!("../../../../tests/fixtures/pdfs/google-doc-document.pdf");
    assert!(memchr::memmem::find(bytes, b"/ToUnicode").is_some());
    let doc = open(bytes).unwrap();
    assert!(cmaps::reopened(&doc, bytes, &[1]).is_none());
}

#[test]
fn boxes_are_turned_with_the_page_as_displayed() {
    // A box near the bottom left corner of a page 600 wide and 800 high, whose visible box
    // starts at (10, 20).
    let page = |rotation| RawPage {
        number: 1,
        area: (10.0, 20.0, 610.0, 820.0),
        rotation,
        lines: Vec::new(),
        turned: false,
        reading: Default::default(),
        unread: None,
    };
    let r = Rect { x0: 110.0, y0: 70.0, x1: 210.0, y1: 80.0 };
    let corners = |page: &RawPage| {
        let d = page.displayed(r);
        (page.displayed_size(), (d.x0, d.y0, d.x1, d.y1))
    };
    assert_eq!(corners(&page(0)), ((600.0, 800.0), (100.0, 50.0, 200.0, 60.0)));
    // Turned clockwise, the page's left edge is on top and its bottom edge on the left.
    assert_eq!(corners(&page(90)), ((800.0, 600.0), (50.0, 400.0, 60.0, 500.0)));
    assert_eq!(corners(&page(180)), ((600.0, 800.0), (400.0, 740.0, 500.0, 750.0)));
    assert_eq!(corners(&page(270)), ((800.0, 600.0), (740.0, 100.0, 750.0, 200.0)));
}
