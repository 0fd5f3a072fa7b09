//! http(s) URL inputs: fetched when the job runs, within `--max-upload-mb`; a failed fetch is
//! a 422 that says why, and other schemes are refused at once. The documents are served by
//! the server's own static `--www` directory on a real socket.

mod common;

use common::{pages, pdf, Live};
use serde_json::{json, Value};

async fn post(live: &Live, path: &str, body: Value) -> (u16, Value) {
    let res = reqwest::Client::new().post(live.at(path)).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

#[tokio::test]
async fn url_inputs_are_fetched_within_the_limits() {
    let www = tempfile::tempdir().unwrap();
    let invoice = pdf(&pages("Invoice Number: U-1\nTotal: 12.50\u{c}Page two"));
    std::fs::write(www.path().join("invoice.pdf"), &invoice).unwrap();
    std::fs::write(www.path().join("big.pdf"), vec![b'x'; 2 << 20]).unwrap();
    let www_path = www.path().to_owned();
    let live = Live::start(|c| {
        c.www = www_path;
        c.max_upload_mb = 1;
    })
    .await;

    let url = live.at("/invoice.pdf");
    let (status, parsed) = post(&live, "/parse", json!({"input": url})).await;
    assert_eq!(status, 200, "{parsed}");
    assert_eq!(parsed["usage"]["num_pages"], 2);
    let schema = json!({"properties": {"total": {"type": "number"}}});
    let (status, extracted) =
        post(&live, "/extract", json!({"input": url, "instructions": {"schema": schema}})).await;
    assert_eq!((status, &extracted["result"]), (200, &json!([{"total": 12.5}])), "{extracted}");

    let (status, missing) = post(&live, "/parse", json!({"input": live.at("/nothing.pdf")})).await;
    assert_eq!(status, 422);
    assert!(missing["detail"].as_str().unwrap().contains("404"), "{missing}");

    let (status, big) = post(&live, "/parse", json!({"input": live.at("/big.pdf")})).await;
    assert_eq!(status, 422);
    assert!(big["detail"].as_str().unwrap().contains("larger than the 1 MB"), "{big}");

    let (status, ftp) = post(&live, "/parse", json!({"input": "ftp://example.com/a.pdf"})).await;
    assert_eq!(status, 422);
    assert_eq!(ftp["detail"][0]["loc"], json!(["body", "input"]));
    live.stop().await;
}
