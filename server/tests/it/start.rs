//! What the binary says when it starts from another folder, and how it stops with its parent:
//! the pages and client it found beside itself, OCR's missing programs in one line, and
//! `--exit-with-parent` ending it when its stdin closes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn started_elsewhere_it_says_what_it_serves_and_what_ocr_lacks_then_stops_with_its_parent() {
    let elsewhere = tempfile::tempdir().unwrap();
    let no_programs = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_reducto-local"))
        .args(["--port", "0", "--exit-with-parent", "--data-dir"])
        .arg(elsewhere.path().join("data"))
        .current_dir(elsewhere.path())
        .env("PATH", no_programs.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("listening on http://127.0.0.1:"), "{first}");

    drop(server.stdin.take()); // the parent is gone
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the server did not stop with its parent");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    let mut said = String::new();
    std::io::Read::read_to_string(&mut server.stderr.take().unwrap(), &mut said).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().canonicalize().unwrap();
    assert!(said.contains(&format!("serving pages from {}", root.join("www").display())), "{said}");
    // pkg/ is built by `npm run build`; a bare `cargo test` may run before it exists.
    if root.join("pkg").is_dir() {
        assert!(
            said.contains(&format!("serving the client package from {}", root.join("pkg").display())),
            "{said}"
        );
    } else {
        assert!(said.contains("serving no client package"), "{said}");
    }
    assert!(
        said.contains("OCR is off: pdftoppm and tesseract not found on the PATH (Debian: apt-get install poppler-utils tesseract-ocr)"),
        "{said}"
    );
}
