//! Parse, extract and split on their own and chained in a pipeline, on a generated packet of an
//! invoice, a purchase order and a receipt (`tests/support/packet.mjs`).

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::*;

pub const PACKET_PDF: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/target/test-fixtures/packet.pdf"));

const CATEGORIES: &str = r#"[
    {"name": "Invoice", "description": "An invoice with an invoice number and the total due"},
    {"name": "Purchase Order", "description": "A purchase order with a PO number"},
    {"name": "Receipt", "description": "A receipt for an amount paid"}
]"#;

pub async fn packet_id() -> String {
    let upload = resolve(local_client().upload(file(PACKET_PDF, "packet.pdf").into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    get(&upload, "file_id").as_string().unwrap()
}

fn pages_of(split: &JsValue, name: &str) -> Vec<f64> {
    let splits: Array = get(split, "result.splits").unchecked_into();
    let section =
        splits.iter().find(|s| get(s, "name") == name).unwrap_or_else(|| panic!("no {name} section"));
    get(&section, "pages").unchecked_into::<Array>().iter().map(|page| page.as_f64().unwrap()).collect()
}

#[wasm_bindgen_test]
async fn extract_fills_a_json_schema_with_typed_values() {
    let input = packet_id().await;
    let params = json(&format!(
        r#"{{"input": "{input}", "instructions": {{"schema": {{"type": "object", "properties": {{
            "invoice_number": {{"type": "string"}},
            "total_due": {{"type": "number"}},
            "vendor": {{"type": "string"}},
            "invoice_date": {{"type": "string", "format": "date"}}
        }}}}}}}}"#
    ));
    let extracted = resolve(local_client().extract().run(params, JsValue::UNDEFINED))
        .await
        .unwrap_or_else(|e| panic!("{}", message(&e)));
    let values = get(&extracted, "result").unchecked_into::<Array>().get(0);
    assert_eq!(get(&values, "invoice_number"), "INV-2041");
    assert_eq!(get(&values, "total_due"), 1250.0, "currency text becomes a number");
    assert_eq!(get(&values, "vendor"), "Acme Corp");
    assert_eq!(get(&values, "invoice_date"), "2024-03-05");
    assert_eq!(get(&extracted, "usage.num_pages"), 3);
}

#[wasm_bindgen_test]
async fn split_sorts_pages_into_the_named_sections() {
    let input = packet_id().await;
    let params = json(&format!(r#"{{"input": "{input}", "split_description": {CATEGORIES}}}"#));
    let split = resolve(local_client().split().run(params, JsValue::UNDEFINED))
        .await
        .unwrap_or_else(|e| panic!("{}", message(&e)));
    assert_eq!(pages_of(&split, "Invoice"), [1.0]);
    assert_eq!(pages_of(&split, "Purchase Order"), [2.0]);
    assert_eq!(pages_of(&split, "Receipt"), [3.0]);
}

#[wasm_bindgen_test]
async fn a_split_then_extract_pipeline_extracts_each_section() {
    let steps = format!(
        r#"{{"split": {{"categories": {CATEGORIES}}},
            "extract": {{"schema": {{"type": "object", "properties": {{"amount_paid": {{"type": "number"}}}}}}}}}}"#
    );
    let pipeline_id = deployed_pipeline(server_url(), &steps).await;
    let params = json(&format!(r#"{{"input": "{}", "pipeline_id": "{pipeline_id}"}}"#, packet_id().await));
    let result = resolve(local_client().pipeline().run(params, JsValue::UNDEFINED))
        .await
        .unwrap_or_else(|e| panic!("{}", message(&e)));
    let sections: Array = get(&result, "result.extract").unchecked_into();
    assert_eq!(sections.length(), 3, "one extract result per section");
    let receipt = sections.iter().find(|s| get(s, "split_name") == "Receipt").expect("a Receipt section");
    assert_eq!(get(&receipt, "page_range").unchecked_into::<Array>().to_vec(), [JsValue::from(3)]);
    let values = get(&receipt, "result.result").unchecked_into::<Array>().get(0);
    assert_eq!(get(&values, "amount_paid"), 99.95);
}
