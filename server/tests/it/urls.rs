//! http(s) URL inputs: fetched when the job runs, within `--max-upload-mb`; a failed fetch is
//! a 422 that says why, and other schemes are refused at once. The documents are served by
//! the server's own static `--www` directory on a real socket, and over https by a server of
//! the test's own whose certificate authority only `--ca-cert` makes trusted.

use std::sync::Arc;

use crate::common::{pages, pdf, Live};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

#[tokio::test]
async fn https_inputs_are_fetched_from_servers_a_trusted_authority_signed() {
    let (url, authority) = https_server(pdf(&pages("Report R-7"))).await;
    let authority_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(authority_file.path(), authority).unwrap();

    // Mozilla's roots do not know the test's authority: the fetch fails and says why.
    let untrusting = Live::start(|_| {}).await;
    let (status, refused) = post(&untrusting, "/parse", json!({"input": url})).await;
    assert_eq!(status, 422);
    assert!(refused["detail"].as_str().unwrap().contains("UnknownIssuer"), "{refused}");
    untrusting.stop().await;

    let authority_path = authority_file.path().to_owned();
    let trusting = Live::start(move |c| c.ca_cert = Some(authority_path)).await;
    let (status, parsed) = post(&trusting, "/parse", json!({"input": url})).await;
    assert_eq!(status, 200, "{parsed}");
    assert_eq!(parsed["result"]["chunks"][0]["content"], "Report R-7");
    trusting.stop().await;
}

/// An https server that answers every request with `body` (a PDF), its certificate for
/// 127.0.0.1 signed by a certificate authority made here. Gives the document's URL and the
/// authority's certificate in PEM.
async fn https_server(body: Vec<u8>) -> (String, String) {
    let authority_key = rcgen::KeyPair::generate().unwrap();
    let mut authority = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    authority.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    authority.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign];
    let authority_pem = authority.self_signed(&authority_key).unwrap().pem();
    let issuer = rcgen::Issuer::new(authority, authority_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let certificate = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let tls = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![certificate.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/report.pdf", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, body) = (acceptor.clone(), body.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends here, in the handshake.
                let Ok(mut stream) = acceptor.accept(tcp).await else { return };
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/pdf\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, authority_pem)
}

#[tokio::test]
async fn a_url_input_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() {
    const LIMIT: usize = 1 << 20;
    // Plain text of `n` bytes.
    fn text(n: usize) -> Vec<u8> {
        let mut text = "word ".repeat(n / 5 + 1).into_bytes();
        text.truncate(n);
        text
    }
    // Served with a Content-Length (the static files) and without one (chunked, 16 KB at a time).
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("exact.txt"), text(LIMIT)).unwrap();
    std::fs::write(www.path().join("over.txt"), text(LIMIT + 1)).unwrap();
    let chunked = axum::Router::new().route(
        "/{size}/doc.txt",
        axum::routing::get(|axum::extract::Path(size): axum::extract::Path<usize>| async move {
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                text(size).chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
            axum::body::Body::from_stream(futures_util::stream::iter(chunks))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let chunked_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, chunked).await.unwrap() });
    let www_path = www.path().to_owned();
    let live = Live::start(|c| {
        c.www = www_path;
        c.max_upload_mb = 1;
    })
    .await;

    let cases = [
        (live.at("/exact.txt"), true),
        (live.at("/over.txt"), false),
        (format!("{chunked_url}/{LIMIT}/doc.txt"), true),
        (format!("{chunked_url}/{}/doc.txt", LIMIT + 1), false),
    ];
    for (url, fits) in cases {
        let (status, parsed) = post(&live, "/parse", json!({"input": url})).await;
        if fits {
            assert_eq!(status, 200, "{url}: {parsed}");
        } else {
            assert_eq!(status, 422, "{url}: {parsed}");
            assert!(parsed["detail"].as_str().unwrap().contains("larger than the 1 MB"), "{url}: {parsed}");
        }
    }
}
