//! Extract: fills a JSON Schema from the labelled values in a document's text, with no model.
//!
//! For each property the engine looks for a line labelled with the property's name, its
//! `description`, or a synonym of the name (the synonyms of [`vocabulary`]: "Amount Due" for `total`, "Bill To"
//! for `customer_name`; case, `_`, `-` and camelCase insensitive; "No"/"#" read as "number",
//! a trailing currency code ignored): `Label: value`, `Label value`, the value in the next cell
//! of a table row, the value below the label in the same column (a row of labels over a row of
//! values), or a line that is only the label with the value on the next line. A checkbox line
//! (`[X] I agree`) answers a boolean. Exact labels win over labels that merely end with the
//! name ("Invoice Date" for `date`). A value that is itself a label is never taken. A name of
//! the document's issuer (`vendor_name`, `store_name`) that no label gives is its letterhead:
//! the first short line at the top of the first page that is not the document's title; the
//! document's own date (`invoice_date`, `date`) that no label gives is a date standing alone in
//! its header. The
//! value is coerced to the property's type: numbers lose currency signs and thousands
//! separators, booleans read yes/no/true/false, `format: date` becomes YYYY-MM-DD, an `enum`
//! gives the matching member. A value that does not coerce is skipped and the search goes on;
//! nothing found is null. Objects are filled recursively, searching first
//! after a line labelled with the object's name; arrays of objects come from table rows
//! under a header whose columns name the item's properties.
//!
//! Every found value remembers the block it came from, which becomes its citation.

//!
//! The module's parts: [`vocabulary`] (the words documents use), [`layout`] (lines, cells and
//! blocks), [`search`] (a field's value), [`table`] (arrays of objects), [`coerce`] (typed
//! values) and [`schema`] (the schema's kinds and the filled tree); this file walks the schema.

mod coerce;
mod layout;
mod schema;
mod search;
mod table;
pub(crate) mod vocabulary;

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use self::coerce::{coerce, identifier, written_number};
use self::layout::{lines_of, Line};
use self::schema::{kind, properties, resolve, Kind, Node};
use self::search::find;
use self::table::table;
use self::vocabulary::{is_days, language_of, normalize, Field, Language, Match};
use super::ocr::HIGH_CONFIDENCE;
use super::{Document, KeepGoing, Stopped};

/// What an extract run gives back: the filled schema and how many fields have a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// With citations, each leaf is `{value, citations: [{type, content, bbox, confidence}]}`.
    pub value: Value,
    pub num_fields: u32,
}

/// Fills `schema` from `document`, asking `keep_going` before each field.
pub fn extract(
    document: &Document,
    schema: &Map<String, Value>,
    citations: bool,
    keep_going: KeepGoing,
) -> Result<Extracted, Stopped> {
    let reading = Reading::of(document);
    let root = resolve(schema);
    let node = match kind(root) {
        Kind::Object => fill_object(root, &reading, 0, keep_going)?,
        // A non-object root is filled as one unnamed property.
        _ => fill(&Field::new("value", root), root, &[], &reading, 0, keep_going)?,
    };
    let mut num_fields = 0;
    let value = node.render(citations, &mut num_fields);
    Ok(Extracted { value, num_fields })
}

/// The document as extract reads it: its lines, and the conventions of its dates and amounts,
/// told once from all its text.
struct Reading<'a> {
    lines: Vec<Line<'a>>,
    /// Decides how dates and numbers are read (02/01/2020, 1.234).
    language: &'static Language,
    /// How its amounts are written (see [`Decimals::of`]).
    decimals: Decimals,
    /// The words OCR was unsure of everywhere it read them (see [`unsure_words`]).
    unsure: HashSet<&'a str>,
}

impl<'a> Reading<'a> {
    fn of(document: &'a Document) -> Reading<'a> {
        let lines = lines_of(document);
        let language = language_of(lines.iter().flat_map(|line| line.text.split_whitespace()));
        let decimals = Decimals::of(&lines, language);
        Reading { lines, language, decimals, unsure: unsure_words(document) }
    }

    /// Whether an amount is misread: written with more decimals than the document's amounts
    /// have when most agree, two in three of at least three ("TOTAL 110,006": OCR took the "€"
    /// of "110,00€" for a 6), or with none where OCR was unsure of it and the document writes
    /// its amounts with decimals ("TOTAL 1940" for "19,40": the comma lost).
    fn is_misread_amount(&self, raw: &str) -> bool {
        let Some((_, written)) = written_number(raw, self.language.decimal_comma) else { return false };
        let too_precise = self.decimals.usual.is_some_and(|usual| written > usual);
        let comma_lost = written == 0 && self.decimals.any && !self.is_sure(raw);
        too_precise || comma_lost
    }

    /// Whether OCR read every word of `raw` surely: a value is never taken from a guess.
    fn is_sure(&self, raw: &str) -> bool {
        self.unsure.is_empty() || !raw.split_whitespace().any(|word| self.unsure.contains(word))
    }
}

/// The words OCR read with a confidence under [`HIGH_CONFIDENCE`] and nowhere more surely:
/// Tesseract's guesses at a logo ("TT"), a stain, or an amount whose comma it lost ("1940" for
/// "19,40").
fn unsure_words(document: &Document) -> HashSet<&str> {
    let words = &document.ocr.words;
    let sure: HashSet<&str> =
        words.iter().filter(|w| w.confidence >= HIGH_CONFIDENCE).map(|w| w.text.as_str()).collect();
    words
        .iter()
        .filter(|w| w.confidence < HIGH_CONFIDENCE && !sure.contains(w.text.as_str()))
        .map(|w| w.text.as_str())
        .collect()
}

/// The most properties a schema may have, counted at every level: each is looked for on
/// every line, beside every other's labels, so the work grows with their square.
pub const MAX_SCHEMA_PROPERTIES: usize = 1_000;
/// The deepest a schema may nest objects and arrays.
pub const MAX_SCHEMA_DEPTH: usize = 16;
/// The most members one `enum` may list.
pub const MAX_ENUM_MEMBERS: usize = 1_000;

/// What is wrong with a schema this engine cannot fill, if anything: `properties` must map
/// names to schemas, and the schema must be within the limits above, so that a request that
/// would take the worker for minutes is refused before any work starts.
pub fn check_schema(schema: &Map<String, Value>) -> Option<String> {
    let mut properties = 0;
    // (schema, its depth): a loop, not a recursion, however the schema nests.
    let mut pending = vec![(schema, 1)];
    while let Some((schema, depth)) = pending.pop() {
        if depth > MAX_SCHEMA_DEPTH {
            return Some(format!(
                "The schema nests objects and arrays more than {MAX_SCHEMA_DEPTH} levels deep"
            ));
        }
        if let Some(Value::Array(members)) = schema.get("enum") {
            if members.len() > MAX_ENUM_MEMBERS {
                return Some(format!(
                    "An enum of the schema lists {} members, more than the {MAX_ENUM_MEMBERS} allowed",
                    members.len()
                ));
            }
        }
        match schema.get("properties") {
            None => {}
            Some(Value::Object(props)) => {
                properties += props.len();
                if properties > MAX_SCHEMA_PROPERTIES {
                    return Some(format!(
                        "The schema has more than {MAX_SCHEMA_PROPERTIES} properties, the most the local engine fills"
                    ));
                }
                for (name, sub) in props {
                    let Value::Object(sub) = sub else {
                        return Some(format!(
                            "The schema of property '{name}' must be an object (a JSON Schema)"
                        ));
                    };
                    pending.push((sub, depth + 1));
                }
            }
            Some(_) => return Some("'properties' must be an object mapping names to JSON Schemas".into()),
        }
        if let Some(Value::Object(items)) = schema.get("items") {
            pending.push((items, depth + 1));
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(options)) = schema.get(key) {
                pending.extend(options.iter().filter_map(Value::as_object).map(|option| (option, depth)));
            }
        }
    }
    None
}

fn fill_object<'a>(
    schema: &Map<String, Value>,
    reading: &Reading<'a>,
    from: usize,
    keep_going: KeepGoing,
) -> Result<Node<'a>, Stopped> {
    let props = properties(schema);
    let fields: Vec<Field> = props.iter().map(|(k, s)| Field::new(k, s)).collect();
    let siblings: Vec<&str> = fields.iter().flat_map(|f| f.labels.iter().map(String::as_str)).collect();
    let filled = props
        .iter()
        .zip(&fields)
        .map(|((key, sub), field)| {
            Ok((key.to_string(), fill(field, sub, &siblings, reading, from, keep_going)?))
        })
        .collect::<Result<_, Stopped>>()?;
    Ok(Node::Object(filled))
}

/// Fills one property, searching from line `from` to the end and then from the start.
fn fill<'a>(
    field: &Field,
    schema: &Map<String, Value>,
    siblings: &[&str],
    reading: &Reading<'a>,
    from: usize,
    keep_going: KeepGoing,
) -> Result<Node<'a>, Stopped> {
    keep_going()?;
    let (lines, language) = (&reading.lines[..], reading.language);
    let order: Vec<usize> = (from..lines.len()).chain(0..from.min(lines.len())).collect();
    Ok(match kind(schema) {
        Kind::Object => {
            // A nested object's fields are looked for after its heading ("Shipping Address").
            let heading = order.iter().copied().find(|&i| {
                let text = lines[i].text;
                field.matches(text.strip_suffix(':').unwrap_or(text)) >= Match::Synonym
                    || text.split_once(':').is_some_and(|(label, _)| field.matches(label) >= Match::Synonym)
            });
            fill_object(schema, reading, heading.unwrap_or(from), keep_going)?
        }
        Kind::Array => {
            let items = schema.get("items").and_then(Value::as_object).map(resolve);
            match items {
                Some(items) if kind(items) == Kind::Object => table(items, lines, language, &order),
                _ => {
                    let item = items.cloned().unwrap_or_default();
                    let found = find(field, siblings, lines, &order, false, |raw| {
                        let parts: Vec<Value> = raw
                            .split([',', ';'])
                            .map(str::trim)
                            .filter(|p| !p.is_empty())
                            .filter_map(|p| coerce(p, &item, language))
                            .collect();
                        (!parts.is_empty()).then_some(Value::Array(parts))
                    });
                    found.map_or(Node::Leaf(Value::Null, None), |(v, b)| Node::Leaf(v, Some(b)))
                }
            }
        }
        _ if field.is_identifier() && schema.get("enum").is_none() && kind(schema) == Kind::String => {
            // An invoice, order or customer number is a code with digits in it. A code that
            // reads as a date is the number only under the field's own or strongest labels
            // ("Numer faktury" over "2/11/2023", as Polish invoices number them); under a
            // title ("Facture du 11/12/2022") it is when, not which.
            let code = |dated: bool| {
                move |raw: &str| identifier(raw, dated).and_then(|code| coerce(code, schema, language))
            };
            let found = field
                .strongest()
                .and_then(|strongest| find(&strongest, siblings, lines, &order, false, code(true)))
                .or_else(|| find(field, siblings, lines, &order, false, code(false)));
            found.map_or(Node::Leaf(Value::Null, None), |(v, b)| Node::Leaf(v, Some(b)))
        }
        _ => {
            let amount = matches!(kind(schema), Kind::Number | Kind::Integer);
            // A name or a text has no type to catch OCR's guesses ("TT" for a logo).
            let text = kind(schema) == Kind::String
                && schema.get("format").is_none()
                && !schema.contains_key("enum");
            let found = find(field, siblings, lines, &order, amount, |raw| {
                let misread = (amount && (reading.is_misread_amount(raw) || counts_days(raw)))
                    || (text && !reading.is_sure(raw));
                coerce(raw, schema, language).filter(|_| !misread)
            });
            found.map_or(Node::Leaf(Value::Null, None), |(v, b)| Node::Leaf(v, Some(b)))
        }
    })
}

/// Whether an amount's text counts days: "Zahlbar innerhalb 30 Tagen", "Payable within 30
/// days" is a payment term, not what is payable.
fn counts_days(raw: &str) -> bool {
    let normalized = normalize(raw);
    let words: Vec<&str> = normalized.split(' ').collect();
    let number = words.iter().position(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_digit()));
    number.and_then(|at| words.get(at + 1)).is_some_and(|word| is_days(word))
}

/// How a document writes its amounts, told once from its numbers with a decimal part (each
/// cell's first).
struct Decimals {
    /// Whether any number is written with decimals.
    any: bool,
    /// How many decimals, when most numbers agree (two in three, of at least three).
    usual: Option<usize>,
}

impl Decimals {
    fn of(lines: &[Line], language: &Language) -> Decimals {
        let mut counts = BTreeMap::<usize, usize>::new();
        let cells = lines.iter().flat_map(|line| line.text.split('\t'));
        for cell in cells.filter(|cell| cell.contains([',', '.'])) {
            if let Some((_, decimals @ 1..)) = written_number(cell, language.decimal_comma) {
                *counts.entry(decimals).or_default() += 1;
            }
        }
        let all: usize = counts.values().sum();
        let usual = counts
            .iter()
            .max_by_key(|&(_, n)| *n)
            .filter(|&(_, &most)| all >= 3 && most * 3 >= all * 2)
            .map(|(&decimals, _)| decimals);
        Decimals { any: all > 0, usual }
    }
}

#[cfg(test)]
mod tests;
