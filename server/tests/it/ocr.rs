//! OCR end to end: images and scanned PDF pages (made here from documents whose text is known,
//! rasterized by poppler) are read by Tesseract into blocks with boxes and confidences, and
//! `result.ocr` says which pages were OCR'd.

use crate::common::{packet, pdf, rasterize, scanned_pdf, serialize, Process, Server, StandIns};
use axum::http::StatusCode;
use serde_json::{json, Value};

fn text_of(parse: &Value) -> String {
    parse["result"]["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["content"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The page of each line in `result.ocr`: the pages that were OCR'd.
fn ocr_line_pages(parse: &Value) -> Vec<u64> {
    let lines = parse["result"]["ocr"]["lines"].as_array().unwrap();
    lines.iter().map(|line| line["bbox"]["page"].as_u64().unwrap()).collect()
}

#[tokio::test]
async fn an_image_is_read_by_ocr_with_boxes_and_confidences() {
    let s = Server::new().await;
    let png = rasterize(&packet(), 1, "png", 200);
    let upload = s.upload("/upload", "file", "scan.png", &png).await;
    let with_ocr_data = json!({"return_ocr_data": true});
    let parsed = s.post("/parse", json!({"input": upload.body["file_id"], "settings": with_ocr_data})).await;
    parsed.expect(StatusCode::OK);
    let text = text_of(&parsed.body);
    assert!(text.contains("INVOICE") && text.contains("Invoice Number: A-1"), "{text}");
    let block = &parsed.body["result"]["chunks"][0]["blocks"][0];
    assert!(block["bbox"]["top"].as_f64().unwrap() < 0.2, "the heading sits at the top: {block}");
    assert!(["high", "low"].contains(&block["confidence"].as_str().unwrap()));
    let lines = parsed.body["result"]["ocr"]["lines"].as_array().unwrap();
    assert!(lines.iter().any(|l| l["text"] == "INVOICE" && l["bbox"]["page"] == 1), "{lines:?}");
    assert!(lines.iter().all(|l| (0.0..=1.0).contains(&l["confidence"].as_f64().unwrap())));
}

#[tokio::test]
async fn scanned_pages_of_a_pdf_are_ocrd_and_the_others_read_from_their_text_layer() {
    let s = Server::new().await;
    // Page 1 a scan of the invoice, page 2 a scan of the contract.
    let scan = scanned_pdf(&[rasterize(&packet(), 1, "jpeg", 300), rasterize(&packet(), 4, "jpeg", 300)]);
    let id = s.upload_pdf(&scan).await;
    let page_chunks = json!({"chunking": {"chunk_mode": "page"}});
    let without_ocr_data = s.post("/parse", json!({"input": id, "retrieval": page_chunks})).await;
    assert!(without_ocr_data.body["result"]["ocr"].is_null(), "OCR data only when asked for");
    let asked = json!({"input": id, "retrieval": page_chunks, "settings": {"return_ocr_data": true}});
    let parsed = s.post("/parse", asked).await;
    parsed.expect(StatusCode::OK);
    assert_eq!(parsed.body["usage"]["num_pages"], 2);
    assert!(text_of(&parsed.body).contains("SERVICES AGREEMENT"), "{}", text_of(&parsed.body));
    let pages = ocr_line_pages(&parsed.body);
    assert!(pages.contains(&1) && pages.contains(&2));

    // A text page is not OCR'd: a text PDF's result has no `ocr`.
    let text = s.upload_pdf(&packet()).await;
    let plain = s.post("/parse", json!({"input": text, "settings": {"return_ocr_data": true}})).await;
    assert!(plain.body["result"]["ocr"].is_null());

    // What is read from a scan is extracted like any text.
    let schema = json!({"type": "object", "properties": {"invoice_number": {"type": "string"}, "amount_due": {"type": "number"}}});
    let extracted = s.post("/extract", json!({"input": id, "instructions": {"schema": schema}})).await;
    extracted.expect(StatusCode::OK);
    assert_eq!(extracted.body["result"][0]["invoice_number"], "A-1", "{}", extracted.body);
    assert_eq!(extracted.body["result"][0]["amount_due"], 100.0);
}

#[tokio::test]
async fn pages_still_empty_after_ocr_keep_their_clear_errors() {
    let s = Server::new().await;
    let blank = pdf(&[vec![String::new()]]);
    let scan = scanned_pdf(&[rasterize(&blank, 1, "jpeg", 100)]);
    let id = s.upload_pdf(&scan).await;
    let parsed = s.post("/parse", json!({"input": id})).await;
    parsed.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(parsed.detail().contains("no text"), "{}", parsed.detail());

    let image = s.upload("/upload", "file", "blank.png", &rasterize(&blank, 1, "png", 100)).await;
    let parsed = s.post("/parse", json!({"input": image.body["file_id"]})).await;
    parsed.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(parsed.detail(), "OCR found no text in the image");
}

#[tokio::test]
async fn an_encrypted_scan_is_ocrd_with_its_password_which_no_command_line_sees() {
    // Stand-ins for pdftoppm and tesseract that write down every command line they are given.
    let log = tempfile::NamedTempFile::new().unwrap();
    let write_down = |tool: &str| format!("printf '%s\\n' \"{tool} $*\" >> '{}'", log.path().display());
    let tools =
        StandIns::new(&[("pdftoppm", &write_down("pdftoppm")), ("tesseract", &write_down("tesseract"))]);
    let server = Process::start(&[], &[("PATH", &tools.path())]);

    let id = server.upload(encrypted_scan("scan-password", Some(b"0123456789abcdef"))).await;

    let (status, locked) = server.post("/parse", json!({"input": id})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{locked}");
    let (status, parsed) =
        server.post("/parse", json!({"input": id, "settings": {"document_password": "scan-password"}})).await;
    assert_eq!(status, StatusCode::OK, "{parsed}");
    assert!(text_of(&parsed).contains("Invoice Number: A-1"), "{}", text_of(&parsed));

    let commands = std::fs::read_to_string(log.path()).unwrap();
    assert!(commands.lines().any(|line| line.starts_with("pdftoppm ")), "pdftoppm ran: {commands}");
    assert!(commands.lines().any(|line| line.starts_with("tesseract ")), "tesseract ran: {commands}");
    assert!(!commands.contains("scan-password"), "the password is on no command line: {commands}");
}

#[tokio::test]
async fn an_encrypted_scan_without_an_id_opens_with_the_empty_password() {
    // RC4 with an empty user password and no /ID in the trailer (the key is made from an empty
    // ID): lopdf cannot decrypt such a file, while pdf_oxide and poppler open it without asking.
    let s = Server::new().await;
    let parsed = s.post("/parse", json!({"input": s.upload_pdf(&encrypted_scan("", None)).await})).await;
    parsed.expect(StatusCode::OK);
    assert!(text_of(&parsed.body).contains("Invoice Number: A-1"), "{}", text_of(&parsed.body));
}

#[tokio::test]
async fn a_page_the_pdf_reader_refuses_is_read_by_ocr() {
    // qpdf's duplicate-page-inherited test: one page object listed twice in /Kids, under a
    // /Pages node that holds the font. pdf_oxide reads the first and refuses the second
    // ("Page index 1 not found"); poppler draws both.
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Resources << /Font << /F1 6 0 R >> >> /Kids [3 0 R] /Count 2 >>",
        "<< /Type /Pages /Parent 2 0 R /Kids [4 0 R 4 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        "<< /Length 40 >>\nstream\nBT /F1 24 Tf 72 720 Td (Potato salad) Tj ET\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ];
    let s = Server::new().await;
    let id = s.upload_pdf(&serialize(&objects.map(|o| o.as_bytes().to_vec()))).await;
    let parsed = s.post("/parse", json!({"input": id, "settings": {"return_ocr_data": true}})).await;
    parsed.expect(StatusCode::OK);
    assert_eq!(parsed.body["usage"]["num_pages"], 2);
    assert_eq!(text_of(&parsed.body).matches("Potato salad").count(), 2, "{}", text_of(&parsed.body));
    assert_eq!(ocr_line_pages(&parsed.body), [2], "only the refused page is OCR'd");
}

#[tokio::test]
async fn a_page_whose_font_maps_no_letters_is_read_by_ocr() {
    // Page 1 drawn in a font whose glyphs have made-up names, so its text layer reads as
    // "-BJC=79!/IA69F…"; page 2 in Helvetica.
    let pdf =
        glyph_coded_pdf(INVOICE_LINES, "Thank you for your business. Payment terms are thirty days net.");
    let s = Server::new().await;
    let id = s.upload_pdf(&pdf).await;
    let by_page = json!({"chunking": {"chunk_mode": "page"}});
    let asked = json!({"input": id, "retrieval": by_page, "settings": {"return_ocr_data": true}});
    let parsed = s.post("/parse", asked).await;
    parsed.expect(StatusCode::OK);
    let chunks = parsed.body["result"]["chunks"].as_array().unwrap();
    let first = chunks[0]["content"].as_str().unwrap();
    assert!(first.contains("March 2024") && first.contains("Total due: 1,250.00 EUR"), "{first}");
    assert!(chunks[1]["content"].as_str().unwrap().contains("Thank you for your business."));
    assert_eq!(chunks[1]["blocks"][0]["confidence"], "high", "page 2 is read from its text layer");
    let ocr_pages = ocr_line_pages(&parsed.body);
    assert!(
        !ocr_pages.is_empty() && ocr_pages.iter().all(|&page| page == 1),
        "only page 1 is OCR'd: {ocr_pages:?}"
    );

    let schema = json!({"type": "object", "properties": {"total_due": {"type": "number"}}});
    let extracted = s.post("/extract", json!({"input": id, "instructions": {"schema": schema}})).await;
    assert_eq!(extracted.body["result"][0]["total_due"], 1250.0, "{}", extracted.body);
}

#[tokio::test]
async fn a_garbled_text_layer_that_ocr_cannot_read_is_kept_at_low_confidence() {
    // Tesseract fails on every page: the text layer is all there is, and it says how sure it is.
    let tools = StandIns::new(&[("tesseract", "echo 'tesseract: out of order' >&2; exit 1")]);
    let server = Process::start(&[], &[("PATH", &tools.path())]);
    let id = server.upload(glyph_coded_pdf(INVOICE_LINES, "Payment terms are thirty days net.")).await;
    let (status, parsed) = server.post("/parse", json!({"input": id})).await;
    assert_eq!(status, StatusCode::OK, "{parsed}");
    let blocks: Vec<&Value> = parsed["result"]["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|chunk| chunk["blocks"].as_array().unwrap())
        .collect();
    let garbled = blocks.iter().filter(|block| block["bbox"]["page"] == 1);
    assert!(garbled.clone().all(|block| block["confidence"] == "low"), "{blocks:?}");
    assert!(
        garbled.clone().any(|block| block["content"].as_str().unwrap().contains("-BJC=79")),
        "{blocks:?}"
    );
    let read = blocks.iter().filter(|block| block["bbox"]["page"] == 2);
    assert!(read.clone().all(|block| block["confidence"] == "high"), "{blocks:?}");
}

const INVOICE_LINES: &[&str] = &[
    "Invoice Number: INV-2041",
    "Date: 12 March 2024",
    "The quick brown fox jumps over the lazy dog",
    "Payment is due within thirty days of receipt",
    "Total due: 1,250.00 EUR",
];

/// A two-page PDF: `lines` on page 1 in a Type3 font that draws each letter with Helvetica
/// under a glyph name that says nothing (g33, g34…; codes from "!" on, so the text layer reads
/// as signs), `sentence` on page 2 in Helvetica itself.
fn glyph_coded_pdf(lines: &[&str], sentence: &str) -> Vec<u8> {
    let mut letters: Vec<char> = lines.iter().flat_map(|line| line.chars()).collect();
    letters.sort();
    letters.dedup();
    let code = |c: char| 33 + letters.iter().position(|&l| l == c).unwrap();
    let escape = |text: &str| text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
    // Helvetica's widths, roughly: a glyph's advance is its Type3 width.
    let width = |c: char| match c {
        ' ' | 'i' | 'j' | 'l' | '.' | ',' | ':' | '!' => 278,
        'f' | 't' | 'r' | '-' => 333,
        'm' | 'M' | 'w' => 833,
        c if c.is_uppercase() => 700,
        _ => 556,
    };
    let stream = |content: String| format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len());
    // Objects: 1 the catalog, 2 the pages, 3 Helvetica, 4 and 5 page 1 and its content, 6 and 7
    // page 2 and its content, 8 the Type3 font, 9 on its glyphs.
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let page = |contents: usize, font: &str| {
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} >> >> /Contents {contents} 0 R >>")
    };
    objects.push(page(5, "8 0 R"));
    let drawn: Vec<String> = lines
        .iter()
        .map(|line| {
            format!(
                "({}) Tj T*",
                escape(&line.chars().map(|c| char::from(code(c) as u8)).collect::<String>())
            )
        })
        .collect();
    objects.push(stream(format!("BT /F1 14 Tf 18 TL 72 720 Td {} ET", drawn.join(" "))));
    objects.push(page(7, "3 0 R"));
    objects.push(stream(format!("BT /F1 12 Tf 72 720 Td ({}) Tj ET", escape(sentence))));
    let names: Vec<String> = letters.iter().map(|&c| format!("/g{}", code(c))).collect();
    let procs: Vec<String> =
        names.iter().enumerate().map(|(i, name)| format!("{name} {} 0 R", 9 + i)).collect();
    let widths: Vec<String> = letters.iter().map(|&c| width(c).to_string()).collect();
    objects.push(format!(
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 -200 1000 900] /FontMatrix [0.001 0 0 0.001 0 0] \
         /CharProcs << {} >> /Encoding << /Type /Encoding /Differences [33 {}] >> /FirstChar 33 \
         /LastChar {} /Widths [{}] /Resources << /Font << /H 3 0 R >> >> >>",
        procs.join(" "),
        names.join(" "),
        32 + letters.len(),
        widths.join(" ")
    ));
    for &c in &letters {
        let glyph = match c {
            ' ' => String::new(),
            c => format!("BT /H 1000 Tf 0 0 Td ({}) Tj ET", escape(&c.to_string())),
        };
        objects.push(stream(format!("{} 0 d0 {glyph}", width(c))));
    }
    serialize(&objects.into_iter().map(String::into_bytes).collect::<Vec<_>>())
}

/// Page 1 of the packet as a scan, encrypted with RC4 (128-bit) under `user_password`, its
/// trailer's /ID `id`; with no `id` the key is made from an empty one and the /ID left out.
fn encrypted_scan(user_password: &str, id: Option<&[u8]>) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(&scanned_pdf(&[rasterize(&packet(), 1, "jpeg", 200)])).unwrap();
    let id_string = lopdf::Object::string_literal(id.unwrap_or_default().to_vec());
    doc.trailer.set("ID", vec![id_string.clone(), id_string]);
    let version = lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    };
    doc.encrypt(&lopdf::EncryptionState::try_from(version).unwrap()).unwrap();
    if id.is_none() {
        doc.trailer.remove(b"ID");
    }
    let mut encrypted = Vec::new();
    doc.save_to(&mut encrypted).unwrap();
    encrypted
}
