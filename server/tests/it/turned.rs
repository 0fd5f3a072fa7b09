//! Pages displayed turned (`/Rotate`). A landscape page stood on its side, its content drawn
//! rotated back and each word placed by itself (the layer a copier's OCR writes), reads as it
//! is displayed, word by word, boxed on the displayed page; a turned page whose text is drawn
//! straight is boxed where it shows, turned by its own `/Rotate` or its page tree's. Without poppler's `pdftotext` such a page keeps the PDF
//! reader's own reading, answered at low confidence.

use crate::common::{serialize, Process, Server, StandIns};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// A US Letter page shown turned a quarter clockwise (landscape: 792 × 612 pt as displayed),
/// with Helvetica `content`.
fn turned_page(content: &str) -> Vec<u8> {
    turned_by("<< /Type /Pages /Kids [4 0 R] /Count 1 >>", "/Rotate 90", content)
}

/// The same, its `/Rotate` on the page (`page_rotate`) or inherited from the page tree
/// (`pages`).
fn turned_by(pages: &str, page_rotate: &str, content: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        pages.to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {page_rotate} \
             /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>"
        ),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    serialize(&objects.map(String::into_bytes))
}

/// `lines` drawn on a [`turned_page`] so that they read across the page as displayed, from
/// 72 pt below its top and 72 pt from its left, each word placed by its own text matrix with
/// no space character between words.
fn copier_layer(lines: &[&str]) -> Vec<u8> {
    // Helvetica's advances (per 1000), for the characters used.
    let advance = |c: char| match c {
        'i' | 'l' => 222.0,
        'I' | 't' | ':' | ',' | '.' => 278.0,
        '-' => 333.0,
        'c' | 'v' => 500.0,
        'T' => 611.0,
        'E' => 667.0,
        'U' | 'R' => 722.0,
        _ => 556.0,
    };
    let mut content = String::from("BT /F1 12 Tf\n");
    for (row, line) in lines.iter().enumerate() {
        // Shown turned clockwise, the page's bottom edge is the display's left: text running up
        // the page (matrix 0 1 -1 0) reads across the display, and a baseline further right on
        // the page is a line lower on the display.
        let baseline = 81.0 + 18.0 * row as f32;
        let mut along = 72.0;
        for word in line.split(' ') {
            content.push_str(&format!("0 1 -1 0 {baseline} {along} Tm ({word}) Tj\n"));
            along += word.chars().map(advance).sum::<f32>() * 12.0 / 1000.0 + 4.0;
        }
    }
    content.push_str("ET");
    turned_page(&content)
}

const LINES: [&str; 2] = ["Invoice 2024-117", "Total due: 1,250.00 EUR"];

fn blocks(parsed: &Value) -> Vec<Value> {
    let chunks = parsed["result"]["chunks"].as_array().expect("chunks");
    chunks.iter().flat_map(|chunk| chunk["blocks"].as_array().unwrap().clone()).collect()
}

fn text_of(parsed: &Value) -> String {
    blocks(parsed)
        .iter()
        .map(|block| block["content"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn number(value: &Value) -> f64 {
    value.as_f64().expect("a number")
}

#[tokio::test]
async fn a_page_drawn_turned_reads_as_displayed_word_by_word() {
    let s = Server::new().await;
    let parsed = s.post("/parse", json!({"input": s.upload_pdf(&copier_layer(&LINES)).await})).await;
    parsed.expect(StatusCode::OK);
    let text = text_of(&parsed.body);
    for line in LINES {
        assert!(text.lines().any(|l| l == line), "{line:?} is a line of {text:?}");
    }
    // Boxed on the page as displayed, 792 pt wide and 612 high: the invoice number's line
    // runs across it from 72 pt in, its top 72 pt down.
    let first = &blocks(&parsed.body)[0];
    let bbox = &first["bbox"];
    assert!((number(&bbox["left"]) - 72.0 / 792.0).abs() < 0.01, "{first}");
    assert!((number(&bbox["top"]) - 72.0 / 612.0).abs() < 0.02, "{first}");
    assert!(number(&bbox["width"]) > 3.0 * number(&bbox["height"]), "a line across the page: {first}");
    assert_eq!(first["confidence"], "high");

    let extracted = s
        .post(
            "/extract",
            json!({
                "input": s.upload_pdf(&copier_layer(&LINES)).await,
                "instructions": {"schema": {"type": "object", "properties": {
                    "total": {"type": "number", "description": "Total due"}
                }}}
            }),
        )
        .await;
    extracted.expect(StatusCode::OK);
    assert_eq!(extracted.body["result"][0]["total"], json!(1250.0), "{}", extracted.body);
}

#[tokio::test]
async fn without_pdftotext_a_turned_page_keeps_the_readers_own_reading() {
    let failing = StandIns::new(&[("pdftotext", "exit 3")]);
    let server = Process::start(&[], &[("PATH", &failing.path())]);
    let (status, parsed) =
        server.post("/parse", json!({"input": server.upload(copier_layer(&LINES)).await})).await;
    assert_eq!(status, StatusCode::OK, "{parsed}");
    // The PDF reader runs the turned lines together ("TotalInvoicedue:2024-117…"): the page
    // is answered as it reads it, at low confidence.
    assert!(text_of(&parsed).contains("1,250.00"), "{parsed}");
    assert!(blocks(&parsed).iter().all(|block| block["confidence"] == "low"), "{parsed}");
}

#[tokio::test]
async fn a_turned_page_with_straight_text_is_boxed_where_the_text_shows() {
    // Drawn straight on the page, the line stands on the display's right edge, reading down,
    // whether the page turns itself or its page tree turns it.
    let s = Server::new().await;
    let content = "BT /F1 12 Tf 72 720 Td (Hello world) Tj ET";
    let inherited = turned_by("<< /Type /Pages /Kids [4 0 R] /Count 1 /Rotate 90 >>", "", content);
    for pdf in [turned_page(content), inherited] {
        let parsed = s.post("/parse", json!({"input": s.upload_pdf(&pdf).await})).await;
        parsed.expect(StatusCode::OK);
        let block = &blocks(&parsed.body)[0];
        assert_eq!(block["content"], "Hello world");
        let bbox = &block["bbox"];
        // Its baseline 720 pt up the page is 720 pt from the display's left, its start 72 pt
        // from the page's left edge is 72 pt from the display's top.
        assert!((number(&bbox["left"]) - 718.0 / 792.0).abs() < 0.01, "{block}");
        assert!((number(&bbox["top"]) - 72.0 / 612.0).abs() < 0.01, "{block}");
        assert!(number(&bbox["height"]) > 3.0 * number(&bbox["width"]), "a line down the page: {block}");
    }
}
