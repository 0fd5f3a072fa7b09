//! The DOCX reader on packages built here from hand-written XML.

use super::super::archive;
use super::*;

/// A DOCX whose body is `body` (the children of `<w:body>`), with a styles part naming
/// `Berschrift1` "heading 1" (a localized id, as German Word writes it).
pub fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let styles = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
        <w:style w:type="paragraph" w:styleId="Berschrift1"><w:name w:val="heading 1"/></w:style>
        <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style></w:styles>"#;
    archive::build(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", document.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
    ])
}

pub fn paragraph(style: Option<&str>, text: &str) -> String {
    let style = style.map_or(String::new(), |s| format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#));
    format!("<w:p>{style}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

#[test]
fn paragraphs_headings_lists_and_tables_in_order() {
    let body = [
        paragraph(Some("Title"), "Quarterly report"),
        paragraph(Some("Berschrift1"), "Revenue"),
        paragraph(None, "Sales grew &amp; costs fell."),
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>First point</w:t></w:r></w:p>"#.into(),
        r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Region</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Total</w:t></w:r></w:p></w:tc></w:tr>
           <w:tr><w:tc><w:p><w:r><w:t>North</w:t></w:r></w:p><w:p><w:r><w:t>(incl. islands)</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#.into(),
        r#"<w:p><w:r><w:t>Split</w:t><w:tab/><w:t>run</w:t></w:r><w:r><w:t xml:space="preserve"> text</w:t></w:r></w:p>"#.into(),
    ]
    .concat();
    let doc = read(&docx(&body), Limits::default(), false).unwrap();
    assert_eq!(doc.pages.len(), 1);
    let got: Vec<(BlockType, &str)> =
        doc.pages[0].blocks.iter().map(|b| (b.kind, b.content.as_str())).collect();
    assert_eq!(
        got,
        [
            (BlockType::Title, "Quarterly report"),
            (BlockType::SectionHeader, "Revenue"),
            (BlockType::Text, "Sales grew & costs fell."),
            (BlockType::ListItem, "First point"),
            (BlockType::Table, "| Region | Total |\n| --- | --- |\n| North (incl. islands) | 12 |"),
            (BlockType::Text, "Split\trun text"),
        ]
    );
}

#[test]
fn explicit_page_breaks_make_pages() {
    let body = [
        paragraph(None, "Page one"),
        r#"<w:p><w:r><w:t>Still one</w:t><w:br w:type="page"/></w:r></w:p>"#.into(),
        paragraph(None, "Page two"),
        r#"<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>Page three</w:t></w:r></w:p>"#.into(),
    ]
    .concat();
    let doc = read(&docx(&body), Limits::default(), false).unwrap();
    let pages: Vec<Vec<&str>> =
        doc.pages.iter().map(|p| p.blocks.iter().map(|b| b.content.as_str()).collect()).collect();
    assert_eq!(pages, [vec!["Page one", "Still one"], vec!["Page two"], vec!["Page three"]]);
    assert_eq!(doc.pages[2].blocks[0].bbox.page, 3);
}

#[test]
fn a_text_box_is_read_once_and_the_paragraph_around_it_whole() {
    // Word writes a text box twice: as DrawingML (mc:Choice) and as VML for older readers
    // (mc:Fallback), each holding the box's own paragraphs, inside a run of the paragraph
    // the box is anchored to.
    let text_box = |copy: &str| {
        format!(
            "<w:txbxContent><w:p><w:r><w:t>{copy} line one</w:t></w:r></w:p><w:p><w:r><w:t>{copy} line two</w:t></w:r></w:p></w:txbxContent>"
        )
    };
    let body = format!(
        r#"<w:p><w:r><w:t xml:space="preserve">Before the box, </w:t></w:r><w:r><mc:AlternateContent>
             <mc:Choice Requires="wps"><w:drawing><wps:txbx>{}</wps:txbx></w:drawing></mc:Choice>
             <mc:Fallback><w:pict><v:textbox>{}</v:textbox></w:pict></mc:Fallback>
           </mc:AlternateContent></w:r><w:r><w:t>after it.</w:t></w:r></w:p>{}"#,
        text_box("Box"),
        text_box("Fallback"),
        paragraph(None, "Next paragraph"),
    );
    let doc = read(&docx(&body), Limits::default(), false).unwrap();
    let got: Vec<&str> = doc.pages[0].blocks.iter().map(|b| b.content.as_str()).collect();
    assert_eq!(got, ["Box line one", "Box line two", "Before the box, after it.", "Next paragraph"]);
}

/// A DOCX with a relationships part, its main part at `main`, and `parts` beside it.
fn package(main: &str, body: &str, rels: &str, parts: &[(&str, impl AsRef<str>)]) -> Vec<u8> {
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
    let document = format!("<w:document {w}><w:body>{body}</w:body></w:document>");
    let package_rels = format!(
        r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/></Relationships>"#
    );
    let (folder, file) = main.rsplit_once('/').unwrap();
    let main_rels = format!("<Relationships>{rels}</Relationships>");
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("_rels/.rels".into(), package_rels.into_bytes()),
        (main.into(), document.into_bytes()),
        (format!("{folder}/_rels/{file}.rels"), main_rels.into_bytes()),
    ];
    for (name, body) in parts {
        let xml = format!("<w:hdr {w}>{}</w:hdr>", body.as_ref());
        entries.push((format!("{folder}/{name}"), xml.into_bytes()));
    }
    let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    archive::build(&entries)
}

pub fn relationship(id: &str, kind: &str, target: &str) -> String {
    format!(
        r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}" Target="{target}"/>"#
    )
}

fn blocks(doc: &Document) -> Vec<Vec<(BlockType, &str)>> {
    doc.pages.iter().map(|p| p.blocks.iter().map(|b| (b.kind, b.content.as_str())).collect()).collect()
}

#[test]
fn the_first_page_has_the_header_and_the_last_the_footer() {
    let rels = [
        relationship("rId7", "header", "header1.xml"),
        relationship("rId8", "header", "header2.xml"),
        relationship("rId9", "footer", "footer1.xml"),
    ]
    .concat();
    let body = [
        paragraph(None, "Page one"),
        r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#.into(),
        paragraph(None, "Page two"),
        r#"<w:sectPr><w:headerReference w:type="even" r:id="rId8"/><w:headerReference w:type="default" r:id="rId7"/>
           <w:footerReference w:type="default" r:id="rId9"/></w:sectPr>"#
            .into(),
    ]
    .concat();
    let parts = [
        ("header1.xml", paragraph(None, "ACME Corp\tInvoice")),
        ("header2.xml", paragraph(None, "Even pages")),
        ("footer1.xml", paragraph(None, "Registered in Utopia")),
    ];
    let doc = read(&package("word/document2.xml", &body, &rels, &parts), Limits::default(), false).unwrap();
    assert_eq!(
        blocks(&doc),
        [
            vec![(BlockType::Header, "ACME Corp\tInvoice"), (BlockType::Text, "Page one")],
            vec![(BlockType::Text, "Page two"), (BlockType::Footer, "Registered in Utopia")],
        ]
    );
}

#[test]
fn ruby_reads_as_its_base_text() {
    let body = r#"<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>とうきょう</w:t></w:r></w:rt>
        <w:rubyBase><w:r><w:t>東京</w:t></w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>へ</w:t></w:r></w:p>"#;
    assert_eq!(
        blocks(&read(&docx(body), Limits::default(), false).unwrap()),
        [vec![(BlockType::Text, "東京へ")]]
    );
}

#[test]
fn comments_follow_what_they_comment_on_when_asked_for() {
    let rels = relationship("rId4", "comments", "comments.xml");
    let body = r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Price: 12 EUR</w:t></w:r>
        <w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>
        <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Qty</w:t></w:r><w:r><w:commentReference w:id="1"/></w:r></w:p></w:tc></w:tr></w:tbl>
        <w:p><w:r><w:t>Signed</w:t></w:r></w:p>"#;
    let comments = [
        format!(
            r#"<w:comments><w:comment w:id="0" w:author="Ada Lovelace">{}</w:comment>"#,
            paragraph(None, "Was 10 EUR?")
        ),
        format!(
            r#"<w:comment w:id="1" w:author="">{}{}</w:comment></w:comments>"#,
            paragraph(None, "Per box."),
            paragraph(None, "Not per item.")
        ),
    ]
    .concat();
    let bytes = package("word/document.xml", body, &rels, &[("comments.xml", &comments)]);
    let with = read(&bytes, Limits::default(), true).unwrap();
    assert_eq!(
        blocks(&with),
        [vec![
            (BlockType::Text, "Price: 12 EUR"),
            (BlockType::Comment, "Ada Lovelace: Was 10 EUR?"),
            (BlockType::Table, "| Qty |\n| --- |"),
            (BlockType::Comment, "Per box.\nNot per item."),
            (BlockType::Text, "Signed"),
        ]]
    );
    let without = read(&bytes, Limits::default(), false).unwrap();
    assert!(blocks(&without)[0].iter().all(|(kind, _)| *kind != BlockType::Comment));
}

#[test]
fn footnotes_and_endnotes_are_numbered_where_referred_to_and_follow_the_body() {
    let rels = [
        relationship("rId5", "footnotes", "footnotes.xml"),
        relationship("rId6", "endnotes", "endnotes.xml"),
        relationship("rId9", "footer", "footer1.xml"),
    ]
    .concat();
    let body = r#"<w:p><w:r><w:t>The seller</w:t></w:r><w:r><w:footnoteReference w:id="7"/></w:r>
        <w:r><w:t xml:space="preserve"> delivers</w:t></w:r><w:r><w:endnoteReference w:id="2"/></w:r>
        <w:r><w:t xml:space="preserve"> on time</w:t></w:r><w:r><w:footnoteReference w:id="3"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
        <w:p><w:r><w:t>Signed</w:t></w:r><w:r><w:footnoteReference w:customMarkFollows="1" w:id="4"/><w:t>*</w:t></w:r></w:p>
        <w:sectPr><w:footerReference w:type="default" r:id="rId9"/></w:sectPr>"#;
    let note = |kind: &str, id: &str, paragraphs: &[&str]| {
        let runs: String = paragraphs.iter().map(|text| paragraph(None, text)).collect();
        format!(r#"<w:{kind} w:id="{id}"><w:p><w:r><w:{kind}Ref/></w:r></w:p>{runs}</w:{kind}>"#)
    };
    let footnotes = [
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"#
            .to_owned(),
        note("footnote", "3", &["Business days.", "Holidays excluded."]),
        note("footnote", "7", &["ACME GmbH, Berlin."]),
        note("footnote", "4", &["Electronically."]),
        note("footnote", "9", &["Never referred to."]),
    ]
    .concat();
    let parts = [
        ("footnotes.xml", footnotes),
        ("endnotes.xml", note("endnote", "2", &["See the terms."])),
        ("footer1.xml", paragraph(None, "Page 1")),
    ];
    let doc = read(&package("word/document.xml", body, &rels, &parts), Limits::default(), false).unwrap();
    assert_eq!(
        blocks(&doc),
        [vec![
            (BlockType::Text, "The seller1 delivers1 on time2."),
            (BlockType::Text, "Signed*"),
            (BlockType::Text, "1 ACME GmbH, Berlin."),
            (BlockType::Text, "2 Business days.\nHolidays excluded."),
            (BlockType::Text, "Electronically."),
            (BlockType::Text, "1 See the terms."),
            (BlockType::Footer, "Page 1"),
        ]]
    );
}

#[test]
fn a_title_page_shows_its_own_header_and_a_document_of_headers_alone_is_not_empty() {
    let rels =
        [relationship("rId1", "header", "first.xml"), relationship("rId2", "footer", "footer.xml")].concat();
    let sect = r#"<w:sectPr><w:headerReference w:type="first" r:id="rId1"/><w:footerReference w:type="first" r:id="rId2"/><w:titlePg/></w:sectPr>"#;
    let parts = [("first.xml", paragraph(None, "Letterhead")), ("footer.xml", paragraph(None, "Page 1"))];
    let doc = read(&package("word/document.xml", sect, &rels, &parts), Limits::default(), false).unwrap();
    assert_eq!(blocks(&doc), [vec![(BlockType::Header, "Letterhead"), (BlockType::Footer, "Page 1")]]);
}

#[test]
fn an_imported_html_chunk_is_read_where_it_stands() {
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
    let body = format!(
        r#"<w:document {w}><w:body>{}<w:altChunk r:id="chunk1"/><w:altChunk r:id="chunk2"/>{}</w:body></w:document>"#,
        paragraph(None, "Before"),
        paragraph(None, "After"),
    );
    let rels =
        [relationship("chunk1", "aFChunk", "/word/afchunk.htm"), relationship("chunk2", "aFChunk", "b.rtf")]
            .concat();
    let html = "<html><body><h1>Imported</h1><p>From HTML, caf\u{e9}</p></body></html>";
    let bytes = archive::build(&[
        ("word/document.xml", body.as_bytes()),
        ("word/_rels/document.xml.rels", format!("<Relationships>{rels}</Relationships>").as_bytes()),
        ("word/afchunk.htm", html.as_bytes()),
        ("word/b.rtf", br"{\rtf1 not read}"),
    ]);
    let doc = read(&bytes, Limits::default(), false).unwrap();
    assert_eq!(
        blocks(&doc),
        [vec![
            (BlockType::Text, "Before"),
            (BlockType::Title, "Imported"),
            (BlockType::Text, "From HTML, café"),
            (BlockType::Text, "After"),
        ]]
    );
}

#[test]
fn an_empty_or_partless_docx_is_an_error() {
    assert_eq!(read(&docx(&paragraph(None, "  ")), Limits::default(), false), Err(EngineError::EmptyText));
    let no_body = archive::build(&[("word/styles.xml", b"<w:styles/>")]);
    assert!(matches!(
        read(&no_body, Limits::default(), false),
        Err(EngineError::Malformed { format: "DOCX", .. })
    ));
}
