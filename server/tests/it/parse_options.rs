//! `ParseOptions` the engine honours, through the API: `settings.page_range` (pages of a PDF,
//! sheets of a workbook, numbered again with their `original_page`), the table format, page
//! markers, `filter_blocks`, OCR-only extraction, hidden sheets left out, and every documented
//! field's type checked with the problem located in a 422.

use crate::common::{pages, pdf, Server};
use axum::http::StatusCode;
use serde_json::{json, Value};

/// A five-page PDF whose page n says "Page n text".
fn five_pages() -> Vec<u8> {
    let text: Vec<String> = (1..=5).map(|n| format!("Page {n} text")).collect();
    pdf(&pages(&text.join("\u{c}")))
}

/// A parse's chunks.
fn chunks(reply: &crate::common::Reply) -> &Vec<Value> {
    reply.body["result"]["chunks"].as_array().unwrap_or_else(|| panic!("no chunks in {}", reply.body))
}

/// Every block of a parse as `(page, original_page, content)`.
fn blocks(reply: &crate::common::Reply) -> Vec<(u64, u64, String)> {
    reply.expect(StatusCode::OK);
    chunks(reply)
        .iter()
        .flat_map(|chunk| chunk["blocks"].as_array().unwrap().iter())
        .map(|b| {
            let bbox = &b["bbox"];
            (
                bbox["page"].as_u64().unwrap(),
                bbox["original_page"].as_u64().unwrap(),
                b["content"].to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn page_range_reads_only_the_pages_asked_for_numbered_again() {
    let s = Server::new().await;
    let file = s.upload_pdf(&five_pages()).await;
    let range = json!([{"start": 4, "end": 9}, 2]);
    let parsed = s.post("/parse", json!({"input": file, "settings": {"page_range": range}})).await;
    assert_eq!(
        blocks(&parsed),
        [
            (1, 2, "\"Page 2 text\"".into()),
            (2, 4, "\"Page 4 text\"".into()),
            (3, 5, "\"Page 5 text\"".into())
        ]
    );
    assert_eq!(parsed.body["usage"]["num_pages"], 3, "the pages processed");

    // A list of page numbers, and the same in an extract's `parsing`.
    let listed = s.post("/parse", json!({"input": file, "settings": {"page_range": [3]}})).await;
    assert_eq!(blocks(&listed), [(1, 3, "\"Page 3 text\"".into())]);
    let schema =
        json!({"type": "object", "properties": {"page": {"type": "string", "description": "page text"}}});
    let extract = json!({"input": file, "parsing": {"settings": {"page_range": {"start": 5}}}, "instructions": {"schema": schema}});
    let extracted = s.post("/extract", extract).await;
    extracted.expect(StatusCode::OK);
    assert_eq!(extracted.body["usage"]["num_pages"], 1, "{}", extracted.body);

    // A range past the last page selects nothing: a 422 that says so.
    let past = s.post("/parse", json!({"input": file, "settings": {"page_range": {"start": 6}}})).await;
    past.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(past.detail(), "page_range selects no page of this 5-page document");
}

#[tokio::test]
async fn a_workbooks_sheets_are_asked_for_by_name() {
    let s = Server::new().await;
    let upload = s.upload("/upload", "file", "book.xlsx", &crate::formats::xlsx()).await;
    let file = upload.body["file_id"].clone();
    let parsed = s.post("/parse", json!({"input": file, "settings": {"page_range": ["Status"]}})).await;
    let read = blocks(&parsed);
    assert_eq!(read[0], (1, 2, "\"Status\"".into()), "the second sheet, alone: {read:?}");
    assert_eq!(parsed.body["usage"]["num_pages"], 1);

    let unknown = s.post("/parse", json!({"input": file, "settings": {"page_range": ["Totals"]}})).await;
    unknown.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unknown.detail(),
        "page_range names a sheet the workbook does not have: 'Totals' (its sheets: 'Invoices', 'Status')"
    );
    let pdf_file = s.upload_pdf(&five_pages()).await;
    let not_a_book =
        s.post("/parse", json!({"input": pdf_file, "settings": {"page_range": ["Status"]}})).await;
    not_a_book.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_a_book.detail().contains("this document is a PDF"), "{}", not_a_book.detail());
}

/// The one table of `file` parsed with `table_output_format: format`, as its block has it
/// (the chunk's text holds the same).
async fn table(s: &Server, file: &Value, format: &str) -> Value {
    let parsed =
        s.post("/parse", json!({"input": file, "formatting": {"table_output_format": format}})).await;
    parsed.expect(StatusCode::OK);
    let chunk = &chunks(&parsed)[0];
    let blocks = chunk["blocks"].as_array().unwrap();
    let table = blocks.iter().find(|b| b["type"] == "Table").unwrap()["content"].clone();
    assert!(chunk["content"].as_str().unwrap().contains(table.as_str().unwrap()), "{chunk}");
    table
}

#[tokio::test]
async fn tables_come_in_the_format_asked_for() {
    let s = Server::new().await;
    let csv = "item,note\nA&B,\"say \"\"hi\"\", ok\"\n";
    let file = s.upload("/upload", "file", "t.csv", csv.as_bytes()).await.body["file_id"].clone();
    assert_eq!(table(&s, &file, "md").await, "| item | note |\n| --- | --- |\n| A&B | say \"hi\", ok |");
    assert_eq!(table(&s, &file, "dynamic").await, table(&s, &file, "md").await, "4 cells: Markdown");
    assert_eq!(
        table(&s, &file, "html").await,
        "<table><tr><th>item</th><th>note</th></tr><tr><td>A&amp;B</td><td>say &quot;hi&quot;, ok</td></tr></table>"
    );
    assert_eq!(table(&s, &file, "csv").await, "item,note\nA&B,\"say \"\"hi\"\", ok\"");
    let json: Value = serde_json::from_str(table(&s, &file, "json").await.as_str().unwrap()).unwrap();
    assert_eq!(json, json!([["item", "note"], ["A&B", "say \"hi\", ok"]]));
    let boxed: Value = serde_json::from_str(table(&s, &file, "jsonbbox").await.as_str().unwrap()).unwrap();
    assert_eq!(boxed[1][0], json!({"text": "A&B", "bbox": null}), "no cell boxes in a CSV");

    // By default (dynamic), a table of more than 30 cells is HTML.
    let big: String = (0..20).map(|n| format!("{n},x\n")).collect();
    let file = s.upload("/upload", "file", "big.csv", big.as_bytes()).await.body["file_id"].clone();
    let parsed = s.post("/parse", json!({"input": file})).await;
    assert!(
        chunks(&parsed)[0]["content"].as_str().unwrap().starts_with("<table><tr><th>0</th>"),
        "{}",
        parsed.body
    );
}

#[tokio::test]
async fn page_markers_and_filtered_blocks_shape_the_text_not_the_blocks() {
    let s = Server::new().await;
    let file = s.upload_pdf(&pdf(&pages("Title line\n\nBody one\u{c}Body two"))).await;
    let marked = s.post("/parse", json!({"input": file, "formatting": {"add_page_markers": true}})).await;
    marked.expect(StatusCode::OK);
    let content = chunks(&marked)[0]["content"].as_str().unwrap();
    assert!(
        content.starts_with("[[START OF PAGE 1]]\n\n") && content.ends_with("\n\n[[END OF PAGE 2]]"),
        "{content}"
    );
    assert!(content.contains("[[END OF PAGE 1]]\n\n[[START OF PAGE 2]]"), "{content}");
    assert_eq!(chunks(&marked)[0]["embed"], chunks(&marked)[0]["content"]);

    let filtered =
        s.post("/parse", json!({"input": file, "retrieval": {"filter_blocks": ["Text", "Figure"]}})).await;
    filtered.expect(StatusCode::OK);
    let chunk = &chunks(&filtered)[0];
    assert!(!chunk["content"].as_str().unwrap().contains("Body"), "{chunk}");
    assert!(chunk["blocks"].to_string().contains("Body one"), "filtered blocks stay in blocks: {chunk}");
}

#[tokio::test]
async fn a_result_is_a_url_when_asked_for() {
    let s = Server::new().await;
    let file = s.upload_text("hello").await;
    let parsed = s.post("/parse", json!({"input": file, "settings": {"force_url_result": true}})).await;
    parsed.expect(StatusCode::OK);
    assert_eq!(parsed.body["result"]["type"], "url", "{}", parsed.body);
    assert!(parsed.body["result"]["url"].as_str().unwrap().contains("/download/"));
}

#[tokio::test]
async fn every_documented_option_is_checked_and_every_problem_located() {
    let s = Server::new().await;
    let file = s.upload_text("hello").await;
    let body = json!({
        "input": file,
        "formatting": {"table_output_format": "markdown", "add_page_markers": "maybe", "include": ["comments", "emoji"]},
        "retrieval": {"filter_blocks": "Header"},
        "settings": {"timeout": -1, "page_range": {"start": 3, "end": 1}, "embed_pdf_metadata_dpi": 400, "extraction_mode": "llm"},
        "enhance": {"summarize_figures": 2},
        "spreadsheet": {"clustering": "slow"},
    });
    let reply = s.post("/parse", body).await;
    reply.validation();
    let located: Vec<(String, String)> = reply.body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["loc"].to_string(), e["msg"].as_str().unwrap().to_owned()))
        .collect();
    let at = |loc: &str| {
        located
            .iter()
            .find(|(l, _)| l == loc)
            .unwrap_or_else(|| panic!("nothing at {loc}: {located:?}"))
            .1
            .clone()
    };
    assert_eq!(
        at(r#"["body","formatting","table_output_format"]"#),
        "table_output_format must be one of 'html', 'json', 'md', 'jsonbbox', 'dynamic' or 'csv', got \"markdown\""
    );
    assert!(at(r#"["body","formatting","add_page_markers"]"#).contains("true or false"));
    assert!(at(r#"["body","formatting","include",1]"#).contains("got \"emoji\""));
    assert!(at(r#"["body","retrieval","filter_blocks"]"#).contains("must be a list"));
    assert!(at(r#"["body","settings","timeout"]"#).contains("above 0"));
    assert_eq!(at(r#"["body","settings","page_range"]"#), "start (3) is after end (1)");
    assert!(at(r#"["body","settings","embed_pdf_metadata_dpi"]"#).contains("from 50 to 250"));
    assert!(at(r#"["body","settings","extraction_mode"]"#).contains("'ocr' or 'hybrid'"));
    assert!(at(r#"["body","enhance","summarize_figures"]"#).contains("true or false"));
    assert!(at(r#"["body","spreadsheet","clustering"]"#).contains("'accurate'"));
    assert_eq!(located.len(), 10, "{located:?}");

    // The spellings pydantic accepts are accepted; unknown fields are ignored.
    let lax = json!({"input": file, "formatting": {"add_page_markers": "true", "merge_tables": 0}, "settings": {"timeout": 30, "embed_pdf_metadata_dpi": 100.0}, "not_an_option": 1});
    s.post("/parse", lax).await.expect(StatusCode::OK);
}

#[tokio::test]
async fn ocr_only_extraction_reads_a_text_pdf_by_ocr() {
    let s = Server::new().await;
    let file = s.upload_pdf(&crate::common::packet()).await;
    let settings = json!({"extraction_mode": "ocr", "return_ocr_data": true, "page_range": [1]});
    let parsed = s.post("/parse", json!({"input": file, "settings": settings})).await;
    parsed.expect(StatusCode::OK);
    let lines = parsed.body["result"]["ocr"]["lines"].as_array().unwrap();
    assert!(lines.iter().any(|l| l["text"] == "INVOICE"), "read by OCR: {lines:?}");
    assert!(chunks(&parsed)[0]["content"].as_str().unwrap().contains("Invoice Number"), "{}", parsed.body);

    let hybrid = s
        .post("/parse", json!({"input": file, "settings": {"return_ocr_data": true, "page_range": [1]}}))
        .await;
    assert!(hybrid.body["result"]["ocr"].is_null(), "the text layer, by default");
}

#[tokio::test]
async fn hidden_sheets_are_left_out_when_asked() {
    let inline = |text: &str| {
        format!(
            r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData></worksheet>"#
        )
    };
    let workbook = r#"<workbook xmlns:r="r"><sheets><sheet name="Shown" r:id="rId1"/><sheet name="Kept out" state="veryHidden" r:id="rId2"/></sheets></workbook>"#;
    let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/a.xml"/><Relationship Id="rId2" Target="worksheets/b.xml"/></Relationships>"#;
    let (a, b) = (inline("visible text"), inline("helper text"));
    let book = crate::common::zip(&[
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/a.xml", a.as_bytes()),
        ("xl/worksheets/b.xml", b.as_bytes()),
    ]);
    let s = Server::new().await;
    let file = s.upload("/upload", "file", "book.xlsx", &book).await.body["file_id"].clone();
    let all = s.post("/parse", json!({"input": file})).await;
    assert_eq!(all.body["usage"]["num_pages"], 2, "{}", all.body);
    let shown = s.post("/parse", json!({"input": file, "spreadsheet": {"exclude": ["hidden_sheets"]}})).await;
    assert_eq!(shown.body["usage"]["num_pages"], 1, "{}", shown.body);
    assert!(!chunks(&shown)[0]["content"].as_str().unwrap().contains("helper"), "{}", shown.body);
}

#[tokio::test]
async fn large_tables_are_cut_as_split_large_tables_asks() {
    let s = Server::new().await;
    let csv: String =
        std::iter::once("n,sq\n".to_owned()).chain((1..=120).map(|n| format!("{n},{}\n", n * n))).collect();
    let file = s.upload("/upload", "file", "squares.csv", csv.as_bytes()).await.body["file_id"].clone();
    let tables = |spreadsheet: Value| {
        let s = &s;
        let body =
            json!({"input": file, "spreadsheet": spreadsheet, "formatting": {"table_output_format": "csv"}});
        async move {
            let parsed = s.post("/parse", body).await;
            parsed.expect(StatusCode::OK);
            let blocks = chunks(&parsed)[0]["blocks"].as_array().unwrap().clone();
            blocks.iter().map(|b| b["content"].as_str().unwrap().lines().count()).collect::<Vec<_>>()
        }
    };
    assert_eq!(tables(json!({})).await, [51, 51, 21], "50 rows a table by default, the header in each");
    assert_eq!(tables(json!({"split_large_tables": {"size": 100}})).await, [101, 21]);
    assert_eq!(tables(json!({"split_large_tables": {"size": {"row": 60, "column": 4}}})).await, [61, 61]);
    assert_eq!(tables(json!({"split_large_tables": {"enabled": false}})).await, [121]);

    let bad =
        json!({"input": file, "spreadsheet": {"split_large_tables": {"enabled": "sometimes", "size": 0}}});
    let reply = s.post("/parse", bad).await;
    reply.validation();
    let locs: Vec<String> =
        reply.body["detail"].as_array().unwrap().iter().map(|e| e["loc"].to_string()).collect();
    assert_eq!(
        locs,
        [
            r#"["body","spreadsheet","split_large_tables","enabled"]"#,
            r#"["body","spreadsheet","split_large_tables","size"]"#
        ]
    );
}

#[tokio::test]
async fn a_docx_comments_are_read_when_included() {
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let document = format!(
        r#"<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Delivery in May</w:t></w:r><w:r><w:commentReference w:id="5"/></w:r></w:p></w:body></w:document>"#
    );
    let rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;
    let comments = format!(
        r#"<w:comments xmlns:w="{W}"><w:comment w:id="5" w:author="Grace"><w:p><w:r><w:t>June at the latest.</w:t></w:r></w:p></w:comment></w:comments>"#
    );
    let docx = crate::common::zip(&[
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/comments.xml", comments.as_bytes()),
    ]);
    let s = Server::new().await;
    let file = s.upload("/upload", "file", "terms.docx", &docx).await.body["file_id"].clone();
    let plain = s.post("/parse", json!({"input": file})).await;
    assert_eq!(chunks(&plain)[0]["content"], "Delivery in May", "comments only when asked for");
    let with = s.post("/parse", json!({"input": file, "formatting": {"include": ["comments"]}})).await;
    let blocks = chunks(&with)[0]["blocks"].as_array().unwrap().clone();
    assert_eq!(blocks[1]["type"], "Comment", "{}", with.body);
    assert_eq!(blocks[1]["content"], "Grace: June at the latest.");
}
