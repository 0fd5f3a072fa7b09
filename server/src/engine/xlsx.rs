//! XLSX workbooks: each sheet a page, its name as a section header, then its cells as a table,
//! then what its text boxes and shapes say. Cells are read as stored: shared and inline strings
//! as text, booleans as TRUE/FALSE, a formula as its cached value, numbers as [`formats`] shows
//! them (dates and times as ISO 8601, percentages as percentages, every other number as short
//! as it reads back the same). Hidden sheets, rows and columns are read unless the caller
//! asks to skip them (Reducto's `spreadsheet.exclude`).

mod formats;

use serde::{Deserialize, Serialize};

use super::archive::{Archive, Limits, Relationship};
use super::flow::{Flow, TableBudget, MAX_TABLE_CELLS};
use super::xml::{walk, Node};
use super::{BlockType, Document, EngineError, PageRange};
use formats::{number_formats, NumberFormats, Shown};

/// Excel's last column (XFD): a cell reference past it is garbage, not a wider sheet.
const MAX_COLUMNS: usize = 16_384;

/// What of a workbook that Excel hides is left out (`spreadsheet.exclude`: `hidden_sheets`,
/// `hidden_rows`, `hidden_cols`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkipHidden {
    pub sheets: bool,
    pub rows: bool,
    pub columns: bool,
}

/// An XLSX workbook, one page per sheet in the workbook's order; with `pages`, only the
/// sheets it selects (by name or number) are read, and `skip` leaves hidden parts out.
pub fn read_xlsx(
    bytes: &[u8],
    limits: Limits,
    pages: Option<&PageRange>,
    skip: SkipHidden,
) -> Result<Document, EngineError> {
    let mut archive = Archive::open(bytes, "XLSX", limits)?;
    let missing = |name: &str| EngineError::Malformed { format: "XLSX", cause: format!("it has no {name}") };
    let main = archive.main_part()?.unwrap_or_else(|| "xl/workbook.xml".into());
    let workbook = archive.text(&main)?.ok_or_else(|| missing(&main))?;
    let parts = archive.relationships(&main)?;
    let shared = match archive
        .text(Relationship::of_kind(&parts, "sharedStrings").unwrap_or("xl/sharedStrings.xml"))?
    {
        Some(xml) => shared_strings(&xml)?,
        None => Vec::new(),
    };
    let mut formats =
        match archive.text(Relationship::of_kind(&parts, "styles").unwrap_or("xl/styles.xml"))? {
            Some(xml) => number_formats(&xml)?,
            None => NumberFormats::default(),
        };

    let mut sheets = Vec::new();
    let mut hidden = Vec::new();
    walk(&workbook, &main, |node| match &node {
        Node::Open { name, .. } if name == "sheet" => {
            let name = node.attr("name").unwrap_or("Sheet").to_owned();
            sheets.push((
                name,
                node.attr("id").and_then(|id| Relationship::by_id(&parts, id)).map(str::to_owned),
            ));
            hidden.push(matches!(node.attr("state"), Some("hidden" | "veryHidden")));
        }
        Node::Open { name, .. } if name == "workbookPr" => {
            formats.from_1904 = matches!(node.attr("date1904"), Some("1" | "true"));
        }
        _ => {}
    })?;
    if sheets.is_empty() {
        return Err(missing("sheet"));
    }
    let names: Vec<String> = sheets.iter().map(|(name, _)| name.clone()).collect();
    let mut wanted = pages.map(|range| range.select_sheets(&names)).transpose()?;
    if skip.sheets && hidden.contains(&true) {
        let visible = |number: &u32| !hidden[*number as usize - 1];
        let asked = wanted.unwrap_or_else(|| (1..=names.len() as u32).collect());
        wanted = Some(asked.into_iter().filter(visible).collect());
    }

    let mut flow = Flow::new();
    for (i, (name, path)) in sheets.into_iter().enumerate() {
        if i > 0 {
            flow.start_page();
        }
        // A sheet not asked for stays an empty page until the pages asked for are kept.
        if wanted.as_ref().is_some_and(|wanted| !wanted.contains(&(i as u32 + 1))) {
            continue;
        }
        flow.push(BlockType::SectionHeader, &name);
        // A sheet that names no part has no cells: it is an empty sheet, not a broken file.
        let Some(path) = path else { continue };
        let xml = archive.text(&path)?.ok_or_else(|| missing(&path))?;
        let rows = cells(&xml, &shared, &formats, skip)?;
        flow.table(dense(&name, rows)?)?;
        // What its text boxes and shapes say, after its cells.
        for drawing in archive.relationships(&path)?.iter().filter(|r| r.kind == "drawing") {
            if let Some(xml) = archive.text(&drawing.target)? {
                for paragraph in drawing_text(&xml, &drawing.target)? {
                    flow.push(BlockType::Text, &paragraph);
                }
            }
        }
    }
    Ok(match wanted {
        Some(numbers) => flow.finish().keep_pages(&numbers),
        None => flow.finish(),
    })
}

/// The paragraphs of a drawing's text boxes and shapes (`a:p` of DrawingML), in the order the
/// drawing lists them; a shape's paragraphs are joined by line breaks into one.
fn drawing_text(xml: &str, name: &str) -> Result<Vec<String>, EngineError> {
    let mut shapes: Vec<String> = Vec::new();
    let (mut in_body, mut in_text) = (false, false);
    walk(xml, name, |node| match node {
        Node::Open { ref name, empty, .. } => match name.as_str() {
            "txBody" if !empty => {
                in_body = true;
                shapes.push(String::new());
            }
            // A new paragraph or a line break starts a line; empty paragraphs add no blank ones.
            "p" | "br" if in_body => {
                if let Some(shape) =
                    shapes.last_mut().filter(|shape| !shape.is_empty() && !shape.ends_with('\n'))
                {
                    shape.push('\n');
                }
            }
            "t" => in_text = !empty && in_body,
            _ => {}
        },
        Node::Close { name } => match name.as_str() {
            "txBody" => in_body = false,
            "t" => in_text = false,
            _ => {}
        },
        Node::Text(text) if in_text => shapes.last_mut().into_iter().for_each(|shape| shape.push_str(&text)),
        Node::Text(_) => {}
    })?;
    Ok(shapes.into_iter().map(|shape| shape.trim().to_owned()).filter(|shape| !shape.is_empty()).collect())
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
    Ok(strings.iter().map(|text| unescape_xstring(text)).collect())
}

/// Resolves OOXML's escapes of characters XML cannot carry (`_x000D_` for a carriage return,
/// `_x005F_` for a `_` that would otherwise start one), which Excel writes in shared and
/// inline strings. A carriage return before a line feed is dropped, as in any other text.
fn unescape_xstring(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let code = rest.get(2..6).filter(|_| rest.as_bytes().get(6) == Some(&b'_'));
        match code.and_then(|hex| u32::from_str_radix(hex, 16).ok()).and_then(char::from_u32) {
            Some(decoded) => {
                out.push(decoded);
                rest = &rest[7..];
            }
            None => {
                out.push('_');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("\r\n", "\n")
}

/// Sparse rows laid out as a table: every row as wide as the widest, blanks filled in. Cells
/// are stored sparsely, so a few bytes of XML can place a cell at XFD1048576: laid out, that
/// is billions of blanks, refused before any is made.
fn dense(sheet: &str, rows: Vec<Vec<(usize, String)>>) -> Result<Vec<Vec<String>>, EngineError> {
    let width = rows.iter().filter_map(|row| row.last()).map(|(column, _)| column + 1).max().unwrap_or(0);
    let cells = rows.len().saturating_mul(width);
    if cells > MAX_TABLE_CELLS {
        return Err(EngineError::Refused(format!(
            "table too large: sheet '{sheet}' spans {} rows by {width} columns, {cells} cells, \
             the limit is {MAX_TABLE_CELLS}",
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
/// column order; hidden rows and columns left out where `skip` says (the columns after a
/// hidden one move left, so no empty column stands in its place).
fn cells(
    xml: &str,
    shared: &[String],
    formats: &NumberFormats,
    skip: SkipHidden,
) -> Result<Vec<Vec<(usize, String)>>, EngineError> {
    let mut rows: Vec<Vec<(usize, String)>> = Vec::new();
    // Hidden columns, as 0-based inclusive spans (`<cols>` comes before the cells).
    let mut hidden_columns: Vec<(usize, usize)> = Vec::new();
    let mut in_hidden_row = false;
    // Counted before a shared string is copied into a cell: many cells may name one huge string.
    let mut budget = TableBudget::default();
    let mut over_budget = None;
    // The cell being read: its column, its type, how its format shows a number, and its value
    // text so far.
    let mut cell: Option<(usize, String, Option<Shown>, String)> = None;
    let mut in_value = false;
    walk(xml, "worksheet", |node| match node {
        Node::Open { ref name, empty, .. } => match name.as_str() {
            "row" => {
                rows.push(Vec::new());
                in_hidden_row = skip.rows && is_set(node.attr("hidden"));
            }
            "col" if skip.columns && is_set(node.attr("hidden")) => {
                let bound =
                    |name: &str| node.attr(name).and_then(|n| n.parse::<usize>().ok()).filter(|&n| n >= 1);
                if let (Some(min), Some(max)) = (bound("min"), bound("max")) {
                    hidden_columns.push((min - 1, max.min(MAX_COLUMNS) - 1));
                }
            }
            "c" => {
                let next = rows.last().and_then(|row| row.last()).map_or(0, |(column, _)| column + 1);
                let column = node.attr("r").and_then(column_of).unwrap_or(next).min(MAX_COLUMNS - 1);
                let hidden_before: usize =
                    hidden_columns.iter().map(|&(min, max)| (max + 1).min(column).saturating_sub(min)).sum();
                let is_hidden =
                    in_hidden_row || hidden_columns.iter().any(|&(min, max)| (min..=max).contains(&column));
                if is_hidden {
                    cell = None;
                    return;
                }
                let column = column - hidden_before;
                let shown =
                    node.attr("s").and_then(|s| s.parse().ok()).and_then(|style| formats.shown(style));
                cell = (!empty)
                    .then(|| (column, node.attr("t").unwrap_or("n").to_owned(), shown, String::new()));
            }
            "v" | "t" => in_value = !empty,
            _ => {}
        },
        Node::Close { name } => match name.as_str() {
            "v" | "t" => in_value = false,
            "c" => {
                if over_budget.is_some() {
                    return;
                }
                if let (Some((column, kind, shown, raw)), Some(row)) = (cell.take(), rows.last_mut()) {
                    let shared = match kind.as_str() {
                        "s" => raw.trim().parse::<usize>().ok().and_then(|i| shared.get(i)),
                        _ => None,
                    };
                    let bytes = shared.map_or(raw.len(), String::len);
                    if let Err(too_large) = budget.text(bytes) {
                        over_budget = Some(too_large);
                        return;
                    }
                    let value = match kind.as_str() {
                        "s" => shared.cloned().unwrap_or_default(),
                        "inlineStr" | "str" => unescape_xstring(&raw),
                        "b" => if raw.trim() == "1" { "TRUE" } else { "FALSE" }.to_owned(),
                        "n" => formats.display(raw, shown),
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
            if let Some((_, _, _, raw)) = cell.as_mut() {
                raw.push_str(&text);
            }
        }
        Node::Text(_) => {}
    })?;
    if let Some(too_large) = over_budget {
        return Err(too_large);
    }
    rows.retain(|row| !row.is_empty());
    Ok(rows)
}

/// Whether a boolean attribute is set (`"1"` or `"true"`).
fn is_set(value: Option<&str>) -> bool {
    matches!(value, Some("1" | "true"))
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
        let doc = read_xlsx(&bytes, Limits::default(), None, SkipHidden::default()).unwrap();
        assert_eq!(doc.pages.len(), 3);
        let first = &doc.pages[0].blocks;
        assert_eq!((first[0].kind, first[0].content.as_str()), (BlockType::SectionHeader, "Invoices"));
        assert_eq!(first[1].kind, BlockType::Table);
        assert_eq!(first[1].content, "| Number | Total |\n| --- | --- |\n| A-1 | 100.5 |\n| R&D | 7 |");
        assert_eq!(doc.pages[1].blocks.len(), 1, "an empty sheet is a page with only its name");
        assert_eq!(doc.pages[2].blocks[1].content, "|  |  | far right |\n| --- | --- | --- |");
    }

    #[test]
    fn hidden_sheets_rows_and_columns_are_left_out_when_asked() {
        let cell = |r: &str, text: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#);
        let sheet1 = format!(
            r#"<worksheet><cols><col min="2" max="2" hidden="1"/></cols><sheetData>
            <row r="1">{}{}{}</row><row r="2" hidden="1">{}{}{}</row><row r="3">{}{}{}</row>
            </sheetData></worksheet>"#,
            cell("A1", "Item"),
            cell("B1", "Cost"),
            cell("C1", "Price"),
            cell("A2", "draft"),
            cell("B2", "1"),
            cell("C2", "2"),
            cell("A3", "Pen"),
            cell("B3", "3"),
            cell("C3", "5"),
        );
        let sheet2 =
            format!(r#"<worksheet><sheetData><row r="1">{}</row></sheetData></worksheet>"#, cell("A1", "x"));
        let workbook = r#"<workbook xmlns:r="r"><sheets><sheet name="Prices" r:id="rId1"/>
            <sheet name="Lookup" state="hidden" r:id="rId2"/></sheets></workbook>"#;
        let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>
            <Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>"#;
        let bytes = archive::build(&[
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet1.as_bytes()),
            ("xl/worksheets/sheet2.xml", sheet2.as_bytes()),
        ]);
        let all = read_xlsx(&bytes, Limits::default(), None, SkipHidden::default()).unwrap();
        assert_eq!(all.pages.len(), 2, "hidden parts are read by default");
        assert_eq!(
            all.pages[0].blocks[1].content,
            "| Item | Cost | Price |\n| --- | --- | --- |\n| draft | 1 | 2 |\n| Pen | 3 | 5 |"
        );
        let skip = SkipHidden { sheets: true, rows: true, columns: true };
        let shown = read_xlsx(&bytes, Limits::default(), None, skip).unwrap();
        assert_eq!(shown.pages.len(), 1);
        assert_eq!(shown.pages[0].blocks[1].content, "| Item | Price |\n| --- | --- |\n| Pen | 5 |");
    }

    #[test]
    fn inline_strings_booleans_and_rich_text() {
        let sheet = r#"<worksheet><sheetData><row><c r="A1" t="inlineStr"><is><t>inline</t></is></c>
            <c r="B1" t="b"><v>1</v></c><c r="C1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
        let shared = r#"<sst><si><r><t>rich </t></r><r><t>text</t></r><rPh><t>ignored</t></rPh></si></sst>"#;
        let strings = shared_strings(shared).unwrap();
        assert_eq!(strings, ["rich text"]);
        let row = [(0, "inline".to_owned()), (1, "TRUE".to_owned()), (2, "rich text".to_owned())];
        assert_eq!(cells(sheet, &strings, &NumberFormats::default(), SkipHidden::default()).unwrap(), [row]);
        assert_eq!((column_of("AA10"), column_of("c3"), column_of("12")), (Some(26), Some(2), None));
    }

    #[test]
    fn numbers_read_as_short_as_they_read_back_and_percentages_as_percent() {
        let styles = r#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="0.0%;[Red]\-0.0%"/>
            <numFmt numFmtId="165" formatCode="&quot;Rate: &quot;#,##0.00"/></numFmts>
            <cellXfs><xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>"#;
        let formats = number_formats(styles).unwrap();
        let sheet = r#"<worksheet><sheetData><row><c r="A1"><v>0.99399999999999999</v></c>
            <c r="B1"><v>6.1728395061728392E-2</v></c><c r="C1" s="1"><v>0.994</v></c>
            <c r="D1" s="2"><v>0.99399999999999999</v></c><c r="E1" s="3"><v>1250.5</v></c>
            <c r="F1"><v>1E+300</v></c><c r="G1"><v>12</v></c><c r="H1" t="e"><v>#DIV/0!</v></c></row></sheetData></worksheet>"#;
        let row: Vec<String> = cells(sheet, &[], &formats, SkipHidden::default())
            .unwrap()
            .remove(0)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(
            row,
            ["0.994", "0.06172839506172839", "99%", "99.4%", "1250.5", "1E+300", "12", "#DIV/0!"]
        );
    }

    #[test]
    fn text_boxes_and_shapes_follow_their_sheets_cells() {
        let drawing = r#"<xdr:wsDr xmlns:xdr="x" xmlns:a="a"><xdr:twoCellAnchor><xdr:sp><xdr:txBody><a:bodyPr/>
            <a:p><a:r><a:t>Line 1</a:t></a:r><a:br/><a:r><a:t>Line 2</a:t></a:r></a:p><a:p/><a:p><a:r><a:t>Line </a:t></a:r><a:r><a:t>3</a:t></a:r></a:p>
            </xdr:txBody></xdr:sp></xdr:twoCellAnchor><xdr:twoCellAnchor><xdr:pic/></xdr:twoCellAnchor>
            <xdr:twoCellAnchor><xdr:sp><xdr:txBody><a:p><a:r><a:t>Approved</a:t></a:r></a:p></xdr:txBody></xdr:sp></xdr:twoCellAnchor></xdr:wsDr>"#;
        use crate::engine::docx::tests::relationship;
        let parts = [
            ("xl/workbook.xml", r#"<workbook xmlns:r="r"><sheets><sheet name="Quote" r:id="rId1"/></sheets></workbook>"#.to_owned()),
            ("xl/_rels/workbook.xml.rels", format!("<Relationships>{}</Relationships>", relationship("rId1", "worksheet", "worksheets/sheet1.xml"))),
            ("xl/worksheets/sheet1.xml", r#"<worksheet><sheetData><row><c r="A1" t="inlineStr"><is><t>Total</t></is></c><c r="B1"><v>12</v></c></row></sheetData></worksheet>"#.to_owned()),
            ("xl/worksheets/_rels/sheet1.xml.rels", format!("<Relationships>{}</Relationships>", relationship("rId3", "drawing", "../drawings/drawing1.xml"))),
            ("xl/drawings/drawing1.xml", drawing.to_owned()),
        ];
        let entries: Vec<(&str, &[u8])> = parts.iter().map(|(n, x)| (*n, x.as_bytes())).collect();
        let doc =
            read_xlsx(&archive::build(&entries), Limits::default(), None, SkipHidden::default()).unwrap();
        let blocks: Vec<(BlockType, &str)> =
            doc.pages[0].blocks.iter().map(|b| (b.kind, b.content.as_str())).collect();
        assert_eq!(
            blocks,
            [
                (BlockType::SectionHeader, "Quote"),
                (BlockType::Table, "| Total | 12 |\n| --- | --- |"),
                (BlockType::Text, "Line 1\nLine 2\nLine 3"),
                (BlockType::Text, "Approved"),
            ]
        );
    }

    #[test]
    fn excels_character_escapes_are_resolved_in_strings() {
        let strings = shared_strings(
            "<sst><si><t>ABC_x000D_\nDEF</t></si><si><t>a_x005F_x000D_b _x41 _x00e9_</t></si></sst>",
        );
        assert_eq!(strings.unwrap(), ["ABC\nDEF", "a_x000D_b _x41 é"]);
        let sheet = r#"<worksheet><sheetData><row><c r="A1" t="inlineStr"><is><t>x_x0009_y</t></is></c>
            <c r="B1" t="str"><f>A1</f><v>x_x0009_y</v></c><c r="C1" t="e"><v>#N/A_x0041_</v></c></row></sheetData></worksheet>"#;
        let row: Vec<String> = cells(sheet, &[], &NumberFormats::default(), SkipHidden::default())
            .unwrap()
            .remove(0)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(row, ["x\ty", "x\ty", "#N/A_x0041_"]);
    }

    #[test]
    fn numbers_formatted_as_dates_read_as_iso_dates() {
        let styles = r#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy\ hh:mm"/>
            <numFmt numFmtId="165" formatCode="&quot;Day &quot;0.00"/></numFmts>
            <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
            <cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>
            <xf numFmtId="21"/></cellXfs></styleSheet>"#;
        let dates = number_formats(styles).unwrap();
        let sheet = r#"<worksheet><sheetData><row><c r="A1" s="1"><v>45366</v></c>
            <c r="B1" s="2"><v>45366.5729166667</v></c><c r="C1" s="3"><v>45366</v></c>
            <c r="D1" s="4"><v>0.5729282407</v></c><c r="E1"><v>45366</v></c></row></sheetData></worksheet>"#;
        let row: Vec<String> = cells(sheet, &[], &dates, SkipHidden::default())
            .unwrap()
            .remove(0)
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(row, ["2024-03-15", "2024-03-15 13:45", "45366", "13:45:01", "45366"]);
    }

    #[test]
    fn a_workbook_applies_its_styles_and_date_system() {
        let workbook = r#"<workbook xmlns:r="r"><workbookPr date1904="1"/><sheets>
            <sheet name="Dates" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
        let rels =
            r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#;
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1"><v>7</v></c>
            </row></sheetData></worksheet>"#;
        let styles = r#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#;
        let bytes = archive::build(&[
            ("xl/workbook.xml", workbook.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            ("xl/styles.xml", styles.as_bytes()),
        ]);
        let doc = read_xlsx(&bytes, Limits::default(), None, SkipHidden::default()).unwrap();
        assert_eq!(doc.pages[0].blocks[1].content, "| 1904-01-01 | 7 |\n| --- | --- |");
    }

    #[test]
    fn a_sheet_spanning_too_many_cells_is_refused() {
        let far = |row: usize| vec![(0, format!("r{row}")), (MAX_COLUMNS - 1, "x".to_owned())];
        let rows: Vec<_> = (0..MAX_TABLE_CELLS / MAX_COLUMNS + 1).map(far).collect();
        let err = dense("Wide", rows).unwrap_err();
        assert!(matches!(&err, EngineError::Refused(why) if why.contains("sheet 'Wide' spans")), "{err:?}");
        let fine = dense("Small", vec![vec![(2, "c".into())], vec![(0, "a".into())]]).unwrap();
        assert_eq!(fine, [["", "", "c"], ["a", "", ""]]);
    }
}
