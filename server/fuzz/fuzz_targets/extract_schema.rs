//! The extract-schema interpreter: any JSON Schema a caller may send, over a document with
//! labels, values, a party block and a table. It may say the schema is bad, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reducto_local::engine::{self, extract};

const DOCUMENT: &str = "ACME Corporation\nInvoice Number: INV-7\nDate: March 5, 2024\n\
Bill To\nJane Doe\n1 Main St\n\nItem\tQty\tPrice\nBolts\t2\t$1,250.00\nNuts\t(3)\t4,50 €\n\
Total Due: $1,254.50\nPaid: yes\n";

fuzz_target!(|bytes: &[u8]| {
    let Ok(serde_json::Value::Object(schema)) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    if extract::check_schema(&schema).is_some() {
        return;
    }
    let document =
        engine::read(DOCUMENT.as_bytes(), Some("txt"), &Default::default(), &mut |_, _| Ok(())).expect("the text reads");
    let _ = extract::extract(&document, &schema, true, &|| Ok(()));
});
