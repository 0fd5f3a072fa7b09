//! The formats besides PDF and text through the API: DOCX, XLSX, CSV and HTML uploads parsed
//! into pages and typed blocks, and a ZIP bomb refused with the reason (a sync 422, a failed
//! async job). The Office files are built here from hand-written XML.

use crate::common::{zip, Server};
use axum::http::StatusCode;
use serde_json::{json, Value};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn docx(body: &str) -> Vec<u8> {
    let document = format!(r#"<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#);
    zip(&[("word/document.xml", document.as_bytes())])
}

fn paragraph(style: &str, text: &str) -> String {
    format!(r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#)
}

/// A workbook with two sheets: numbers inline, text through the shared string table.
pub fn xlsx() -> Vec<u8> {
    let sheet1 = r#"<worksheet><sheetData>
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
        <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>100.5</v></c></row>
        </sheetData></worksheet>"#;
    let sheet2 = r#"<worksheet><sheetData><row r="3"><c r="C3" t="inlineStr"><is><t>Approved</t></is></c></row></sheetData></worksheet>"#;
    let workbook = r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <sheets><sheet name="Invoices" sheetId="1" r:id="rId1"/><sheet name="Status" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
    let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>
        <Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#;
    let shared = "<sst><si><t>Number</t></si><si><t>Total</t></si><si><t>A-1</t></si></sst>";
    zip(&[
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/sharedStrings.xml", shared.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet1.as_bytes()),
        ("xl/worksheets/sheet2.xml", sheet2.as_bytes()),
    ])
}

/// Uploads `bytes` as `filename` and parses it with page chunking.
async fn parse(s: &Server, filename: &str, bytes: &[u8]) -> crate::common::Reply {
    let upload = s.upload("/upload", "file", filename, bytes).await;
    upload.expect(StatusCode::OK);
    let file_id = upload.body["file_id"].as_str().unwrap();
    s.post("/parse", json!({"input": file_id, "retrieval": {"chunking": {"chunk_mode": "page"}}})).await
}

/// Each page chunk's blocks as `(type, content)`.
fn pages(reply: &crate::common::Reply) -> Vec<Vec<(String, String)>> {
    reply.expect(StatusCode::OK);
    let chunks = reply.body["result"]["chunks"].as_array().unwrap();
    chunks
        .iter()
        .map(|chunk| {
            let blocks = chunk["blocks"].as_array().unwrap();
            let block = |b: &Value| {
                (b["type"].as_str().unwrap().to_owned(), b["content"].as_str().unwrap().to_owned())
            };
            blocks.iter().map(block).collect()
        })
        .collect()
}

fn owned(blocks: &[(&str, &str)]) -> Vec<(String, String)> {
    blocks.iter().map(|(t, c)| (t.to_string(), c.to_string())).collect()
}

#[tokio::test]
async fn docx_paragraphs_headings_tables_and_page_breaks() {
    let s = Server::new().await;
    let body = [
        paragraph("Title", "Services agreement"),
        paragraph("Heading1", "Parties"),
        "<w:p><w:r><w:t>Between ACME and Jane Doe.</w:t><w:br w:type=\"page\"/></w:r></w:p>".into(),
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Fee</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>100</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
            .into(),
    ]
    .concat();
    let reply = parse(&s, "contract.docx", &docx(&body)).await;
    assert_eq!(reply.body["usage"]["num_pages"], 2);
    assert_eq!(
        pages(&reply),
        [
            owned(&[
                ("Title", "Services agreement"),
                ("Section Header", "Parties"),
                ("Text", "Between ACME and Jane Doe.")
            ]),
            owned(&[("Table", "| Fee | 100 |\n| --- | --- |")]),
        ]
    );
}

#[tokio::test]
async fn xlsx_sheets_are_pages_and_csv_and_html_are_one() {
    let s = Server::new().await;
    let reply = parse(&s, "book.xlsx", &xlsx()).await;
    assert_eq!(reply.body["usage"]["num_pages"], 2);
    assert_eq!(
        pages(&reply),
        [
            owned(&[
                ("Section Header", "Invoices"),
                ("Table", "| Number | Total |\n| --- | --- |\n| A-1 | 100.5 |")
            ]),
            owned(&[("Section Header", "Status"), ("Table", "|  |  | Approved |\n| --- | --- | --- |")]),
        ]
    );

    let csv = parse(&s, "rows.csv", b"city,population\n\"Paris, FR\",2100000\n").await;
    assert_eq!(
        pages(&csv),
        [owned(&[("Table", "| city | population |\n| --- | --- |\n| Paris, FR | 2100000 |")])]
    );

    let html = b"<html><head><script>alert(1)</script></head><body><h1>News</h1><p>Hello &amp; welcome.</p></body></html>";
    let page = parse(&s, "index.html", html).await;
    assert_eq!(pages(&page), [owned(&[("Title", "News"), ("Text", "Hello & welcome.")])]);
}

#[tokio::test]
async fn a_zip_bomb_is_refused_with_the_reason() {
    let s = Server::new().await;
    // 8 MB of one repeated paragraph deflates about a thousandfold.
    let filler = paragraph("Normal", "x").repeat(8 << 20 >> 6);
    let bomb = docx(&filler);
    assert!(bomb.len() < 100_000, "{} bytes", bomb.len());

    let reply = parse(&s, "bomb.docx", &bomb).await;
    reply.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let detail = reply.detail();
    assert!(
        detail.contains("refused as a possible ZIP bomb") && detail.contains("word/document.xml"),
        "{detail}"
    );

    let upload = s.upload("/upload", "file", "bomb.docx", &bomb).await;
    let queued = s.post("/parse_async", json!({"input": upload.body["file_id"]})).await;
    let job = s.finished(&queued.job_id()).await;
    assert_eq!(job.body["status"], "Failed");
    assert!(job.body["reason"].as_str().unwrap().contains("ZIP bomb"), "{}", job.body);
}
