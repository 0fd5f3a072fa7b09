//! Split and extract through the API, on generated documents with known contents: plain-text
//! and PDF invoices (written by the tiny PDF writer in `common`), a multi-page packet split
//! into categories, and the pipeline shapes that combine them.

use crate::common::{categories, drawn_pdf, extract_schema, packet, pages, pdf, Server};
use axum::http::StatusCode;
use serde_json::{json, Value};

const INVOICE: &str = "ACME Corporation\n\
    INVOICE\n\
    \n\
    Invoice Number: INV-2024-017\n\
    Invoice Date: 12/03/2024\n\
    Due Date: January 15, 2025\n\
    PO Number: none\n\
    Paid: Yes\n\
    Currency: eur\n\
    \n\
    Description Qty Amount\n\
    Design work 12 1,440.00\n\
    Hosting 1 60.50\n\
    \n\
    Total Due: $1,500.50";

fn invoice_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "invoice_number": {"type": "string", "description": "The invoice number"},
            "invoice_date": {"type": "string", "format": "date"},
            "due_date": {"type": "string", "format": "date"},
            "paid": {"type": "boolean"},
            "currency": {"type": "string", "enum": ["USD", "EUR"]},
            "total": {"type": "number", "description": "Total due"},
            "customer": {"type": "string"},
            "line_items": {"type": "array", "items": {"type": "object", "properties": {
                "description": {"type": "string"},
                "quantity": {"type": "integer"},
                "amount": {"type": "number"}
            }}}
        }
    })
}

fn expected_invoice() -> Value {
    json!({
        "invoice_number": "INV-2024-017",
        "invoice_date": "2024-12-03",
        "due_date": "2025-01-15",
        "paid": true,
        "currency": "EUR",
        "total": 1500.5,
        "customer": null,
        "line_items": [
            {"description": "Design work", "quantity": 12, "amount": 1440.0},
            {"description": "Hosting", "quantity": 1, "amount": 60.5}
        ]
    })
}

/// The first result of `POST /extract` (a 200) on a PDF of `text`, filled by `schema`.
async fn extracted_from(s: &Server, text: &str, schema: Value) -> Value {
    let file_id = s.upload_pdf(&pdf(&pages(text))).await;
    let reply = s.post("/extract", json!({"input": file_id, "instructions": {"schema": schema}})).await;
    reply.expect(StatusCode::OK);
    reply.body["result"][0].clone()
}

fn extract_body(file_id: &str, citations: bool) -> Value {
    json!({
        "input": file_id,
        "instructions": {"schema": invoice_schema()},
        "settings": {"citations": {"enabled": citations}}
    })
}

#[tokio::test]
async fn extract_fills_a_schema_from_a_text_invoice() {
    let s = Server::new().await;
    let file_id = s.upload_text(INVOICE).await;
    let reply = s.post("/extract", extract_body(&file_id, false)).await;
    reply.expect(StatusCode::OK);
    let body = &reply.body;
    assert_eq!(body["result"], json!([expected_invoice()]));
    assert_eq!(body["usage"], json!({"num_pages": 1, "num_fields": 12, "credits": null}));
    assert!(body["job_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!((&body["citations"], &body["studio_link"]), (&Value::Null, &Value::Null));
    let listed = s.get("/jobs").await;
    assert_eq!(listed.body["jobs"][0]["type"], "Extract");
}

#[tokio::test]
async fn extract_reads_a_spreadsheet_export_whose_header_row_labels_the_values_under_it() {
    // As German Excel saves a CSV: semicolons, decimal commas, Windows-1252 (0x80 is €).
    let csv = b"Rechnungsnummer;Rechnungsdatum;Gesamtbetrag\r\nRE-2024/17;05.03.2024;1.234,56 \x80\r\n";
    let s = Server::new().await;
    let reply = s.upload("/upload?extension=csv", "file", "export.csv", csv).await;
    let file_id = reply.body["file_id"].as_str().unwrap().to_owned();
    let schema = json!({"type": "object", "properties": {
        "invoice_number": {"type": "string"}, "invoice_date": {"type": "string", "format": "date"},
        "total": {"type": "number"},
    }});
    let reply = s.post("/extract", json!({"input": file_id, "instructions": {"schema": schema}})).await;
    reply.expect(StatusCode::OK);
    assert_eq!(
        reply.body["result"][0],
        json!({"invoice_number": "RE-2024/17", "invoice_date": "2024-03-05", "total": 1234.56})
    );
}

#[tokio::test]
async fn extract_reads_a_pdf_invoice_and_cites_its_blocks() {
    let s = Server::new().await;
    let file_id = s.upload_pdf(&pdf(&pages(INVOICE))).await;
    let plain = s.post("/extract", extract_body(&file_id, false)).await;
    plain.expect(StatusCode::OK);
    assert_eq!(plain.body["result"][0], expected_invoice());

    let cited = s.post("/extract", extract_body(&file_id, true)).await;
    cited.expect(StatusCode::OK);
    let result = &cited.body["result"];
    assert_eq!(result["invoice_number"]["value"], "INV-2024-017");
    assert_eq!(result["customer"], json!({"value": null, "citations": []}));
    assert_eq!(result["line_items"][0]["quantity"]["value"], 12);
    let total = &result["total"]["citations"][0];
    assert_eq!((&total["type"], &total["confidence"]), (&json!("Text"), &json!("high")));
    assert!(total["content"].as_str().unwrap().contains("Total Due: $1,500.50"), "{total}");
    let bbox = &total["bbox"];
    assert_eq!((&bbox["page"], &bbox["original_page"]), (&json!(1), &json!(1)));
    // The total is the last line of the page, so its box sits below the invoice number's.
    let number_top = result["invoice_number"]["citations"][0]["bbox"]["top"].as_f64().unwrap();
    assert!(bbox["top"].as_f64().unwrap() > number_top, "{bbox}");
    assert!(bbox["width"].as_f64().unwrap() > 0.0 && bbox["height"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn extract_reads_a_pdf_table_by_its_columns() {
    // Two text columns side by side, and values a column away from their labels: only the
    // gaps between the cells tell them apart.
    let order = "Purchase Order 88\n\
        \n\
        Item\tCategory\tQuantity\tPrice\n\
        Standing desk\tOffice furniture\t2\t499.00\n\
        Monitor arm\tAccessories\t4\t89.90\n\
        \n\
        Approved by:\tDana Reyes\n\
        Date:\t2024-05-02";
    let schema = json!({"type": "object", "properties": {
        "approved_by": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "item": {"type": "string"},
            "category": {"type": "string"},
            "quantity": {"type": "integer"},
            "price": {"type": "number"}
        }}}
    }});
    let s = Server::new().await;
    let file_id = s.upload_pdf(&pdf(&pages(order))).await;
    let reply = s.post("/extract", json!({"input": file_id, "instructions": {"schema": schema}})).await;
    reply.expect(StatusCode::OK);
    assert_eq!(
        reply.body["result"][0],
        json!({
            "approved_by": "Dana Reyes",
            "date": "2024-05-02",
            "items": [
                {"item": "Standing desk", "category": "Office furniture", "quantity": 2, "price": 499.0},
                {"item": "Monitor arm", "category": "Accessories", "quantity": 4, "price": 89.9}
            ]
        })
    );
    let parsed = s.post("/parse", json!({"input": file_id})).await;
    let content = parsed.body["result"]["chunks"][0]["content"].as_str().unwrap().to_owned();
    assert!(content.contains("Standing desk\tOffice furniture\t2\t499.00"), "cells apart: {content:?}");
}

#[tokio::test]
async fn extract_async_and_the_async_key_answer_with_a_job() {
    let s = Server::new().await;
    let file_id = s.upload_text(INVOICE).await;
    let queued = s.post("/extract_async", extract_body(&file_id, false)).await;
    queued.expect(StatusCode::OK);
    let job = s.finished(&queued.job_id()).await;
    assert_eq!(job.body["result"]["result"][0]["total"], 1500.5);

    let mut body = extract_body(&file_id, false);
    body["async"] = json!({});
    let queued = s.post("/extract", body).await;
    let job = s.finished(&queued.job_id()).await;
    assert_eq!(job.body["result"]["usage"]["num_pages"], 1);
}

#[tokio::test]
async fn extract_refuses_a_schema_it_cannot_read() {
    let s = Server::new().await;
    let file_id = s.upload_text(INVOICE).await;
    let body = json!({"input": file_id, "instructions": {"schema": {"properties": {"total": 3}}}});
    let reply = s.post("/extract", body).await;
    assert_eq!(reply.validation()["loc"], json!(["body", "instructions", "schema"]));
    assert!(reply.validation()["msg"].as_str().unwrap().contains("'total'"));
}

#[tokio::test]
async fn split_assigns_pages_of_a_pdf_to_categories() {
    let s = Server::new().await;
    let file_id = s.upload_pdf(&packet()).await;
    let mut reply = s.post("/split", json!({"input": file_id, "split_description": categories()})).await;
    reply.expect(StatusCode::OK);
    let job_id = reply.body.as_object_mut().unwrap().remove("job_id");
    assert!(job_id.as_ref().and_then(Value::as_str).is_some_and(|id| !id.is_empty()), "job_id: {job_id:?}");
    assert_eq!(
        reply.body,
        json!({
            "response_type": "split",
            "usage": {"num_pages": 5, "credits": null},
            "result": {
                "section_mapping": {"Invoice": [1, 2], "Contract": [4, 5]},
                "splits": [
                    {"name": "Invoice", "pages": [1, 2], "conf": "low", "partitions": null},
                    {"name": "Contract", "pages": [4, 5], "conf": "low", "partitions": null}
                ]
            }
        })
    );
    let queued = s.post("/split_async", json!({"input": file_id, "split_description": categories()})).await;
    let mut job = s.finished(&queued.job_id()).await;
    // The same answer, under the queued job's own id.
    assert_eq!(job.body["result"].as_object_mut().unwrap().remove("job_id"), Some(json!(queued.job_id())));
    assert_eq!(job.body["result"], reply.body);
    assert_eq!(s.get("/jobs").await.body["jobs"][0]["type"], "Split");
}

#[tokio::test]
async fn pipelines_return_their_last_step() {
    let s = Server::new().await;
    let file_id = s.upload_pdf(&packet()).await;
    let split_step = json!({"categories": categories()});
    let extract_step = json!({"schema": extract_schema()});

    let split_only = s.create(json!({"split": split_step})).await;
    s.deploy(&split_only).await;
    let reply = s.run(&split_only, json!(file_id)).await;
    reply.expect(StatusCode::OK);
    let result = &reply.body["result"];
    assert_eq!((&result["parse"], &result["extract"]), (&Value::Null, &Value::Null));
    assert_eq!(result["split"]["result"]["section_mapping"]["Contract"], json!([4, 5]));

    let extract_only = s.create(json!({"extract": extract_step})).await;
    s.deploy(&extract_only).await;
    let reply = s.run(&extract_only, json!(file_id)).await;
    let result = &reply.body["result"];
    assert_eq!((&result["parse"], &result["split"]), (&Value::Null, &Value::Null));
    assert_eq!(
        result["extract"]["result"],
        json!([{"invoice_number": "A-1", "total": 100.0, "signed": "Jane Doe"}])
    );
    assert_eq!(result["extract"]["usage"]["num_pages"], 5);

    let both = s.create(json!({"split": split_step, "extract": extract_step})).await;
    s.deploy(&both).await;
    let reply = s.run(&both, json!(file_id)).await;
    assert_eq!(reply.header("x-pipeline-version"), "1");
    let result = &reply.body["result"];
    assert_eq!(result["split"]["result"]["splits"].as_array().unwrap().len(), 2);
    let sections = result["extract"].as_array().unwrap();
    let summary: Vec<(&Value, &Value, &Value)> =
        sections.iter().map(|x| (&x["split_name"], &x["page_range"], &x["result"]["result"][0])).collect();
    assert_eq!(
        summary,
        [
            (
                &json!("Invoice"),
                &json!([1, 2]),
                &json!({"invoice_number": "A-1", "total": 100.0, "signed": null})
            ),
            (
                &json!("Contract"),
                &json!([4, 5]),
                &json!({"invoice_number": null, "total": null, "signed": "Jane Doe"})
            ),
        ]
    );
    assert_eq!(sections[1]["result"]["usage"]["num_pages"], 2);
    assert_eq!(sections[0]["partition"], Value::Null);

    let bad = s
        .post("/studio/pipelines", json!({"name": "x", "steps": {"extract": {"schema": {"properties": []}}}}))
        .await;
    assert_eq!(bad.validation()["loc"], json!(["body", "steps", "extract", "schema"]));

    // Studio's test run of a draft with citations on.
    let cited = s.create(json!({"extract": {"schema": extract_step["schema"], "citations": true}})).await;
    let reply = s.post(&format!("/studio/pipelines/{cited}/test"), json!({"input": file_id})).await;
    reply.expect(StatusCode::OK);
    let total = &reply.body["result"]["extract"]["result"]["total"];
    assert_eq!(total["value"], 100.0);
    // "Amount due" (page 1) is a stronger name of the total than a bare "Total" (page 2).
    assert_eq!(total["citations"][0]["bbox"]["page"], 1);
}

#[tokio::test]
async fn a_generated_500_page_pdf_parses_and_splits() {
    let s = Server::new().await;
    let pages: Vec<Vec<String>> = (1..=500)
        .map(|n| {
            let kind = if n % 2 == 1 { "Invoice" } else { "Contract agreement" };
            vec![format!("{kind} page {n}"), format!("Reference: R-{n:03}")]
        })
        .collect();
    let file_id = s.upload_pdf(&pdf(&pages)).await;
    let chunking = json!({"chunking": {"chunk_mode": "page"}});
    let reply = s.post("/parse", json!({"input": file_id, "retrieval": chunking})).await;
    reply.expect(StatusCode::OK);
    assert_eq!(reply.body["usage"]["num_pages"], 500);
    let chunks = reply.body["result"]["chunks"].as_array().unwrap();
    assert_eq!(chunks.len(), 500);
    assert!(chunks[499]["content"].as_str().unwrap().contains("Reference: R-500"), "{}", chunks[499]);
    // Pages are read by several threads: each chunk is still its own page, in order.
    for (index, chunk) in chunks.iter().enumerate() {
        let page = index + 1;
        assert!(chunk["content"].as_str().unwrap().contains(&format!("page {page}\n")), "{chunk}");
        assert_eq!(chunk["blocks"][0]["bbox"]["page"], page);
    }

    let split = s.post("/split", json!({"input": file_id, "split_description": categories()})).await;
    let splits = split.body["result"]["splits"].as_array().unwrap();
    assert_eq!(splits.len(), 500, "the categories alternate page by page");
    assert_eq!(split.body["result"]["section_mapping"]["Contract"].as_array().unwrap().len(), 250);
}

#[tokio::test]
async fn an_invoice_laid_out_unlike_the_corpus_is_read_by_its_labels_and_blocks() {
    let s = Server::new().await;
    // The issuer as an unlabeled heading, the customer in a "Sold To" block, a statement
    // number, a written date under another label, a total with its currency in the label.
    let text =
        "Northwind Analytics\n12 Rue de la Paix, Paris\n\nSold To:\nContoso Pharmacy\n4 Elm Street\n\n\
        Statement No.\t2025-0087\nDate of issue\t3 February 2025\n\n\
        Description\tAmount\nData audit\t1.000,00\nTraining\t234,50\n\nTotal (EUR)\t1.234,50";
    let schema = json!({"type": "object", "properties": {
        "invoice_number": {"type": "string"},
        "invoice_date": {"type": "string", "format": "date"},
        "vendor_name": {"type": "string"},
        "customer_name": {"type": "string"},
        "total": {"type": "number"},
        "po_number": {"type": "string"}
    }});
    let got = extracted_from(&s, text, schema).await;
    assert_eq!(
        got,
        json!({
            "invoice_number": "2025-0087",
            "invoice_date": "2025-02-03",
            "vendor_name": "Northwind Analytics",
            "customer_name": "Contoso Pharmacy",
            "total": 1234.5,
            "po_number": null
        }),
        "a field the document does not have is null, never a neighbour's value"
    );
}

#[tokio::test]
async fn a_letterhead_over_a_smaller_line_is_read_as_its_own_line() {
    let s = Server::new().await;
    // A 12 pt issuer with a 9 pt e-mail tucked under it, beside a 22 pt title (a held-out
    // reportlab invoice once read the vendor as "Sunrise Catering Co.hello@sunrise.example").
    let content = "BT /F1 12 Tf 1 0 0 1 400 750 Tm (Sunrise Catering Co.) Tj\n\
        /F1 9 Tf 1 0 0 1 400 738 Tm (hello@sunrise.example) Tj\n\
        /F1 22 Tf 1 0 0 1 50 740 Tm (Invoice) Tj\n\
        /F1 10 Tf 1 0 0 1 50 690 Tm (Client) Tj 1 0 0 1 150 690 Tm (Atlas Law Partners) Tj\n\
        1 0 0 1 50 676 Tm (Reference) Tj 1 0 0 1 150 676 Tm (SC/2025/118) Tj ET";
    let file_id = s.upload_pdf(&drawn_pdf(content)).await;
    let parsed = s.post("/parse", json!({"input": file_id})).await;
    parsed.expect(StatusCode::OK);
    let contents: Vec<&str> = parsed.body["result"]["chunks"][0]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|block| block["content"].as_str().unwrap())
        .collect();
    // The title shares the letterhead's band, so they are one row of two cells.
    assert!(contents.contains(&"Invoice\tSunrise Catering Co."), "blocks: {contents:?}");
    assert!(contents.contains(&"hello@sunrise.example"), "blocks: {contents:?}");
    let schema = json!({"type": "object", "properties": {
        "vendor_name": {"type": "string"}, "customer_name": {"type": "string"}, "invoice_number": {"type": "string"}
    }});
    let reply = s.post("/extract", json!({"input": file_id, "instructions": {"schema": schema}})).await;
    assert_eq!(
        reply.body["result"][0],
        json!({"vendor_name": "Sunrise Catering Co.", "customer_name": "Atlas Law Partners", "invoice_number": "SC/2025/118"})
    );
}

#[tokio::test]
async fn labels_without_their_values_give_null_not_the_next_label_or_a_code() {
    let s = Server::new().await;
    // The cases that once came back wrong: an invoice number read as the next label ("Date")
    // and a total read as the digits of a code ("-7781" from "C-7781").
    let text = "Invoice\tDate\nCustomer ID: C-7781\n\nDescription\tQty\nWidgets\t4";
    let schema = json!({"type": "object", "properties": {
        "invoice_number": {"type": "string"}, "invoice_date": {"type": "string", "format": "date"}, "total": {"type": "number"}
    }});
    let got = extracted_from(&s, text, schema).await;
    assert_eq!(got, json!({"invoice_number": null, "invoice_date": null, "total": null}));
}

#[tokio::test]
async fn a_party_label_that_shares_its_row_with_other_labels_reads_the_name_under_it() {
    let s = Server::new().await;
    // "Bill To" at the left of a row whose right half is "Due Date  April 13, 2025": the
    // customer is the line under the label, never the label beside it ("Due Date" once was).
    let text = "Invoice No.\t\tHLS-2025-0142\nBill To\t\tDue Date\tApril 13, 2025\nNorthwind Traders";
    let schema = json!({"type": "object", "properties": {
        "customer_name": {"type": "string"}, "due_date": {"type": "string", "format": "date"}
    }});
    let got = extracted_from(&s, text, schema).await;
    assert_eq!(got, json!({"customer_name": "Northwind Traders", "due_date": "2025-04-13"}));
}

#[tokio::test]
async fn the_first_sentence_of_a_page_is_not_its_issuer() {
    let s = Server::new().await;
    // A page of running text has no letterhead: the vendor is null, not its first sentence.
    let text = "Hello, here is some text without a meaning. This text should show what a printed text\n\
        will look like at this place.";
    let schema = json!({"type": "object", "properties": {"vendor_name": {"type": "string"}}});
    let got = extracted_from(&s, text, schema).await;
    assert_eq!(got, json!({"vendor_name": null}));
}

#[tokio::test]
async fn a_tables_total_column_is_not_the_total_and_a_cell_can_hold_a_label_and_its_value() {
    let s = Server::new().await;
    // Cases from invoices printed by Chromium: "Total" heads a column of line totals (its first
    // row was once read as the invoice total), "To" beside "From" is a label and no vendor, and
    // "Reference INV/24/1189" is a label and its value in one cell of a row.
    let text = "From\tTo\nOrbit Software GmbH\tFjord Shipping AS\n\
        Karl-Marx-Allee 90\tBryggen 5\tReference INV/24/1189\n\n\
        SKU\tDescription\tQty\tTotal\nPX-20\tCopper pipe\t200\t6,400.00\nVL-4\tValves\t40\t2,720.40\n\n\
        Balance Due USD 9,120.40";
    let schema = json!({"type": "object", "properties": {
        "invoice_number": {"type": "string"}, "vendor_name": {"type": "string"}, "total": {"type": "number"}
    }});
    let got = extracted_from(&s, text, schema).await;
    assert_eq!(
        got,
        json!({"invoice_number": "INV/24/1189", "vendor_name": "Orbit Software GmbH", "total": 9120.4})
    );
}

#[tokio::test]
async fn a_cover_letter_that_mentions_the_invoice_is_split_as_a_letter() {
    let s = Server::new().await;
    // The letter names the invoice and the agreement in a sentence; the invoice and the contract
    // show their names as titles and labels. A mention is not a title (once, the letter went
    // to "Invoice").
    let text = "Harbor Lane Studio\nMarch 14, 2025\nDear Ms. Patel,\n\
        Please find enclosed our invoice for the website redesign and the signed services agreement for the year.\n\
        Kind regards,\nTom Reyes\
        \u{c}INVOICE\nInvoice No. HLS-2025-0142\nDesign hours\t400.00\nTotal Due: $400.00\
        \u{c}Services Agreement\nThis agreement is made between the parties, who accept its clauses.\nSigned: Tom Reyes";
    let file_id = s.upload_pdf(&pdf(&pages(text))).await;
    let categories = json!([
        {"name": "Cover letter", "description": "A letter introducing the enclosed documents"},
        {"name": "Invoice", "description": "A bill with line items and a total due"},
        {"name": "Contract", "description": "An agreement between parties with clauses and signatures"}
    ]);
    let reply = s.post("/split", json!({"input": file_id, "split_description": categories})).await;
    reply.expect(StatusCode::OK);
    let splits: Vec<(String, Value)> = reply.body["result"]["splits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|split| (split["name"].as_str().unwrap().to_owned(), split["pages"].clone()))
        .collect();
    assert_eq!(
        splits,
        [
            ("Cover letter".to_owned(), json!([1])),
            ("Invoice".to_owned(), json!([2])),
            ("Contract".to_owned(), json!([3]))
        ]
    );
}

#[tokio::test]
async fn a_pipeline_that_splits_then_extracts_answers_one_extract_per_partition() {
    let s = Server::new().await;
    let text = "INVOICE\nInvoice Number: A-1\nTotal: $5.00\u{c}Invoice continued\nLine items\u{c}\
                INVOICE\nInvoice Number: B-7\nTotal: $9.50";
    let file = s.upload_pdf(&pdf(&pages(text))).await;
    let steps = json!({
        "split": {"categories": [
            {"name": "Invoice", "description": "Bills with a total", "partition_key": "invoice number"}
        ]},
        "extract": {"schema": {"type": "object", "properties": {
            "invoice_number": {"type": "string", "description": "The invoice number"},
            "total": {"type": "number", "description": "The total"}
        }}}
    });
    let id = s.create(steps).await;
    s.deploy(&id).await;
    let run = s.run(&id, json!(file)).await;
    run.expect(StatusCode::OK);
    let per_partition: Vec<Value> = run.body["result"]["extract"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", run.body))
        .iter()
        .map(|e| json!([e["split_name"], e["page_range"], e["partition"], e["result"]["result"][0]]))
        .collect();
    assert_eq!(
        per_partition,
        [
            json!(["Invoice", [1, 2], "A-1", {"invoice_number": "A-1", "total": 5.0}]),
            json!(["Invoice", [3], "B-7", {"invoice_number": "B-7", "total": 9.5}]),
        ],
        "{}",
        run.body
    );
    assert_eq!(run.body["result"]["split"]["result"]["splits"][0]["partitions"][1]["pages"], json!([3]));
}
