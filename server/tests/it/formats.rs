//! The formats besides PDF and text through the API: DOCX, XLSX, CSV and HTML uploads parsed
//! into pages and typed blocks, and a ZIP bomb refused with the reason (a sync 422, a failed
//! async job). The Office files are built here from hand-written XML.

use crate::common::{pages as text_pages, pdf, rasterize, zip, Server};
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
async fn a_docx_that_is_only_pictures_is_read_by_ocr_a_page_each() {
    // A scan pasted into Word: each page a picture (one drawn, one in VML, as older Word writes
    // it), no text; a drawing Word cannot rasterize (EMF) is left out.
    let scan = |text: &str| rasterize(&pdf(&text_pages(text)), 1, "png", 150);
    let rels = r#"<Relationships>
        <Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>
        <Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image2.png"/>
        <Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image3.emf"/>
        </Relationships>"#;
    let drawn = |id: &str| {
        format!(
            r#"<w:p><w:r><w:drawing><a:graphic xmlns:a="a"><a:graphicData><pic:pic xmlns:pic="pic"><pic:blipFill><a:blip xmlns:r="r" r:embed="{id}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></w:drawing></w:r></w:p>"#
        )
    };
    let vml = r#"<w:p><w:r><w:pict><v:shape xmlns:v="v"><v:imagedata xmlns:r="r" r:id="rId6"/></v:shape></w:pict></w:r></w:p>"#;
    let body =
        [drawn("rId7"), drawn("rId5"), r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#.into(), vml.into()]
            .concat();
    let document = format!(r#"<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#);
    let (first, second) = (scan("Invoice Number: A-1"), scan("Total due: 1,250.00"));
    let file = zip(&[
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/media/image1.png", &first),
        ("word/media/image2.png", &second),
        ("word/media/image3.emf", b"\x01\x00\x00\x00 not a picture OCR reads"),
    ]);
    let s = Server::new().await;
    let reply = parse(&s, "scan.docx", &file).await;
    assert_eq!(reply.body["usage"]["num_pages"], 2, "{}", reply.body);
    let texts: Vec<String> =
        pages(&reply).into_iter().map(|page| page.into_iter().map(|(_, text)| text).collect()).collect();
    assert_eq!(texts, ["Invoice Number: A-1", "Total due: 1,250.00"]);

    // With no picture either, it is still empty.
    let refused = parse(&s, "empty.docx", &docx(&drawn("rId9"))).await;
    refused.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.detail().contains("no text"), "{}", refused.detail());
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
