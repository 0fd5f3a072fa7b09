//! Spreadsheets: CSV (one page, the rows as a table) and XLSX (each sheet a page: its name as
//! a section header, then its cells as a table). Cells are read as stored: numbers as
//! written in the file (a date is Excel's serial number; formats are not applied), shared
//! and inline strings as text, booleans as TRUE/FALSE, a formula as its cached value.

use std::collections::HashMap;

use super::archive::{Archive, Limits};
use super::flow::Flow;
use super::xml::{walk, Node};
use super::{BlockType, Document, EngineError};

/// Excel's last column (XFD): a cell reference past it is garbage, not a wider sheet.
const MAX_COLUMNS: usize = 16_384;

/// The most cells (rows × columns, blanks included) one sheet's table may span. Cells are
/// stored sparsely, so a few bytes of XML can place a cell at XFD1048576: laid out as a
/// table, that is billions of blanks. Excel's own limit is about 17 billion.
const MAX_CELLS: usize = 5_000_000;

/// A CSV (or, with `delimiter` b'\t', a TSV) file as one page.
pub fn read_csv(bytes: &[u8], delimiter: u8) -> Result<Document, EngineError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let record = record.map_err(|e| EngineError::Malformed { format: "CSV", cause: e.to_string() })?;
        rows.push(record.iter().map(|cell| String::from_utf8_lossy(cell).into_owned()).collect());
    }
    let mut flow = Flow::new();
    flow.table(rows);
    if !flow.has_text() {
        return Err(EngineError::EmptyText);
    }
    Ok(flow.finish())
}

/// An XLSX workbook, one page per sheet in the workbook's order.
pub fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Document, EngineError> {
    let mut archive = Archive::open(bytes, "XLSX", limits)?;
    let missing = |name: &str| EngineError::Malformed { format: "XLSX", cause: format!("it has no {name}") };
    let workbook = archive.text("xl/workbook.xml")?.ok_or_else(|| missing("xl/workbook.xml"))?;
    let rels =
        archive.text("xl/_rels/workbook.xml.rels")?.ok_or_else(|| missing("xl/_rels/workbook.xml.rels"))?;
    let shared = match archive.text("xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml)?,
        None => Vec::new(),
    };

    let mut targets = HashMap::new();
    walk(&rels, "workbook.xml.rels", |node| {
        if let (Some(id), Some(target)) = (node.attr("Id"), node.attr("Target")) {
            // Targets are relative to xl/, or absolute within the package.
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_owned(),
                None => format!("xl/{target}"),
            };
            targets.insert(id.to_owned(), path);
        }
    })?;
    let mut sheets = Vec::new();
    walk(&workbook, "workbook.xml", |node| {
        if matches!(&node, Node::Open { name, .. } if name == "sheet") {
            let name = node.attr("name").unwrap_or("Sheet").to_owned();
            sheets.push((name, node.attr("id").and_then(|id| targets.get(id)).cloned()));
        }
    })?;
    if sheets.is_empty() {
        return Err(missing("sheet"));
    }

    let mut flow = Flow::new();
    for (i, (name, path)) in sheets.into_iter().enumerate() {
        if i > 0 {
            flow.start_page();
        }
        let path = path.ok_or_else(|| missing(&format!("part for sheet '{name}'")))?;
        let xml = archive.text(&path)?.ok_or_else(|| missing(&path))?;
        let rows = cells(&xml, &shared)?;
        let rows = dense(&name, rows)?;
        flow.push(BlockType::SectionHeader, &name);
        flow.table(rows);
    }
    Ok(flow.finish())
}

/// The shared string table: each `<si>`'s text (its runs joined; phonetic hints skipped).
fn shared_strings(xml: &str) -> Result<Vec<String>, EngineError> {
    let mut strings = Vec::new();
    let (mut in_text, mut in_phonetic) = (false, false);
    walk(xml, "sharedStrings.xml", |node| match node {
        Node::Open { name, empty, .. } => match name.as_str() {
            "si" => strings.push(String::new()),
            "t" => in_text = !empty,
            "rPh" => in_phonetic = !empty,
            _ => {}
        },
        Node::Close { name } => match name.as_str() {
            "t" => in_text = false,
            "rPh" => in_phonetic = false,
            _ => {}
        },
        Node::Text(text) if in_text && !in_phonetic => {
            if let Some(last) = strings.last_mut() {
                last.push_str(&text);
            }
        }
        Node::Text(_) => {}
    })?;
    Ok(strings)
}

/// Sparse rows laid out as a table: every row as wide as the widest, blanks filled in.
fn dense(sheet: &str, rows: Vec<Vec<(usize, String)>>) -> Result<Vec<Vec<String>>, EngineError> {
    let width = rows.iter().filter_map(|row| row.last()).map(|(column, _)| column + 1).max().unwrap_or(0);
    if rows.len().saturating_mul(width) > MAX_CELLS {
        return Err(EngineError::Refused(format!(
            "sheet '{sheet}' spans {} rows by {width} columns, more than the {MAX_CELLS} cells \
             the local engine lays out",
            rows.len()
        )));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut dense = vec![String::new(); width];
            for (column, value) in row {
                dense[column] = value;
            }
            dense
        })
        .collect())
}

/// A worksheet's rows that have values, each as its non-blank cells `(column, value)` in
/// column order.
fn cells(xml: &str, shared: &[String]) -> Result<Vec<Vec<(usize, String)>>, EngineError> {
    let mut rows: Vec<Vec<(usize, String)>> = Vec::new();
    // The cell being read: its column, its type, and its value text so far.
    let mut cell: Option<(usize, String, String)> = None;
    let mut in_value = false;
    walk(xml, "worksheet", |node| match node {
        Node::Open { ref name, empty, .. } => match name.as_str() {
            "row" => rows.push(Vec::new()),
            "c" => {
                let next = rows.last().and_then(|row| row.last()).map_or(0, |(column, _)| column + 1);
                let column = node.attr("r").and_then(column_of).unwrap_or(next).min(MAX_COLUMNS - 1);
                cell = (!empty).then(|| (column, node.attr("t").unwrap_or("n").to_owned(), String::new()));
            }
            "v" | "t" => in_value = !empty,
            _ => {}
        },
        Node::Close { name } => match name.as_str() {
            "v" | "t" => in_value = false,
            "c" => {
                if let (Some((column, kind, raw)), Some(row)) = (cell.take(), rows.last_mut()) {
                    let value = match kind.as_str() {
                        "s" => raw
                            .trim()
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| shared.get(i))
                            .cloned()
                            .unwrap_or_default(),
                        "b" => if raw.trim() == "1" { "TRUE" } else { "FALSE" }.to_owned(),
                        _ => raw,
                    };
                    match row.last() {
                        _ if value.is_empty() => {}
                        // Out of order or repeated (rare): keep the row sorted, last value wins.
                        Some((last, _)) if *last >= column => {
                            row.retain(|(c, _)| *c != column);
                            row.push((column, value));
                            row.sort_by_key(|(c, _)| *c);
                        }
                        _ => row.push((column, value)),
                    }
                }
            }
            _ => {}
        },
        Node::Text(text) if in_value => {
            if let Some((_, _, raw)) = cell.as_mut() {
                raw.push_str(&text);
            }
        }
        Node::Text(_) => {}
    })?;
    rows.retain(|row| !row.is_empty());
    Ok(rows)
}

/// The 0-based column of a cell reference: `"C7"` is 2, `"AA1"` is 26.
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference.bytes().take_while(u8::is_ascii_alphabetic).collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let number = letters.iter().fold(0usize, |n, c| n * 26 + usize::from(c.to_ascii_uppercase() - b'A' + 1));
    Some(number - 1)
}

#[cfg(test)]
pub mod tests {
    use super::super::archive;
    use super::*;

    /// A workbook of `(sheet name, rows)`, numbers as numbers and text as shared strings.
    pub fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
        let mut strings: Vec<String> = Vec::new();
        let mut parts = Vec::new();
        for (i, (_, rows)) in sheets.iter().enumerate() {
            let mut xml = String::from(
                r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
            );
            for (r, row) in rows.iter().enumerate() {
                xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
                for (c, value) in row.iter().enumerate() {
                    let reference = format!("{}{}", (b'A' + c as u8) as char, r + 1);
                    if value.is_empty() {
                        continue;
                    } else if value.parse::<f64>().is_ok() {
                        xml.push_str(&format!(r#"<c r="{reference}"><v>{value}</v></c>"#));
                    } else {
                        strings.push(value.replace('&', "&amp;").replace('<', "&lt;"));
                        xml.push_str(&format!(
                            r#"<c r="{reference}" t="s"><v>{}</v></c>"#,
                            strings.len() - 1
                        ));
                    }
                }
                xml.push_str("</row>");
            }
            xml.push_str("</sheetData></worksheet>");
            parts.push((format!("xl/worksheets/sheet{}.xml", i + 1), xml));
        }
        let sheet_list: String = sheets
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                format!(r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#, i + 1, i + 1)
            })
            .collect();
        let rels: String = (1..=sheets.len())
            .map(|i| {
                format!(r#"<Relationship Id="rId{i}" Type="worksheet" Target="worksheets/sheet{i}.xml"/>"#)
            })
            .collect();
        let shared: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
        parts.push((
            "xl/workbook.xml".into(),
            format!(
                r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheet_list}</sheets></workbook>"#
            ),
        ));
        parts.push(("xl/_rels/workbook.xml.rels".into(), format!("<Relationships>{rels}</Relationships>")));
        parts.push(("xl/sharedStrings.xml".into(), format!("<sst>{shared}</sst>")));
        let entries: Vec<(&str, &[u8])> = parts.iter().map(|(n, x)| (n.as_str(), x.as_bytes())).collect();
        archive::build(&entries)
    }

    #[test]
    fn each_sheet_is_a_page_with_its_cells_as_a_table() {
        let bytes = xlsx(&[
            ("Invoices", &[&["Number", "Total"], &["A-1", "100.5"], &["R&D", "7"]]),
            ("Empty", &[]),
            ("Notes", &[&["", "", "far right"]]),
        ]);
        let doc = read_xlsx(&bytes, Limits::default()).unwrap();
        assert_eq!(doc.pages.len(), 3);
        let first = &doc.pages[0].blocks;
        assert_eq!((first[0].kind, first[0].content.as_str()), (BlockType::SectionHeader, "Invoices"));
        assert_eq!(first[1].kind, BlockType::Table);
        assert_eq!(first[1].content, "| Number | Total |\n| --- | --- |\n| A-1 | 100.5 |\n| R&D | 7 |");
        assert_eq!(doc.pages[1].blocks.len(), 1, "an empty sheet is a page with only its name");
        assert_eq!(doc.pages[2].blocks[1].content, "|  |  | far right |\n| --- | --- | --- |");
    }

    #[test]
    fn inline_strings_booleans_and_rich_text() {
        let sheet = r#"<worksheet><sheetData><row><c r="A1" t="inlineStr"><is><t>inline</t></is></c>
            <c r="B1" t="b"><v>1</v></c><c r="C1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
        let shared = r#"<sst><si><r><t>rich </t></r><r><t>text</t></r><rPh><t>ignored</t></rPh></si></sst>"#;
        let strings = shared_strings(shared).unwrap();
        assert_eq!(strings, ["rich text"]);
        let row = [(0, "inline".to_owned()), (1, "TRUE".to_owned()), (2, "rich text".to_owned())];
        assert_eq!(cells(sheet, &strings).unwrap(), [row]);
        assert_eq!((column_of("AA10"), column_of("c3"), column_of("12")), (Some(26), Some(2), None));
    }

    #[test]
    fn a_sheet_spanning_too_many_cells_is_refused() {
        let far = |row: usize| vec![(0, format!("r{row}")), (MAX_COLUMNS - 1, "x".to_owned())];
        let rows: Vec<_> = (0..MAX_CELLS / MAX_COLUMNS + 1).map(far).collect();
        let err = dense("Wide", rows).unwrap_err();
        assert!(matches!(&err, EngineError::Refused(why) if why.contains("sheet 'Wide' spans")), "{err:?}");
        let fine = dense("Small", vec![vec![(2, "c".into())], vec![(0, "a".into())]]).unwrap();
        assert_eq!(fine, [["", "", "c"], ["a", "", ""]]);
    }

    #[test]
    fn csv_is_one_page_with_quoted_fields() {
        let doc =
            read_csv(b"\xef\xbb\xbfname,note\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\nshort\n", b',')
                .unwrap();
        assert_eq!(doc.pages.len(), 1);
        let table = &doc.pages[0].blocks[0];
        assert_eq!(table.kind, BlockType::Table);
        assert_eq!(
            table.content,
            "| name | note |\n| --- | --- |\n| Smith, J | said \"hi\" then left |\n| short |  |"
        );
        assert_eq!(read_csv(b"\n,,\n", b','), Err(EngineError::EmptyText));
    }
}
