//! Spreadsheets: CSV (one page, the rows as a table) and XLSX (each sheet a page: its name as a
//! section header, then its cells as a table, then what its text boxes and shapes say). Cells are
//! read as stored: shared and inline strings as text, booleans as TRUE/FALSE, a formula as its
//! cached value, numbers as short as they read back the same (Excel stores 0.994 as
//! 0.99399999999999999). Two formats are applied: a number whose cell format is a date or time
//! becomes ISO 8601 ("2024-03-15", "2024-03-15 13:45", "13:45:30"), so dates read as dates and
//! extract can coerce them, and one formatted as a percentage is written as one ("99.4%").

use std::collections::HashMap;

use super::archive::{Archive, Limits, Relationship};
use super::flow::{Flow, TableBudget, MAX_TABLE_CELLS};
use super::xml::{walk, Node};
use super::{BlockType, Document, EngineError};

/// Excel's last column (XFD): a cell reference past it is garbage, not a wider sheet.
const MAX_COLUMNS: usize = 16_384;

/// A CSV (or, with `delimiter` b'\t', a TSV) file as one page. Without a `delimiter`, the
/// file's own is used (see [`csv_delimiter`]).
pub fn read_csv(text: &str, delimiter: Option<u8>) -> Result<Document, EngineError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (delimiter, text) = match delimiter {
        Some(delimiter) => (delimiter, text),
        None => csv_delimiter(text),
    };
    let bytes = text.as_bytes();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut rows = Vec::new();
    let mut budget = TableBudget::default();
    for record in reader.byte_records() {
        let record = record.map_err(|e| EngineError::Malformed { format: "CSV", cause: e.to_string() })?;
        budget.row(record.len(), record.as_slice().len())?;
        rows.push(record.iter().map(|cell| String::from_utf8_lossy(cell).into_owned()).collect());
    }
    let mut flow = Flow::new();
    flow.table(rows)?;
    if !flow.has_text() {
        return Err(EngineError::EmptyText);
    }
    Ok(flow.finish())
}

/// The delimiter of a CSV file, and its text without Excel's `sep=` line if it has one (`sep=;`
/// names the delimiter outright). Otherwise it is whichever of comma, semicolon (what Excel
/// writes where the comma is the decimal separator: German, French, Dutch, Italian, Spanish
/// settings), tab and pipe splits the first records alike: the same number of times, at
/// least once, in four records of five or more, quoted text aside. The one that splits them
/// most wins; a comma when none qualifies.
pub fn csv_delimiter(text: &str) -> (u8, &str) {
    if let Some(rest) = text.strip_prefix("sep=") {
        let mut chars = rest.chars();
        if let (Some(d), Some('\n' | '\r') | None) = (chars.next(), chars.next()) {
            if d.is_ascii() {
                return (d as u8, rest[1..].trim_start_matches(['\r', '\n']));
            }
        }
    }
    let records = first_records(text, 20);
    let mut best = (0, b',');
    for delimiter in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = records.iter().map(|record| count_unquoted(record, delimiter)).collect();
        let alike = |n: usize| counts.iter().filter(|&&m| m == n).count();
        let Some(&common) = counts.iter().max_by_key(|&&n| alike(n)) else { continue };
        if common > best.0 && alike(common) * 5 >= records.len() * 4 {
            best = (common, delimiter);
        }
    }
    (best.1, text)
}

/// The first `n` records of a CSV text, split at line ends outside quotes; blank ones left out.
fn first_records(text: &str, n: usize) -> Vec<&str> {
    let mut records = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, byte) in text.bytes().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                records.push(&text[start..i]);
                start = i + 1;
                if records.len() == n {
                    break;
                }
            }
            _ => {}
        }
    }
    if records.len() < n {
        records.push(&text[start..]);
    }
    records.retain(|record| !record.trim().is_empty());
    records
}

/// How often `delimiter` occurs in `record` outside quotes.
fn count_unquoted(record: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    record
        .bytes()
        .filter(|&byte| {
            if byte == b'"' {
                quoted = !quoted;
            }
            byte == delimiter && !quoted
        })
        .count()
}

/// An XLSX workbook, one page per sheet in the workbook's order.
pub fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Document, EngineError> {
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
    walk(&workbook, &main, |node| match &node {
        Node::Open { name, .. } if name == "sheet" => {
            let name = node.attr("name").unwrap_or("Sheet").to_owned();
            sheets.push((
                name,
                node.attr("id").and_then(|id| Relationship::by_id(&parts, id)).map(str::to_owned),
            ));
        }
        Node::Open { name, .. } if name == "workbookPr" => {
            formats.from_1904 = matches!(node.attr("date1904"), Some("1" | "true"));
        }
        _ => {}
    })?;
    if sheets.is_empty() {
        return Err(missing("sheet"));
    }

    let mut flow = Flow::new();
    for (i, (name, path)) in sheets.into_iter().enumerate() {
        if i > 0 {
            flow.start_page();
        }
        flow.push(BlockType::SectionHeader, &name);
        // A sheet that names no part has no cells: it is an empty sheet, not a broken file.
        let Some(path) = path else { continue };
        let xml = archive.text(&path)?.ok_or_else(|| missing(&path))?;
        let rows = cells(&xml, &shared, &formats)?;
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
    Ok(flow.finish())
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
/// column order.
fn cells(
    xml: &str,
    shared: &[String],
    formats: &NumberFormats,
) -> Result<Vec<Vec<(usize, String)>>, EngineError> {
    let mut rows: Vec<Vec<(usize, String)>> = Vec::new();
    // Counted before a shared string is copied into a cell: many cells may name one huge string.
    let mut budget = TableBudget::default();
    let mut over_budget = None;
    // The cell being read: its column, its type, how its format shows a number, and its value
    // text so far.
    let mut cell: Option<(usize, String, Option<Shown>, String)> = None;
    let mut in_value = false;
    walk(xml, "worksheet", |node| match node {
        Node::Open { ref name, empty, .. } => match name.as_str() {
            "row" => rows.push(Vec::new()),
            "c" => {
                let next = rows.last().and_then(|row| row.last()).map_or(0, |(column, _)| column + 1);
                let column = node.attr("r").and_then(column_of).unwrap_or(next).min(MAX_COLUMNS - 1);
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

/// What a date or time number format shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DateKind {
    Date,
    DateTime,
    Time,
}

/// How a number format shows a number, where it is not as the number itself.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shown {
    Date(DateKind),
    /// A percentage with this many decimals (`0.0%`).
    Percent(usize),
}

/// How each cell style's number format shows a number, and the workbook's date system.
#[derive(Debug, Default)]
struct NumberFormats {
    /// By cell style index (`s`): how its number format shows a number, if not as itself.
    shown: Vec<Option<Shown>>,
    /// Serial 0 is 1904-01-01 instead of 1899-12-31 (old Mac workbooks).
    from_1904: bool,
}

impl NumberFormats {
    fn shown(&self, style: usize) -> Option<Shown> {
        self.shown.get(style).copied().flatten()
    }

    /// A number cell's text (`raw`, as stored) as its format shows it: a date or time in ISO
    /// 8601, a percentage, else the number as short as it reads back the same (Excel stores
    /// 17 digits: 0.99399999999999999 is 0.994). What is not a number stays as stored, and so
    /// does a number too large or too small to write out in full.
    fn display(&self, raw: String, shown: Option<Shown>) -> String {
        let number = match raw.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => number,
            _ => return raw,
        };
        match shown {
            Some(Shown::Date(kind)) => self.iso(number, kind).unwrap_or(raw),
            Some(Shown::Percent(decimals)) => format!("{:.*}%", decimals, number * 100.0),
            // Adding 0.0 makes a negative zero 0, as Excel shows it.
            None if number == 0.0 || (1e-9..1e15).contains(&number.abs()) => (number + 0.0).to_string(),
            None => raw,
        }
    }

    /// A serial date in ISO 8601, or None when it is out of any calendar Excel shows.
    fn iso(&self, serial: f64, kind: DateKind) -> Option<String> {
        if !(0.0..2_958_466.0).contains(&serial) {
            return None; // Excel's dates end on 9999-12-31
        }
        // Rounded to the second first, so 23:59:59.6 is the next day's 00:00.
        let total_seconds = (serial * 86_400.0).round() as i64;
        let (mut days, seconds) = (total_seconds / 86_400, total_seconds % 86_400);
        // The 1900 system counts a 29 February 1900 that never was (serial 60), as Lotus did.
        let epoch = if self.from_1904 {
            days_from_civil(1904, 1, 1)
        } else {
            if days < 60 {
                days += 1;
            }
            days_from_civil(1899, 12, 30)
        };
        let (year, month, day) = civil_from_days(epoch + days);
        let (hours, minutes, secs) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        let time = if secs == 0 {
            format!("{hours:02}:{minutes:02}")
        } else {
            format!("{hours:02}:{minutes:02}:{secs:02}")
        };
        let date = format!("{year:04}-{month:02}-{day:02}");
        Some(match kind {
            DateKind::Date => date,
            DateKind::DateTime => format!("{date} {time}"),
            DateKind::Time => time,
        })
    }
}

/// The cell styles of xl/styles.xml (`cellXfs`) whose number format is a date or time.
fn number_formats(xml: &str) -> Result<NumberFormats, EngineError> {
    let mut custom: HashMap<u32, String> = HashMap::new();
    let mut style_formats: Vec<u32> = Vec::new();
    let mut in_cell_xfs = false;
    walk(xml, "styles.xml", |node| match &node {
        Node::Open { name, empty, .. } => match name.as_str() {
            "numFmt" => {
                if let (Some(id), Some(code)) =
                    (node.attr("numFmtId").and_then(|id| id.parse().ok()), node.attr("formatCode"))
                {
                    custom.insert(id, code.to_owned());
                }
            }
            "cellXfs" => in_cell_xfs = !empty,
            "xf" if in_cell_xfs => {
                style_formats.push(node.attr("numFmtId").and_then(|id| id.parse().ok()).unwrap_or(0))
            }
            _ => {}
        },
        Node::Close { name } if name == "cellXfs" => in_cell_xfs = false,
        _ => {}
    })?;
    let shown = style_formats
        .into_iter()
        .map(|id| match custom.get(&id) {
            Some(code) => date_kind_of_code(code)
                .map(Shown::Date)
                .or_else(|| percent_decimals(code).map(Shown::Percent)),
            None => builtin_date_kind(id).map(Shown::Date).or(match id {
                9 => Some(Shown::Percent(0)),
                10 => Some(Shown::Percent(2)),
                _ => None,
            }),
        })
        .collect();
    Ok(NumberFormats { shown, from_1904: false })
}

/// Excel's built-in formats that show dates or times (ECMA-376 §18.8.30).
fn builtin_date_kind(id: u32) -> Option<DateKind> {
    match id {
        14..=17 => Some(DateKind::Date),
        22 => Some(DateKind::DateTime),
        18..=21 | 45..=47 => Some(DateKind::Time),
        _ => None,
    }
}

/// Whether a custom format code shows a date, a time or both: its y/d (date) and h/s (time)
/// tokens outside quoted text, escapes and `[...]` sections (colours, conditions, locales;
/// except elapsed time, `[h]`); `m` alone means months.
/// The decimals of a percentage format code (`0.00%` has 2), or None when the code shows no
/// percentage. Quoted text and bracketed colours or conditions are not the format.
fn percent_decimals(code: &str) -> Option<usize> {
    let section = code.split(';').next().unwrap_or_default();
    let (mut percent, mut decimals, mut after_point) = (false, 0, false);
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => while chars.next().is_some_and(|q| q != '"') {},
            '[' => while chars.next().is_some_and(|q| q != ']') {},
            '\\' | '_' | '*' => {
                chars.next();
            }
            '%' => percent = true,
            '.' => after_point = true,
            '0' | '#' | '?' if after_point => decimals += 1,
            _ => {}
        }
    }
    percent.then_some(decimals)
}

fn date_kind_of_code(code: &str) -> Option<DateKind> {
    let section = code.split(';').next().unwrap_or_default();
    let (mut date, mut time, mut months) = (false, false, false);
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        match c.to_ascii_lowercase() {
            '"' => while chars.next().is_some_and(|q| q != '"') {},
            '[' => {
                let inside: String = chars.by_ref().take_while(|&b| b != ']').collect();
                time |= !inside.is_empty()
                    && inside.chars().all(|t| matches!(t.to_ascii_lowercase(), 'h' | 'm' | 's'));
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            'y' | 'd' => date = true,
            'h' | 's' => time = true,
            'm' => months = true,
            _ => {}
        }
    }
    let date = date || (months && !time);
    match (date, time) {
        (true, true) => Some(DateKind::DateTime),
        (true, false) => Some(DateKind::Date),
        (false, true) => Some(DateKind::Time),
        (false, false) => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    era * 146_097 + year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
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
        assert_eq!(cells(sheet, &strings, &NumberFormats::default()).unwrap(), [row]);
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
        let row: Vec<String> =
            cells(sheet, &[], &formats).unwrap().remove(0).into_iter().map(|(_, v)| v).collect();
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
        let doc = read_xlsx(&archive::build(&entries), Limits::default()).unwrap();
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
        let row: Vec<String> = cells(sheet, &[], &NumberFormats::default())
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
        let row: Vec<String> =
            cells(sheet, &[], &dates).unwrap().remove(0).into_iter().map(|(_, v)| v).collect();
        assert_eq!(row, ["2024-03-15", "2024-03-15 13:45", "45366", "13:45:01", "45366"]);

        let mac = NumberFormats { from_1904: true, ..NumberFormats::default() };
        assert_eq!(mac.iso(0.0, DateKind::Date).as_deref(), Some("1904-01-01"));
        let pc = NumberFormats::default();
        assert_eq!(pc.iso(1.0, DateKind::Date).as_deref(), Some("1900-01-01"));
        assert_eq!(pc.iso(61.0, DateKind::Date).as_deref(), Some("1900-03-01"));
        assert_eq!(pc.iso(45_366.999_999_9, DateKind::DateTime).as_deref(), Some("2024-03-16 00:00"));
        assert_eq!(pc.iso(3e6, DateKind::Date), None, "past 9999-12-31");
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
        let doc = read_xlsx(&bytes, Limits::default()).unwrap();
        assert_eq!(doc.pages[0].blocks[1].content, "| 1904-01-01 | 7 |\n| --- | --- |");
    }

    #[test]
    fn format_codes_tell_dates_from_times_and_numbers() {
        assert_eq!(date_kind_of_code("yyyy-mm-dd"), Some(DateKind::Date));
        assert_eq!(date_kind_of_code("mmm-yy"), Some(DateKind::Date));
        assert_eq!(date_kind_of_code("m/d/yy h:mm"), Some(DateKind::DateTime));
        assert_eq!(date_kind_of_code("h:mm:ss AM/PM"), Some(DateKind::Time));
        assert_eq!(date_kind_of_code("[h]:mm"), Some(DateKind::Time));
        assert_eq!(date_kind_of_code("[Red]#,##0.00"), None);
        assert_eq!(date_kind_of_code("\"Days: \"0"), None);
        assert_eq!(date_kind_of_code("0.00;[Red]-0.00"), None);
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

    #[test]
    fn csv_is_one_page_with_quoted_fields() {
        let doc = read_csv("\u{feff}name,note\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\nshort\n", None)
            .unwrap();
        assert_eq!(doc.pages.len(), 1);
        let table = &doc.pages[0].blocks[0];
        assert_eq!(table.kind, BlockType::Table);
        assert_eq!(
            table.content,
            "| name | note |\n| --- | --- |\n| Smith, J | said \"hi\" then left |\n| short |  |"
        );
        assert_eq!(read_csv("\n,,\n", None), Err(EngineError::EmptyText));
    }

    #[test]
    fn a_csv_is_split_at_its_own_delimiter() {
        // German Excel: semicolons, and commas as decimal separators.
        let german = "Name;Betrag;Datum\nMüller;1.234,56;01.02.2024\n\nSchmidt;99,00;\"3,5; oder mehr\"\n";
        assert_eq!(csv_delimiter(german), (b';', german));
        let doc = read_csv(german, None).unwrap();
        assert_eq!(
            doc.pages[0].blocks[0].content,
            "| Name | Betrag | Datum |\n| --- | --- | --- |\n| Müller | 1.234,56 | 01.02.2024 |\n| Schmidt | 99,00 | 3,5; oder mehr |"
        );
        assert_eq!(csv_delimiter("a,b\n\"1;2\",3\n").0, b',');
        assert_eq!(csv_delimiter("a|b|c\n1|2|3\n").0, b'|');
        assert_eq!(csv_delimiter("one column\nno delimiter\n").0, b',');
        assert_eq!(csv_delimiter("sep=;\r\na;b,c\n"), (b';', "a;b,c\n"), "Excel's sep= line names it");
    }
}
