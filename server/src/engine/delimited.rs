//! Delimited text: a CSV (or a TSV) file as one page, its rows as a table. A CSV is split at its
//! own delimiter: comma, the semicolon of Excel where the comma is the decimal separator, tab or
//! pipe, or what Excel's `sep=` line names.

use super::flow::{Flow, TableBudget};
use super::{Document, EngineError};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::BlockType;

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
