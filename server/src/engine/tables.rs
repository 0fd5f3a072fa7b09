//! A `Table` block's content in each of Reducto's `table_output_format`s. The engine writes
//! every table as a Markdown table (see `flow`), which is what split and extract read; the
//! format a caller asked for is made from it when the result is written out.
//!
//! The tables this engine reads (CSV, XLSX, HTML, DOCX) have no merged cells (spans are
//! flattened) and no cell boxes (those files have no geometry), so `dynamic` picks Markdown
//! for tables of at most 30 cells and HTML for larger ones, and `jsonbbox` gives each cell a
//! `null` box rather than an invented one.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Reducto's `formatting.table_output_format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    /// Markdown for small tables, HTML for the others (Reducto's default).
    #[default]
    Dynamic,
    Html,
    Md,
    Json,
    Jsonbbox,
    Csv,
}

impl TableFormat {
    /// The names the API takes, in the spec's order.
    pub const NAMES: [&'static str; 6] = ["html", "json", "md", "jsonbbox", "dynamic", "csv"];

    pub fn from_name(name: &str) -> Option<TableFormat> {
        Some(match name {
            "dynamic" => TableFormat::Dynamic,
            "html" => TableFormat::Html,
            "md" => TableFormat::Md,
            "json" => TableFormat::Json,
            "jsonbbox" => TableFormat::Jsonbbox,
            "csv" => TableFormat::Csv,
            _ => return None,
        })
    }
}

/// The most cells a table `dynamic` writes as Markdown (Reducto's threshold).
const DYNAMIC_MARKDOWN_CELLS: usize = 30;

/// `markdown` (a table as the engine writes it) in `format`; text that is not such a table is
/// returned as it is.
pub fn render(markdown: &str, format: TableFormat) -> String {
    // Markdown is how the engine writes a table already: a large one is not read again for it.
    if format == TableFormat::Md {
        return markdown.to_owned();
    }
    let Some(rows) = rows(markdown) else { return markdown.to_owned() };
    let cells = rows.len() * rows.first().map_or(0, Vec::len);
    match format {
        TableFormat::Md => markdown.to_owned(),
        TableFormat::Dynamic if cells <= DYNAMIC_MARKDOWN_CELLS => markdown.to_owned(),
        TableFormat::Dynamic | TableFormat::Html => html(&rows),
        TableFormat::Json => Value::from(rows).to_string(),
        TableFormat::Jsonbbox => {
            let cell = |text: String| json!({ "text": text, "bbox": null });
            let rows: Vec<Value> = rows.into_iter().map(|row| row.into_iter().map(cell).collect()).collect();
            Value::from(rows).to_string()
        }
        TableFormat::Csv => csv(&rows),
    }
}

/// Appends `next` to `table` (tables as the engine writes them) when `next` continues it:
/// the same columns under the same header, which `next` then loses; whether it did. This is
/// how `merge_tables` decides without a model: a table the engine cut into blocks, or one a
/// document repeats its header for on each page, is joined again; tables that merely have as
/// many columns are left apart. Only the headers are compared and only `next` is copied, so
/// joining a sheet's thousands of blocks stays linear.
pub fn append_continuation(table: &mut String, next: &str) -> bool {
    fn header(table: &str) -> Option<&str> {
        let mut lines = table.lines();
        let head = lines.next()?;
        cells(head)?;
        lines.next()?.starts_with("| --- |").then_some(head)
    }
    let continues = rows(next).is_some() && header(table).is_some_and(|head| Some(head) == header(next));
    if continues {
        for line in next.lines().skip(2) {
            table.push('\n');
            table.push_str(line);
        }
    }
    continues
}

/// `table` (as the engine writes it) cut into tables of at most `rows` rows each, the header
/// repeated in each (`spreadsheet.split_large_tables`); text that is not such a table, or a
/// table that fits, is one piece.
pub fn cut(table: &str, rows: usize) -> Vec<String> {
    let mut lines = table.lines();
    let (Some(head), Some(rule)) = (lines.next(), lines.next()) else { return vec![table.to_owned()] };
    let body: Vec<&str> = lines.collect();
    if rows == 0 || body.len() <= rows || self::rows(table).is_none() {
        return vec![table.to_owned()];
    }
    body.chunks(rows).map(|part| format!("{head}\n{rule}\n{}", part.join("\n"))).collect()
}

/// The rows of a Markdown table as `flow` writes it (`| a | b |`, then `| --- | --- |`, then
/// the body), cells unescaped; `None` for anything else.
fn rows(markdown: &str) -> Option<Vec<Vec<String>>> {
    let mut lines = markdown.lines();
    let header = cells(lines.next()?)?;
    let rule = lines.next()?;
    if !rule.starts_with("| --- |") {
        return None;
    }
    let mut rows = vec![header];
    for line in lines {
        let row = cells(line)?;
        if row.len() != rows[0].len() {
            return None;
        }
        rows.push(row);
    }
    Some(rows)
}

/// One table line's cells. `flow` escapes every `|` inside a cell, so ` | ` only ever
/// separates cells.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.strip_prefix("| ")?.strip_suffix(" |")?;
    Some(inner.split(" | ").map(|cell| cell.replace("\\|", "|")).collect())
}

/// `<table>` with the first row as `<th>` cells.
fn html(rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table>");
    for (i, row) in rows.iter().enumerate() {
        let tag = if i == 0 { "th" } else { "td" };
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<{tag}>{}</{tag}>", escape_html(cell)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
fn csv(rows: &[Vec<String>]) -> String {
    let field = |cell: &String| {
        if cell.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", cell.replace('"', "\"\""))
        } else {
            cell.clone()
        }
    };
    let lines: Vec<String> =
        rows.iter().map(|row| row.iter().map(field).collect::<Vec<_>>().join(",")).collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "| Item | Note |\n| --- | --- |\n| A&B | say \"hi\", 1\\|2 |\n|  | <b> |";

    #[test]
    fn every_format_from_the_engines_markdown() {
        assert_eq!(render(TABLE, TableFormat::Md), TABLE);
        assert_eq!(render(TABLE, TableFormat::Dynamic), TABLE, "8 cells: Markdown");
        assert_eq!(
            render(TABLE, TableFormat::Html),
            "<table><tr><th>Item</th><th>Note</th></tr><tr><td>A&amp;B</td><td>say &quot;hi&quot;, 1|2</td></tr>\
             <tr><td></td><td>&lt;b&gt;</td></tr></table>"
        );
        assert_eq!(
            render(TABLE, TableFormat::Json),
            r#"[["Item","Note"],["A&B","say \"hi\", 1|2"],["","<b>"]]"#
        );
        assert_eq!(
            render(TABLE, TableFormat::Jsonbbox),
            r#"[[{"bbox":null,"text":"Item"},{"bbox":null,"text":"Note"}],[{"bbox":null,"text":"A&B"},{"bbox":null,"text":"say \"hi\", 1|2"}],[{"bbox":null,"text":""},{"bbox":null,"text":"<b>"}]]"#
        );
        assert_eq!(render(TABLE, TableFormat::Csv), "Item,Note\nA&B,\"say \"\"hi\"\", 1|2\"\n,<b>");
    }

    #[test]
    fn dynamic_writes_tables_over_30_cells_as_html() {
        let row = |i: usize| format!("| {i} | a | b |");
        let mut table = vec!["| n | x | y |".to_owned(), "| --- | --- | --- |".to_owned()];
        table.extend((1..=9).map(row));
        let thirty = table.join("\n");
        assert_eq!(render(&thirty, TableFormat::Dynamic), thirty, "10 rows of 3: 30 cells");
        table.push(row(10));
        assert!(render(&table.join("\n"), TableFormat::Dynamic).starts_with("<table><tr><th>n</th>"));
    }

    #[test]
    fn a_table_continued_under_the_same_header_merges() {
        let joined = |next: &str| {
            let mut table = TABLE.to_owned();
            append_continuation(&mut table, next).then_some(table)
        };
        assert_eq!(
            joined("| Item | Note |\n| --- | --- |\n| C | d |").unwrap(),
            format!("{TABLE}\n| C | d |")
        );
        assert_eq!(joined("| Item | Other |\n| --- | --- |\n| C | d |"), None, "another header");
        assert_eq!(joined("| Item |\n| --- |\n| C |"), None, "other columns");
        assert_eq!(joined("Item Note"), None);
    }

    #[test]
    fn a_large_table_is_cut_with_its_header_in_each_piece() {
        assert_eq!(
            cut(TABLE, 1),
            [
                "| Item | Note |\n| --- | --- |\n| A&B | say \"hi\", 1\\|2 |",
                "| Item | Note |\n| --- | --- |\n|  | <b> |"
            ]
        );
        assert_eq!(cut(TABLE, 2), [TABLE]);
        assert_eq!(cut("plain\ntext\nhere", 1), ["plain\ntext\nhere"]);
    }

    #[test]
    fn text_that_is_not_the_engines_table_is_left_as_it_is() {
        for text in ["plain text", "| a | b |", "| a | b |\n| --- | --- |\n| only one |"] {
            assert_eq!(render(text, TableFormat::Html), text);
        }
        assert_eq!(render("| a | b |\n| --- | --- |", TableFormat::Csv), "a,b", "a header alone");
    }
}
