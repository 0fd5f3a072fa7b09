//! Arrays of objects from tables: a header line whose cells name the item's properties, then
//! one item per row while the rows fit its columns.

use serde_json::{Map, Value};

use super::coerce::coerce;
use super::layout::{Cells, Line};
use super::schema::{kind, properties, Kind, Node};
use super::vocabulary::{Field, Language, Match};

/// A column of a table: the item property it fills (None for a column the schema lacks).
struct Column<'s> {
    prop: Option<(&'s str, &'s Map<String, Value>)>,
}

/// An array of objects from a table: a header line naming at least two of the item's
/// properties (or its only one), then one item per row until a row does not fit.
pub fn table<'a>(
    items: &Map<String, Value>,
    lines: &[Line<'a>],
    language: &Language,
    order: &[usize],
) -> Node<'a> {
    let props = properties(items);
    let fields: Vec<Field> = props.iter().map(|(k, s)| Field::new(k, s)).collect();
    let needed = props.len().min(2);
    for &i in order {
        let Some(columns) = header(lines[i].text, &props, &fields) else { continue };
        if columns.iter().filter(|c| c.prop.is_some()).count() < needed.max(1) {
            continue;
        }
        let mut rows = Vec::new();
        for line in &lines[i + 1..] {
            match row(line.text, &columns, language) {
                Some(cells) => {
                    let filled = props
                        .iter()
                        .map(|(key, _)| {
                            let value = cells.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                            let node = match value {
                                Some(v) if !v.is_null() => Node::Leaf(v, Some(line.block)),
                                _ => Node::Leaf(Value::Null, None),
                            };
                            (key.to_string(), node)
                        })
                        .collect();
                    rows.push(Node::Object(filled));
                }
                None => break,
            }
        }
        if !rows.is_empty() {
            return Node::Array(rows);
        }
    }
    Node::Leaf(Value::Null, None)
}

/// The columns of a header line, in order, or None if it names none of the properties.
fn header<'s>(
    line: &str,
    props: &[(&'s str, &'s Map<String, Value>)],
    fields: &[Field],
) -> Option<Vec<Column<'s>>> {
    let by_label =
        |label: &str| fields.iter().position(|f| f.matches(label) >= Match::Synonym).map(|i| props[i]);
    let columns: Vec<Column> = match Cells::of_row(line) {
        Some(cells) => cells.into_iter().map(|c| Column { prop: by_label(c) }).collect(),
        None => {
            // Single spaces (a PDF's text layer): the longest runs of words that name a
            // property; each run of other words is one column the schema does not have.
            let words: Vec<&str> = line.split_whitespace().collect();
            let mut columns: Vec<Column> = Vec::new();
            let mut at = 0;
            while at < words.len() {
                let named = (1..=(words.len() - at).min(4))
                    .rev()
                    .find_map(|n| by_label(&words[at..at + n].join(" ")).map(|p| (n, p)));
                match named {
                    Some((n, prop)) => {
                        columns.push(Column { prop: Some(prop) });
                        at += n;
                    }
                    None => {
                        if columns.last().is_none_or(|c| c.prop.is_some()) {
                            columns.push(Column { prop: None });
                        }
                        at += 1;
                    }
                }
            }
            columns
        }
    };
    let named: Vec<&str> = columns.iter().filter_map(|c| c.prop.map(|p| p.0)).collect();
    let distinct = named.iter().enumerate().all(|(i, k)| !named[..i].contains(k));
    (!named.is_empty() && distinct).then_some(columns)
}

/// One table row's values by property, or None when the line does not fit the columns
/// (too few cells, or a number column without a number).
fn row<'s>(line: &str, columns: &[Column<'s>], language: &Language) -> Option<Vec<(&'s str, Value)>> {
    let texts: Vec<String> = match Cells::of_row(line) {
        Some(cells) if cells.len() == columns.len() => cells.into_iter().map(str::to_owned).collect(),
        _ => split_by_types(line, columns)?,
    };
    let mut values = Vec::new();
    for (column, text) in columns.iter().zip(&texts) {
        let Some((key, schema)) = column.prop else { continue };
        match coerce(text, schema, language) {
            Some(value) => values.push((key, value)),
            None if matches!(kind(schema), Kind::Number | Kind::Integer) => return None,
            None => values.push((key, Value::Null)),
        }
    }
    Some(values)
}

/// Splits a single-spaced row: every column takes one word, except the first text column,
/// which takes what the others leave ("Consulting services 10 150.00" → 3 cells).
fn split_by_types(line: &str, columns: &[Column]) -> Option<Vec<String>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() < columns.len() {
        return None;
    }
    let is_text = |c: &Column| c.prop.is_some_and(|(_, s)| !matches!(kind(s), Kind::Number | Kind::Integer));
    let wide = columns.iter().position(is_text).unwrap_or(0);
    let after = columns.len() - wide - 1;
    let mut texts: Vec<String> = words[..wide].iter().map(|w| w.to_string()).collect();
    texts.push(words[wide..words.len() - after].join(" "));
    texts.extend(words[words.len() - after..].iter().map(|w| w.to_string()));
    Some(texts)
}
