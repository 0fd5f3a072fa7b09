//! Deep nesting wherever the PDF reader parses objects: the catalog, a page's dictionary, its
//! content stream (plain or Flate-compressed). The input chooses the place, the openers
//! (arrays, dictionaries, strings, comments and hex between them) and how deep they go, far
//! past the nesting limit. The reader may refuse the file, but must never overflow its stack:
//! it runs on a thread with the stack the server gives its engine.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

/// What one input byte opens, and what closes it.
const PIECES: [(&str, &str); 6] = [
    ("[", "]"),
    ("<< /K ", ">>"),
    ("[ (a[b) ", "]"),
    ("<< /S <5b> /K ", ">>"),
    ("[ %[[\n", "]"),
    ("[ 1 0 R ", "]"),
];

fuzz_target!(|bytes: &[u8]| {
    let Some((&place, plan)) = bytes.split_first() else { return };
    // Each byte of the plan is an opener repeated up to 64 times: a kilobyte reaches 60,000 deep.
    let (mut open, mut close) = (String::new(), Vec::new());
    for &byte in plan.iter().take(1024) {
        let (opener, closer) = PIECES[byte as usize % PIECES.len()];
        for _ in 0..=byte / 4 {
            open.push_str(opener);
            close.push(closer);
        }
    }
    close.reverse();
    let deep = format!("{open}{}", close.concat());
    let pdf = match place % 4 {
        0 => pdf(&format!("/Deep {deep}"), "", "", false),
        1 => pdf("", &format!("/Deep {deep}"), "", false),
        2 => pdf("", "", &deep, false),
        _ => pdf("", "", &deep, true),
    };
    std::thread::Builder::new()
        .stack_size(reducto_local::jobs::ENGINE_STACK_BYTES)
        .spawn(move || {
            let _ = reducto_local::engine::read(&pdf, Some("pdf"), &Default::default(), &mut |_, _| Ok(()));
        })
        .unwrap()
        .join()
        .unwrap();
});

/// A one-page PDF with `catalog` and `page` added to those dictionaries and `content` after
/// a line of text in the page's content stream.
fn pdf(catalog: &str, page: &str, content: &str, compress: bool) -> Vec<u8> {
    let text = format!("BT /F1 11 Tf 72 720 Td (Deep) Tj ET\n{content}");
    let (filter, data) = if compress {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        (" /Filter /FlateDecode", encoder.finish().unwrap())
    } else {
        ("", text.into_bytes())
    };
    let mut stream = format!("<< /Length {}{filter} >>\nstream\n", data.len()).into_bytes();
    stream.extend_from_slice(&data);
    stream.extend_from_slice(b"\nendstream");
    let objects = [
        format!("<< /Type /Catalog /Pages 2 0 R {catalog} >>").into_bytes(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R {page} >>").into_bytes(),
        stream,
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}
