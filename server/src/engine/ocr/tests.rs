//! Tests of [`super`]: each names the case it holds.

use super::*;
use crate::engine::BlockType;

#[test]
fn tesseract_tsv_becomes_lines_and_blocks_with_fractions_of_the_page() {
    let tsv =
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
        1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t\n\
        5\t1\t1\t1\t1\t1\t100\t200\t100\t20\t95\tInvoice\n\
        5\t1\t1\t1\t1\t2\t210\t200\t90\t20\t85\tNumber:\n\
        5\t1\t1\t1\t2\t1\t100\t240\t50\t20\t40\tA-1\n\
        5\t1\t2\t1\t1\t1\t100\t400\t80\t20\t90\tTotal\n";
    let pages = pages_of(tsv);
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    let lines: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(lines, ["Invoice Number:", "A-1", "Total"]);
    assert_eq!(page.blocks.len(), 2);
    assert_eq!(page.blocks[0].content, "Invoice Number:\nA-1");
    assert_eq!(page.blocks[0].confidence, Confidence::Low, "one unsure word makes the block low");
    assert_eq!(page.blocks[1].confidence, Confidence::High);
    let b = page.blocks[0].bbox;
    assert_eq!((b.left, b.top, b.width, b.height), (0.1, 0.1, 0.2, 0.03));
    assert_eq!(page.words[0].confidence, 0.95);
}

#[test]
fn wide_gaps_become_cells_specks_are_dropped_and_large_lines_are_headings() {
    let row = |line: u32, left: u32, width: u32, height: u32, conf: u32, text: &str| {
        format!("5\t1\t{line}\t1\t1\t1\t{left}\t{}\t{width}\t{height}\t{conf}\t{text}\n", line * 100)
    };
    let tsv = [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
            .to_string(),
        "1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t\n".to_string(),
        row(1, 100, 300, 60, 95, "Northwind"),
        // A label, an unsure dash from a table rule, and the value two capitals away.
        row(2, 100, 150, 30, 95, "Invoice"),
        row(2, 260, 40, 30, 95, "No."),
        row(2, 310, 20, 30, 21, "—"),
        row(2, 400, 120, 30, 95, "A-1"),
        row(3, 100, 150, 30, 95, "Body"),
        row(3, 262, 150, 30, 95, "text"),
    ]
    .concat();
    let page = &pages_of(&tsv)[0];
    let lines: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(lines, ["Northwind", "Invoice No.\tA-1", "Body text"]);
    let kinds: Vec<BlockType> = page.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [BlockType::Title, BlockType::Text, BlockType::Text]);
}

/// A little-endian TIFF of one directory per `(width, height)`, the tags as `kind` (3 SHORT, 4 LONG).
fn tiff(pages: &[(u32, u32)], kind: u16) -> Vec<u8> {
    let mut bytes = b"II\x2a\0\x08\0\0\0".to_vec();
    for (index, &(width, height)) in pages.iter().enumerate() {
        bytes.extend_from_slice(&2u16.to_le_bytes());
        for (tag, value) in [(256u16, width), (257, height)] {
            bytes.extend_from_slice(&tag.to_le_bytes());
            bytes.extend_from_slice(&kind.to_le_bytes());
            bytes.extend_from_slice(&1u32.to_le_bytes());
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        let next = if index + 1 < pages.len() { bytes.len() as u32 + 4 } else { 0 };
        bytes.extend_from_slice(&next.to_le_bytes());
    }
    bytes
}

#[test]
fn every_page_of_a_tiff_is_measured() {
    assert_eq!(tiff_sizes(&tiff(&[(2550, 3300), (800, 600)], 3)), Some(vec![(2550, 3300), (800, 600)]));
    assert!(check_size(&tiff(&[(2550, 3300)], 4)).is_ok());
    let refused = check_size(&tiff(&[(1000, 1000), (8000, 8000)], 4)).unwrap_err().to_string();
    assert!(refused.contains("8000 × 8000 pixels, more than the 40 million"), "{refused}");
    let mut looping = tiff(&[(10, 10)], 3);
    let end = looping.len() - 4;
    looping[end..].copy_from_slice(&8u32.to_le_bytes());
    assert!(check_size(&looping).unwrap_err().to_string().contains("size could not be read"));
}

#[test]
fn posters_are_rasterized_below_the_pixel_limit() {
    assert_eq!(raster_dpi((612.0, 792.0)), 300.0, "a letter page");
    let dpi = raster_dpi((2400.0, 2400.0));
    let side = (2400.0 / 72.0 * dpi).ceil() as u64;
    assert!(side * side <= MAX_PIXELS, "{dpi} dpi gives {side} × {side}");
    assert!(dpi > 180.0, "{dpi}");
}

#[test]
fn huge_images_are_refused_before_ocr() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    assert!(matches!(check_size(&png), Err(EngineError::Ocr(m)) if m.contains("pixels")));
}

#[test]
fn a_tool_that_says_much_on_stderr_is_not_held_up_by_it_and_its_last_word_is_the_reason() {
    // A megabyte of complaints, far more than a pipe holds (poppler on a broken page).
    let mut chatty = Command::new("sh");
    chatty.args(["-c", "head -c 1000000 /dev/zero | tr '\\0' e >&2; echo read"]);
    let started = Instant::now();
    assert_eq!(run(chatty, PDFTOPPM).unwrap(), b"read\n");
    assert!(started.elapsed() < OCR_TIMEOUT / 10, "{:?}", started.elapsed());

    let mut failing = Command::new("sh");
    failing.args(["-c", "echo 'Syntax Error: one' >&2; echo 'the page is gone' >&2; echo >&2; exit 1"]);
    match run(failing, PDFTOPPM) {
        Err(EngineError::Ocr(why)) => {
            assert!(why.ends_with("could not read the page (the page is gone)"), "{why}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_image_too_small_for_text_reads_as_a_blank_page() {
    // A 0×0 pt PDF page renders as 1×1 pixel; tesseract fails on such an image.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&2u32.to_be_bytes());
    png.extend_from_slice(&300u32.to_be_bytes());
    assert_eq!(read_image(&png, "png").unwrap(), vec![OcrPage::default()]);
}

#[test]
fn an_image_the_image_library_cannot_decode_is_said_so() {
    // What tesseract says of a PNG whose palette is too short, ending with a vague line.
    let said = "Error in pixcmapIsValid: (max index = 3) >= (num colors = 3)\n\
                Error in pixReadStreamPng: colormap is not valid\n\
                Error in pixReadStream: png: no pix returned\nError during processing.\n";
    let complaint = complaint_of(said);
    assert_eq!(complaint.undecodable.as_deref(), Some("colormap is not valid"));
    assert_eq!(complaint.last.as_deref(), Some("Error during processing."));
    let poppler = complaint_of("Syntax Error: Couldn't read xref table\n");
    assert_eq!(
        (poppler.undecodable, poppler.last.as_deref()),
        (None, Some("Syntax Error: Couldn't read xref table"))
    );
}

fn complaint_of(said: &str) -> Complaint {
    complaint(&mut said.as_bytes())
}
