//! Uploads: every kind of input, the file type from the first bytes, progress, and files over
//! 100 MB through a presigned URL that never sees the API key.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::*;

/// An `onProgress` callback and what it saw, as (loaded, total) pairs.
fn progress_recorder() -> (JsValue, Rc<RefCell<Vec<(f64, f64)>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |progress: JsValue| {
        let field = |key: &str| get(&progress, key).as_f64().unwrap();
        sink.borrow_mut().push((field("loaded"), field("total")));
    });
    (callback.into_js_value(), seen)
}

fn assert_progress_reaches(seen: &[(f64, f64)], size: f64) {
    assert!(!seen.is_empty(), "onProgress was called");
    assert!(seen.iter().all(|(_, total)| *total == size), "total is the file size: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "loaded only grows: {seen:?}");
    assert_eq!(seen.last().unwrap().0, size, "progress reaches the file size");
}

#[wasm_bindgen_test]
async fn files_blobs_and_buffers_upload_with_their_type() {
    let client = local_client();
    let bytes = Uint8Array::from(FOUR_PAGES_PDF);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&Array::of1(&bytes)).unwrap();
    for (input, what) in [
        (JsValue::from(pdf_file()), "a File named .pdf"),
        (blob.into(), "a Blob with no name, told by its first bytes"),
        (bytes.buffer().into(), "an ArrayBuffer"),
        (bytes.clone().into(), "a Uint8Array"),
    ] {
        let upload = resolve(client.upload(input, JsValue::UNDEFINED))
            .await
            .unwrap_or_else(|e| panic!("{what}: {}", message(&e)));
        let file_id = get(&upload, "file_id").as_string().unwrap();
        assert!(file_id.starts_with("reducto://") && file_id.ends_with(".pdf"), "{what}: {file_id}");
    }
    let named = resolve(client.upload(bytes.into(), options(r#"{"extension": ".txt"}"#))).await.unwrap();
    assert!(get(&named, "file_id").as_string().unwrap().ends_with(".txt"), "an explicit extension wins");
}

#[wasm_bindgen_test]
async fn multipart_upload_progress_reaches_the_file_size() {
    let (on_progress, seen) = progress_recorder();
    let options = Object::new();
    Reflect::set(&options, &"onProgress".into(), &on_progress).unwrap();
    let upload = resolve(local_client().upload(pdf_file().into(), options.into())).await.expect("uploads");
    assert!(get(&upload, "file_id").as_string().unwrap().starts_with("reducto://"));
    assert_progress_reaches(&seen.borrow(), FOUR_PAGES_PDF.len() as f64);
}

#[wasm_bindgen_test]
async fn a_file_over_100_mb_takes_the_presigned_path_without_the_key() {
    reset_faults().await;
    let size = 120 * 1024 * 1024;
    let bytes = Uint8Array::new_with_length(size); // lives in JS memory, not in wasm memory
    bytes.set(&Uint8Array::from(&b"%PDF-1.7\n"[..]), 0);
    let big = web_sys::File::new_with_u8_array_sequence(&Array::of1(&bytes), "big.pdf").unwrap();
    let memory_before = wasm_memory_bytes();

    let (on_progress, seen) = progress_recorder();
    let options: Object =
        json(r#"{"headers": {"authorization": "Bearer from-the-request"}}"#).unchecked_into();
    Reflect::set(&options, &"onProgress".into(), &on_progress).unwrap();
    let client = faults_client(r#""apiKey": "secret-key", "defaultHeaders": {"x-team": "docs"}"#);
    let upload = resolve(client.upload(big.into(), options.into()))
        .await
        .unwrap_or_else(|e| panic!("{}", message(&e)));

    let file_id = get(&upload, "file_id").as_string().unwrap();
    assert!(file_id.starts_with("reducto://"), "{file_id}");
    let presigned_url = get(&upload, "presigned_url").as_string().expect("the presigned URL is returned");
    let log: Array = call_server(faults_url(), gloo_net::http::Method::GET, "/_faults/requests", None)
        .await
        .unchecked_into();
    let create =
        log.iter().find(|r| get(r, "method") == "POST" && get(r, "path") == "/upload").expect("POST /upload");
    let put = log.iter().find(|r| get(r, "method") == "PUT").expect("a PUT of the bytes");
    let create_headers = client_headers(&create);
    assert_eq!(
        create_headers.get("authorization").map(String::as_str),
        Some("Bearer [redacted]"),
        "the call's own key wins"
    );
    assert_eq!(
        create_headers.get("x-team").map(String::as_str),
        Some("docs"),
        "the API gets the client's headers"
    );
    assert!(
        client_headers(&put).is_empty(),
        "the presigned PUT carries no header of the client's or the call's, key or other: {:?}",
        client_headers(&put)
    );
    assert!(
        presigned_url.contains(&get(&put, "path").as_string().unwrap()),
        "the PUT went to the presigned URL"
    );
    assert_eq!(get(&put, "content_length").as_f64(), Some(size as f64), "all the bytes were sent");

    assert_progress_reaches(&seen.borrow(), size as f64);
    let growth = wasm_memory_bytes() - memory_before;
    assert!(growth < 4.0 * 1024.0 * 1024.0, "wasm memory grew by {growth} bytes for a {size}-byte file");
}

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}
