//! Extract: fills a JSON Schema from the labelled values in a document's text, with no model.
//!
//! For each property the engine looks for a line labelled with the property's name, its
//! `description`, or a synonym of the name ([`SYNONYMS`]: "Amount Due" for `total`, "Bill To"
//! for `customer_name`; case, `_`, `-` and camelCase insensitive; "No"/"#" read as "number",
//! a trailing currency code ignored): `Label: value`, `Label value`, the value in the next cell
//! of a table row, the value below the label in the same column (a row of labels over a row of
//! values), or a line that is only the label with the value on the next line. A checkbox line
//! (`[X] I agree`) answers a boolean. Exact labels win over labels that merely end with the
//! name ("Invoice Date" for `date`). A value that is itself a label is never taken. A name of
//! the document's issuer (`vendor_name`, `store_name`) that no label gives is its letterhead:
//! the first short line at the top of the first page that is not the document's title. The
//! value is coerced to the property's type: numbers lose currency signs and thousands
//! separators, booleans read yes/no/true/false, `format: date` becomes YYYY-MM-DD, an `enum`
//! gives the matching member. A value that does not coerce is skipped and the search goes on;
//! nothing found is null. Objects are filled recursively, searching first
//! after a line labelled with the object's name; arrays of objects come from table rows
//! under a header whose columns name the item's properties.
//!
//! Every found value remembers the block it came from, which becomes its citation.

use serde_json::{json, Map, Number, Value};

use super::{Block, BlockType, Document, KeepGoing, Stopped};

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
    let lines: Vec<Line> = document
        .pages
        .iter()
        .flat_map(|p| &p.blocks)
        .flat_map(|block| {
            let rows = block.content.lines().count();
            block
                .content
                .lines()
                .enumerate()
                .map(|(row, text)| (row, text.trim()))
                .filter(|(_, t)| !t.is_empty())
                .map(move |(row, text)| Line { text, block, row, rows })
        })
        .collect();
    let root = resolve(schema);
    let node = match kind(root) {
        Kind::Object => fill_object(root, &lines, 0, keep_going)?,
        // A non-object root is filled as one unnamed property.
        _ => fill(&Field::new("value", root), root, &[], &lines, 0, keep_going)?,
    };
    let mut num_fields = 0;
    let value = node.render(citations, &mut num_fields);
    Ok(Extracted { value, num_fields })
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

/// One line of text, the block it belongs to, and which of the block's lines it is.
struct Line<'a> {
    text: &'a str,
    block: &'a Block,
    row: usize,
    rows: usize,
}

impl Line<'_> {
    /// The middle of the line, from the top of the page (its block's height shared evenly).
    fn middle(&self) -> f64 {
        self.block.bbox.top + self.height() * (self.row as f64 + 0.5)
    }

    fn height(&self) -> f64 {
        self.block.bbox.height / self.rows.max(1) as f64
    }
}

/// A filled schema before rendering; leaves keep their source block for citations.
enum Node<'a> {
    Leaf(Value, Option<&'a Block>),
    Object(Vec<(String, Node<'a>)>),
    Array(Vec<Node<'a>>),
}

impl Node<'_> {
    fn render(&self, citations: bool, count: &mut u32) -> Value {
        match self {
            Node::Leaf(value, source) => {
                if !value.is_null() {
                    *count += 1;
                }
                if !citations {
                    return value.clone();
                }
                let cited = source.map(|b| {
                    json!({"type": b.kind, "content": b.content, "bbox": b.bbox, "confidence": b.confidence})
                });
                json!({"value": value, "citations": cited.into_iter().collect::<Vec<_>>()})
            }
            Node::Object(fields) => {
                Value::Object(fields.iter().map(|(k, n)| (k.clone(), n.render(citations, count))).collect())
            }
            Node::Array(items) => Value::Array(items.iter().map(|n| n.render(citations, count)).collect()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
}

/// The schema that describes the value: the first non-null branch of an `anyOf`/`oneOf`.
fn resolve(schema: &Map<String, Value>) -> &Map<String, Value> {
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            let concrete =
                branches.iter().filter_map(Value::as_object).find(|b| b.get("type") != Some(&json!("null")));
            if let Some(branch) = concrete {
                return resolve(branch);
            }
        }
    }
    schema
}

fn kind(schema: &Map<String, Value>) -> Kind {
    let named = match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    };
    match named {
        Some("number") => Kind::Number,
        Some("integer") => Kind::Integer,
        Some("boolean") => Kind::Boolean,
        Some("object") => Kind::Object,
        Some("array") => Kind::Array,
        Some(_) => Kind::String,
        None if schema.contains_key("properties") => Kind::Object,
        None if schema.contains_key("items") => Kind::Array,
        None => Kind::String,
    }
}

/// Other labels that name a property in business documents, by the property's normalized name.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "invoice number",
        &[
            "invoice id",
            "inv",
            "inv number",
            "reference",
            "reference number",
            "ref",
            "statement number",
            "bill number",
            "credit note number",
        ],
    ),
    (
        "invoice date",
        &["date", "issued", "issue date", "date of issue", "billing date", "dated", "invoice dated"],
    ),
    ("date", &["date of purchase", "purchased", "purchase date", "transaction date"]),
    ("order date", &["date", "po date", "purchase date"]),
    (
        "total",
        &[
            "amount due",
            "balance due",
            "grand total",
            "total due",
            "total amount",
            "amount payable",
            "order total",
            "total paid",
            "amount paid",
            "invoice total",
            "total payable",
        ],
    ),
    ("po number", &["p o number", "purchase order number", "order number"]),
    ("vendor name", &["vendor", "supplier", "seller", "from", "sold by", "issued by", "supplier name"]),
    ("vendor", &["supplier", "seller", "from", "sold by", "issued by"]),
    (
        "customer name",
        &["customer", "bill to", "billed to", "sold to", "client", "invoice to", "buyer", "client name"],
    ),
    ("customer", &["bill to", "billed to", "sold to", "client", "invoice to", "buyer"]),
    ("date of birth", &["dob", "birth date", "born"]),
    ("full name", &["name"]),
    ("store name", &["store", "merchant", "shop"]),
];

/// Words that name who issued a document: such a field falls back to the letterhead.
const ISSUER_WORDS: &[&str] =
    &["vendor", "supplier", "seller", "store", "merchant", "company", "issuer", "shop"];

/// The most words a letterhead's name has ("Harbor Lane Studio", "Pinnacle IT Services Ltd").
const MAX_NAME_WORDS: usize = 6;

/// What a document calls itself; a letterhead is not one of these.
const DOCUMENT_TITLES: &[&str] = &[
    "invoice",
    "tax invoice",
    "receipt",
    "sales receipt",
    "credit note",
    "purchase order",
    "account statement",
    "statement",
    "bill",
    "quote",
    "quotation",
    "order",
];

/// Currency codes a label may end with ("Total (EUR)").
const CURRENCY_CODES: &[&str] = &["eur", "usd", "gbp", "chf", "cad", "aud", "jpy"];

/// How well a label written in a document names a field, best first.
const OWN: u8 = 3;
const SYNONYM: u8 = 2;
const ENDS_WITH: u8 = 1;

/// A property and the labels that name it in a document (normalized, see [`normalize`]): its
/// own (name, title, short description) first, then its synonyms.
struct Field {
    labels: Vec<String>,
    /// How many of `labels` are its own.
    own: usize,
    /// Whether it names the document's issuer (see [`ISSUER_WORDS`]).
    issuer: bool,
}

impl Field {
    fn new(key: &str, schema: &Map<String, Value>) -> Field {
        let name = normalize(key);
        let issuer = name.split(' ').any(|w| ISSUER_WORDS.contains(&w));
        let mut labels = vec![name.clone()];
        for extra in ["title", "description"] {
            if let Some(text) = schema.get(extra).and_then(Value::as_str) {
                let label = normalize(text);
                let label = label.strip_prefix("the ").unwrap_or(&label).to_owned();
                // Long descriptions are explanations, not labels.
                if !label.is_empty() && label.split(' ').count() <= 6 && !labels.contains(&label) {
                    labels.push(label);
                }
            }
        }
        labels.retain(|l| !l.is_empty());
        let own = labels.len();
        for (_, synonyms) in SYNONYMS.iter().filter(|(of, _)| *of == name) {
            for synonym in synonyms.iter().map(|s| s.to_string()) {
                if !labels.contains(&synonym) {
                    labels.push(synonym);
                }
            }
        }
        Field { labels, own, issuer }
    }

    /// The labels of one match level: its own for [`OWN`], its synonyms for [`SYNONYM`].
    fn labels_at(&self, level: u8) -> &[String] {
        match level {
            OWN => &self.labels[..self.own],
            _ => &self.labels[self.own..],
        }
    }

    /// How well a label written in the document names this field: [`OWN`] or [`SYNONYM`]
    /// exactly, [`ENDS_WITH`] when it ends with one of the field's labels ("Invoice Date" for
    /// `date`), 0 not at all.
    fn matches(&self, written: &str) -> u8 {
        // "Total (EUR)" names `total`; "Total (EUR 7" is a label cut short of its value.
        let balanced = written.matches('(').count() == written.matches(')').count();
        let mut written = normalize(written);
        if let Some((rest, last)) = written.rsplit_once(' ') {
            if balanced && CURRENCY_CODES.contains(&last) {
                written = rest.to_owned();
            }
        }
        if written.is_empty() {
            return 0;
        }
        match self.labels.iter().position(|l| *l == written) {
            Some(at) if at < self.own => OWN,
            Some(_) => SYNONYM,
            None if self.labels.iter().any(|l| written.ends_with(&format!(" {l}"))) => ENDS_WITH,
            None => 0,
        }
    }
}

fn properties(schema: &Map<String, Value>) -> Vec<(&str, &Map<String, Value>)> {
    let Some(Value::Object(props)) = schema.get("properties") else { return Vec::new() };
    props.iter().filter_map(|(k, v)| Some((k.as_str(), resolve(v.as_object()?)))).collect()
}

fn fill_object<'a>(
    schema: &Map<String, Value>,
    lines: &[Line<'a>],
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
            Ok((key.to_string(), fill(field, sub, &siblings, lines, from, keep_going)?))
        })
        .collect::<Result<_, Stopped>>()?;
    Ok(Node::Object(filled))
}

/// Fills one property, searching from line `from` to the end and then from the start.
fn fill<'a>(
    field: &Field,
    schema: &Map<String, Value>,
    siblings: &[&str],
    lines: &[Line<'a>],
    from: usize,
    keep_going: KeepGoing,
) -> Result<Node<'a>, Stopped> {
    keep_going()?;
    let order: Vec<usize> = (from..lines.len()).chain(0..from.min(lines.len())).collect();
    Ok(match kind(schema) {
        Kind::Object => {
            // A nested object's fields are looked for after its heading ("Shipping Address").
            let heading = order.iter().copied().find(|&i| {
                let text = lines[i].text;
                field.matches(text.strip_suffix(':').unwrap_or(text)) >= SYNONYM
                    || text.split_once(':').is_some_and(|(label, _)| field.matches(label) >= SYNONYM)
            });
            fill_object(schema, lines, heading.unwrap_or(from), keep_going)?
        }
        Kind::Array => {
            let items = schema.get("items").and_then(Value::as_object).map(resolve);
            match items {
                Some(items) if kind(items) == Kind::Object => table(items, lines, &order),
                _ => {
                    let item = items.cloned().unwrap_or_default();
                    let found = find(field, siblings, lines, &order, |raw| {
                        let parts: Vec<Value> = raw
                            .split([',', ';'])
                            .map(str::trim)
                            .filter(|p| !p.is_empty())
                            .filter_map(|p| coerce(p, &item))
                            .collect();
                        (!parts.is_empty()).then_some(Value::Array(parts))
                    });
                    found.map_or(Node::Leaf(Value::Null, None), |(v, b)| Node::Leaf(v, Some(b)))
                }
            }
        }
        _ => {
            let found = find(field, siblings, lines, &order, |raw| coerce(raw, schema));
            found.map_or(Node::Leaf(Value::Null, None), |(v, b)| Node::Leaf(v, Some(b)))
        }
    })
}

/// The first labelled value for `field` that `coerce` accepts: exact labels first, then
/// labels that end with the field's; then, for a name of the issuer, the letterhead.
fn find<'a>(
    field: &Field,
    siblings: &[&str],
    lines: &[Line<'a>],
    order: &[usize],
    coerce: impl Fn(&str) -> Option<Value>,
) -> Option<(Value, &'a Block)> {
    let value_of = |raw: &str| (!raw.is_empty() && !is_label(raw, siblings)).then(|| coerce(raw)).flatten();
    let is_amount = |raw: &str| matches!(coerce(raw), Some(Value::Number(_)));
    for wanted in [OWN, SYNONYM, ENDS_WITH] {
        for &i in order {
            let line = &lines[i];
            if let Some(checked) = checkbox(field, wanted, line.text) {
                if let Some(value) = coerce(checked) {
                    return Some((value, line.block));
                }
            }
            let cells = row_cells(line.text);
            // The label and its value in the line, or in one cell of a row of several
            // ("Karl-Marx-Allee 90 | Bryggen 5 | Reference INV/24/1189").
            let in_cells = if cells.len() > 1 { &cells[1..] } else { &[][..] };
            for text in std::iter::once(&line.text).chain(in_cells) {
                if let Some(value) = labelled(field, wanted, text, siblings).and_then(value_of) {
                    return Some((value, line.block));
                }
            }
            // A cell of a table row that is the label: the value is the next cell, or the
            // cell below it (a row of labels over a row of values), or the next line.
            let Some(column) = cells.iter().position(|c| field.matches(c.trim_end_matches(':')) == wanted)
            else {
                continue;
            };
            if let Some(value) = cells.get(column + 1).and_then(|raw| value_of(raw)) {
                return Some((value, line.block));
            }
            if let Some(next) = lines.get(i + 1).filter(|next| is_under(line, next)) {
                let below = row_cells(next.text);
                let raw = match (cells.len(), below.len()) {
                    (1, _) => below[0],
                    // A table's column header ("Total" over each item's total) names no single
                    // amount: a number is read under its label only when no other follows.
                    (n, _) if n > 1 && amounts_go_on(lines, i + 1, n, column, &is_amount) => "",
                    (_, n) if n == cells.len() => below[column],
                    // A block's label first on a row of other pairs ("Bill To … Due Date
                    // April 13"), its name alone on the line under it.
                    (_, 1) if column == 0 => below[0],
                    _ => "",
                };
                if let Some(value) = value_of(raw) {
                    return Some((value, next.block));
                }
            }
            if column + 1 == cells.len() {
                if let Some((raw, block)) = beside(lines, i) {
                    if let Some(value) = value_of(raw) {
                        return Some((value, block));
                    }
                }
            }
        }
    }
    if field.issuer {
        return letterhead(lines).and_then(|(raw, block)| Some((coerce(raw)?, block)));
    }
    None
}

/// Whether the row of `width` cells at `row` is followed, right under it, by a row as wide with
/// another amount in `column`: then the label above heads a table's column of amounts.
fn amounts_go_on(
    lines: &[Line],
    row: usize,
    width: usize,
    column: usize,
    is_amount: impl Fn(&str) -> bool,
) -> bool {
    let (Some(values), Some(after)) = (lines.get(row), lines.get(row + 1)) else { return false };
    let cells = row_cells(after.text);
    cells.len() == width && is_under(values, after) && is_amount(cells[column])
}

/// A line's cells in place, empty ones kept so that columns line up with the row above (the
/// readers mark a cell boundary with a tab).
fn row_cells(text: &str) -> Vec<&str> {
    text.split('\t').map(str::trim).collect()
}

/// Whether `next` is the line right under `line`: in the same block, or first in a block that
/// starts where `line`'s ends, aligned with it (a value the PDF set apart from its label).
fn is_under(line: &Line, next: &Line) -> bool {
    if std::ptr::eq(next.block, line.block) {
        return true;
    }
    let (above, below) = (&line.block.bbox, &next.block.bbox);
    next.row == 0
        && line.row + 1 == line.rows
        && above.page == below.page
        && (above.left - below.left).abs() < 0.02
        && (0.0..line.height() * 2.0).contains(&(below.top - (above.top + above.height)))
}

/// The first cell of the nearest line to the right of line `i`, on the same row of the page: a
/// value that the PDF's reading order put in another block (a column of its own).
fn beside<'a>(lines: &[Line<'a>], i: usize) -> Option<(&'a str, &'a Block)> {
    let label = &lines[i];
    let (page, right_of) = (label.block.bbox.page, label.block.bbox.left);
    lines
        .iter()
        .filter(|line| {
            line.block.bbox.page == page
                && line.block.bbox.left > right_of
                && !std::ptr::eq(line.block, label.block)
                && (line.middle() - label.middle()).abs() < label.height().min(line.height()) * 0.6
        })
        .min_by(|a, b| a.block.bbox.left.total_cmp(&b.block.bbox.left))
        .and_then(|line| Some((line.text.split('\t').next()?.trim(), line.block)))
}

/// Labels of business documents that are never a value ("Ship To" over an address, "Due Date"
/// beside "Bill To" on one row), besides those of [`SYNONYMS`].
const COMMON_LABELS: &[&str] = &[
    "to",
    "ship to",
    "remit to",
    "description",
    "quantity",
    "unit price",
    "amount",
    "subtotal",
    "tax",
    "vat",
    "due date",
    "payment terms",
    "terms",
    "ship date",
    "account number",
];

/// Whether `text` is itself a label: it ends with a colon, or is one of the fields' labels, a
/// label of the synonym table, or a common one.
fn is_label(text: &str, siblings: &[&str]) -> bool {
    let normalized = normalize(text);
    let known = |label: &str| label == normalized;
    text.ends_with(':')
        || siblings.contains(&normalized.as_str())
        || COMMON_LABELS.iter().any(|label| known(label))
        || SYNONYMS.iter().any(|(name, labels)| known(name) || labels.iter().any(|label| known(label)))
}

/// `[X] label` / `[ ] label` (or ☒/☐) lines: "yes" or "no" when the label names `field`.
fn checkbox(field: &Field, wanted: u8, line: &str) -> Option<&'static str> {
    let (state, rest) =
        [("[x]", "yes"), ("[X]", "yes"), ("☒", "yes"), ("☑", "yes"), ("[ ]", "no"), ("☐", "no")]
            .iter()
            .find_map(|(mark, state)| line.strip_prefix(mark).map(|rest| (*state, rest)))?;
    (field.matches(rest.trim()) == wanted).then_some(state)
}

/// The issuer's name at the top of the first page: the first cell there, headings first, that
/// has letters, is no label, no date and not the document's title ("INVOICE"), and is as short
/// as a name: the first sentence of a letter or an article is not an issuer.
fn letterhead<'a>(lines: &[Line<'a>]) -> Option<(&'a str, &'a Block)> {
    // A block's first line: a paragraph's later lines continue its text, they name no one.
    let at_top = |line: &&Line| line.block.bbox.page == 1 && line.block.bbox.top < 0.2 && line.row == 0;
    let heading = |line: &&Line| matches!(line.block.kind, BlockType::Title | BlockType::SectionHeader);
    // Top first: OCR gives a page's blocks column by column, not in reading order.
    let mut top: Vec<&Line> = lines.iter().filter(at_top).collect();
    top.sort_by(|a, b| a.block.bbox.top.total_cmp(&b.block.bbox.top));
    let headings = top.iter().filter(|line| heading(line));
    let others = top.iter().filter(|line| !heading(line));
    headings
        .chain(others)
        .flat_map(|line| line.text.split('\t').map(move |cell| (cell.trim(), line.block)))
        .find(|(cell, _)| {
            cell.chars().any(char::is_alphabetic)
                && cell.split_whitespace().count() <= MAX_NAME_WORDS
                && !cell.contains(':')
                && date(cell).is_none()
                && !DOCUMENT_TITLES.contains(&normalize(cell).as_str())
        })
}

/// The raw value on `line` if it is labelled for `field` at match level `wanted`:
/// `Label: value` (the label anywhere on the line for exact matches), `Label value`, or
/// the bare label (an empty value).
fn labelled<'l>(field: &Field, wanted: u8, line: &'l str, siblings: &[&str]) -> Option<&'l str> {
    if let Some((label, rest)) = line.split_once(':') {
        if label.chars().any(char::is_alphabetic) && field.matches(label) == wanted {
            return Some(cut_at_labels(rest.trim(), siblings));
        }
    }
    if wanted >= SYNONYM {
        // "... Invoice Number: 123" with other text before the label.
        let lower = line.to_ascii_lowercase();
        for label in field.labels_at(wanted) {
            let needle = format!("{label}:");
            if let Some(at) = lower.find(&needle) {
                let boundary = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
                if boundary {
                    return Some(cut_at_labels(line[at + needle.len()..].trim(), siblings));
                }
            }
        }
    }
    // "Label value": the line's first words are the label.
    let words: Vec<&str> = line.split_whitespace().collect();
    for n in (1..=words.len().min(6)).rev() {
        let label = words[..n].join(" ");
        if field.matches(label.trim_end_matches(['.', ':'])) == wanted {
            // The byte offset just past the n-th word.
            let end = words[n - 1].as_ptr() as usize - line.as_ptr() as usize + words[n - 1].len();
            return Some(cut_at_labels(line[end..].trim(), siblings));
        }
    }
    None
}

/// Cuts a value where its cell ends (a tab: a PDF's column gap) or where another field's
/// `Label:` starts on the same line ("123 Date: 2024-01-05" → "123").
fn cut_at_labels<'l>(value: &'l str, siblings: &[&str]) -> &'l str {
    let value = value.split('\t').next().unwrap_or_default();
    let lower = value.to_ascii_lowercase();
    let end =
        siblings.iter().filter_map(|label| lower.find(&format!(" {label}:"))).min().unwrap_or(value.len());
    value[..end].trim()
}

/// Lowercase words separated by single spaces; `_`, `-` and camelCase split words;
/// "no", "num", "nr" and "#" read as "number", "qty" as "quantity", "amt" as "amount".
fn normalize(text: &str) -> String {
    let mut spaced = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c.is_uppercase() && previous.is_some_and(char::is_lowercase) {
            spaced.push(' ');
        }
        if c == '#' {
            spaced.push_str(" # ");
        } else {
            spaced.push(c);
        }
        previous = Some(c);
    }
    spaced
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '#'))
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "no" | "num" | "nr" | "#" => "number",
            "qty" => "quantity",
            "amt" => "amount",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---- tables ----

/// A column of a table: the item property it fills (None for a column the schema lacks).
struct Column<'s> {
    prop: Option<(&'s str, &'s Map<String, Value>)>,
}

/// An array of objects from a table: a header line naming at least two of the item's
/// properties (or its only one), then one item per row until a row does not fit.
fn table<'a>(items: &Map<String, Value>, lines: &[Line<'a>], order: &[usize]) -> Node<'a> {
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
            match row(line.text, &columns) {
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

/// Cells of a line that has explicit column separators (tabs, `|`, or two spaces or more).
fn cells(line: &str) -> Option<Vec<&str>> {
    let cells: Vec<&str> = if line.contains('\t') || line.contains('|') {
        line.split(['\t', '|']).map(str::trim).filter(|c| !c.is_empty()).collect()
    } else {
        line.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()
    };
    (cells.len() >= 2).then_some(cells)
}

/// The columns of a header line, in order, or None if it names none of the properties.
fn header<'s>(
    line: &str,
    props: &[(&'s str, &'s Map<String, Value>)],
    fields: &[Field],
) -> Option<Vec<Column<'s>>> {
    let by_label = |label: &str| fields.iter().position(|f| f.matches(label) >= SYNONYM).map(|i| props[i]);
    let columns: Vec<Column> = match cells(line) {
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
fn row<'s>(line: &str, columns: &[Column<'s>]) -> Option<Vec<(&'s str, Value)>> {
    let texts: Vec<String> = match cells(line) {
        Some(cells) if cells.len() == columns.len() => cells.into_iter().map(str::to_owned).collect(),
        _ => split_by_types(line, columns)?,
    };
    let mut values = Vec::new();
    for (column, text) in columns.iter().zip(&texts) {
        let Some((key, schema)) = column.prop else { continue };
        match coerce(text, schema) {
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

// ---- coercion ----

/// The value of `raw` as the schema's type, or None if it is not one.
fn coerce(raw: &str, schema: &Map<String, Value>) -> Option<Value> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some(Value::Array(members)) = schema.get("enum") {
        return enum_member(raw, members);
    }
    match kind(schema) {
        Kind::Number => number(raw).and_then(Number::from_f64).map(Value::Number),
        Kind::Integer => number(raw).filter(|n| n.fract() == 0.0 && n.abs() < 9e15).map(|n| json!(n as i64)),
        Kind::Boolean => boolean(raw).map(Value::Bool),
        Kind::Object | Kind::Array => None,
        Kind::String => match schema.get("format").and_then(Value::as_str) {
            Some("date") => date(raw).map(Value::String),
            _ => Some(Value::String(raw.to_owned())),
        },
    }
}

fn enum_member(raw: &str, members: &[Value]) -> Option<Value> {
    let text = normalize(raw);
    let name = |m: &Value| match m {
        Value::String(s) => normalize(s),
        other => other.to_string(),
    };
    members
        .iter()
        .find(|m| name(m) == text)
        .or_else(|| {
            let padded = format!(" {text} ");
            members.iter().find(|m| !name(m).is_empty() && padded.contains(&format!(" {} ", name(m))))
        })
        .cloned()
}

/// The first number in the text: "$1,234.50" → 1234.5, "1.234,50 €" → 1234.5,
/// "(20.00)" → -20, "15%" → 15.
pub fn number(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let tail = &text[start..];
    // Digits, separators, and a space between digit groups ("1 865,73").
    let bytes = tail.as_bytes();
    let grouping_space = |at: usize| {
        at > 0
            && bytes[at - 1].is_ascii_digit()
            && bytes.len() >= at + 4
            && bytes[at + 1..at + 4].iter().all(u8::is_ascii_digit)
            && bytes.get(at + 4).is_none_or(|b| !b.is_ascii_digit())
    };
    let len = (0..bytes.len())
        .find(|&at| {
            !(bytes[at].is_ascii_digit()
                || bytes[at] == b','
                || bytes[at] == b'.'
                || (bytes[at] == b' ' && grouping_space(at)))
        })
        .unwrap_or(bytes.len());
    let spaced = tail[..len].trim_end_matches([',', '.']).replace(' ', "");
    let digits = spaced.as_str();
    let before = text[..start]
        .trim_end_matches(|c: char| c.is_whitespace() || "$€£¥".contains(c) || c.is_ascii_uppercase());
    // A hyphen right after a letter or digit joins a code ("A-24981"); it is not a minus.
    let minus = (before.ends_with('-') || before.ends_with('−'))
        && !before[..before.len() - 1].ends_with(|c: char| c.is_alphanumeric());
    let negative = minus || before.ends_with('(');
    let (commas, dots) = (digits.matches(',').count(), digits.matches('.').count());
    let plain = match (commas, dots) {
        (0, 0) => digits.to_owned(),
        (_, 0) if thousands(digits, ',') => digits.replace(',', ""),
        (1, 0) => digits.replace(',', "."),
        (0, _) if dots > 1 && thousands(digits, '.') => digits.replace('.', ""),
        (0, 1) => digits.to_owned(),
        _ => {
            // Both: the last separator is the decimal point.
            let decimal = if digits.rfind(',') > digits.rfind('.') { ',' } else { '.' };
            let grouping = if decimal == ',' { '.' } else { ',' };
            digits.replace(grouping, "").replace(decimal, ".")
        }
    };
    let value: f64 = plain.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Whether every group after the first has three digits ("1,234,567").
fn thousands(digits: &str, separator: char) -> bool {
    let mut groups = digits.split(separator);
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

fn boolean(text: &str) -> Option<bool> {
    let first = text.split(|c: char| c.is_whitespace() || c == ',' || c == '.').next()?.to_lowercase();
    match first.as_str() {
        "yes" | "y" | "true" | "checked" | "[x]" | "x" | "✓" | "✔" => Some(true),
        "no" | "n" | "false" | "unchecked" | "[ ]" | "none" => Some(false),
        _ => None,
    }
}

/// A date in a common written form as ISO `YYYY-MM-DD`: 2024-01-31, 2024/1/31, 01/31/2024
/// (month first unless the first number is over 12), 31.01.2024 (day first), January 31,
/// 2024, 31 Jan 2024, 31-Jan-24.
pub fn date(text: &str) -> Option<String> {
    let tokens: Vec<&str> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).take(4).collect();
    let num = |t: &str| -> Option<u32> {
        let digits = t.trim_end_matches(|c: char| c.is_alphabetic());
        let suffix = &t[digits.len()..];
        let ordinal = suffix.is_empty() || ["st", "nd", "rd", "th"].contains(&suffix.to_lowercase().as_str());
        (ordinal && !digits.is_empty() && digits.len() <= 4).then(|| digits.parse().ok()).flatten()
    };
    let year = |t: &str| -> Option<i32> {
        let all_digits = t.chars().all(|c| c.is_ascii_digit());
        match (t.len(), all_digits) {
            (4, true) => t.parse().ok(),
            (2, true) => t.parse::<i32>().ok().map(|y| if y < 70 { 2000 + y } else { 1900 + y }),
            _ => None,
        }
    };
    let month_name = |t: &str| -> Option<u32> {
        let t = t.to_lowercase();
        const MONTHS: [&str; 12] =
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
        if t.len() < 3 {
            return None;
        }
        let position = MONTHS.iter().position(|m| t.starts_with(m))?;
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ][position];
        (full.starts_with(&t) || t == "sept").then_some(position as u32 + 1)
    };
    let (y, m, d) = match tokens.as_slice() {
        [a, b, c, ..] if a.len() == 4 && a.chars().all(|c| c.is_ascii_digit()) => {
            (year(a)?, num(b).or_else(|| month_name(b))?, num(c)?)
        }
        [a, b, c, ..] if a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit()) => {
            let (a, b) = (num(a)?, num(b)?);
            let day_first = text.contains('.') || a > 12;
            let (m, d) = if day_first { (b, a) } else { (a, b) };
            (year(c)?, m, d)
        }
        [a, b, c, ..] => match (month_name(a), month_name(b)) {
            (Some(m), _) => (year(c)?, m, num(b)?),
            (None, Some(m)) => (year(c)?, m, num(a)?),
            _ => return None,
        },
        _ => return None,
    };
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::text;

    fn run(text: &str, schema: Value, citations: bool) -> Extracted {
        let document = text::read(text, false).unwrap();
        extract(&document, schema.as_object().unwrap(), citations, &|| Ok(())).unwrap()
    }

    #[test]
    fn a_stop_is_heard_at_the_next_field() {
        let document = text::read("Invoice Number: 7\nTotal: 12.50", false).unwrap();
        let schema =
            json!({"properties": {"invoice_number": {"type": "string"}, "total": {"type": "number"}}});
        let asked = std::cell::Cell::new(0);
        let stop_at_second = || {
            asked.set(asked.get() + 1);
            if asked.get() < 2 {
                Ok(())
            } else {
                Err(Stopped)
            }
        };
        assert_eq!(extract(&document, schema.as_object().unwrap(), false, &stop_at_second), Err(Stopped));
        assert_eq!(asked.get(), 2, "asked before each field, and stopped at the second");
    }

    #[test]
    fn schemas_past_the_limits_are_named() {
        let wide: Map<String, Value> =
            (0..=MAX_SCHEMA_PROPERTIES).map(|n| (format!("f{n}"), json!({}))).collect();
        let problem = check_schema(json!({"properties": wide}).as_object().unwrap()).unwrap();
        assert!(problem.contains("more than 1000 properties"), "{problem}");
        let mut deep = json!({"type": "string"});
        for _ in 0..MAX_SCHEMA_DEPTH {
            deep = json!({"type": "array", "items": deep});
        }
        let problem = check_schema(deep.as_object().unwrap()).unwrap();
        assert!(problem.contains("more than 16 levels deep"), "{problem}");
        let within = json!({"properties": {"kind": {"enum": vec!["a"; MAX_ENUM_MEMBERS]}}});
        assert_eq!(check_schema(within.as_object().unwrap()), None);
    }

    const INVOICE: &str = "ACME Corporation\n\
        INVOICE\n\n\
        Invoice No.: INV-2024-001\n\
        Invoice Date: March 5th, 2024\n\
        Due date: 04/05/2024\n\
        Paid: no\n\
        Currency: usd\n\n\
        Bill To\n\
        Name: Jane Doe\n\
        City: Springfield\n\n\
        Description  Qty  Unit Price  Amount\n\
        Consulting services  10  $150.00  $1,500.00\n\
        Materials  1  75.00  75.00\n\
        Subtotal: 1,575.00\n\
        Total $1,575.00";

    fn invoice_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "invoice_number": {"type": "string"},
                "invoiceDate": {"type": "string", "format": "date"},
                "due": {"type": "string", "format": "date", "description": "Due date"},
                "paid": {"type": "boolean"},
                "currency": {"type": "string", "enum": ["EUR", "USD"]},
                "total": {"type": "number"},
                "po_number": {"type": ["string", "null"]},
                "bill_to": {"type": "object", "properties": {"name": {"type": "string"}, "city": {"type": "string"}}},
                "line_items": {"type": "array", "items": {"type": "object", "properties": {
                    "description": {"type": "string"},
                    "quantity": {"type": "integer"},
                    "amount": {"type": "number"}
                }}}
            }
        })
    }

    #[test]
    fn an_invoice_fills_its_schema_with_typed_values() {
        let out = run(INVOICE, invoice_schema(), false);
        assert_eq!(
            out.value,
            json!({
                "invoice_number": "INV-2024-001",
                "invoiceDate": "2024-03-05",
                "due": "2024-04-05",
                "paid": false,
                "currency": "USD",
                "total": 1575.0,
                "po_number": null,
                "bill_to": {"name": "Jane Doe", "city": "Springfield"},
                "line_items": [
                    {"description": "Consulting services", "quantity": 10, "amount": 1500.0},
                    {"description": "Materials", "quantity": 1, "amount": 75.0}
                ]
            })
        );
        assert_eq!(out.num_fields, 14);
    }

    #[test]
    fn citations_wrap_each_leaf_with_its_block() {
        let out = run(INVOICE, invoice_schema(), true);
        let total = &out.value["total"];
        assert_eq!(total["value"], 1575.0);
        let cite = &total["citations"][0];
        assert_eq!(cite["type"], "Text");
        assert_eq!(cite["confidence"], "high");
        assert_eq!(cite["bbox"]["page"], 1);
        assert!(cite["content"].as_str().unwrap().contains("Total $1,575.00"));
        assert_eq!(out.value["po_number"], json!({"value": null, "citations": []}));
        assert_eq!(out.value["line_items"][1]["amount"]["value"], 75.0);
    }

    #[test]
    fn single_spaced_tables_split_by_column_types() {
        let text =
            "Description Qty Unit Price Amount\nConsulting services 10 150.00 1,500.00\nTotal due 1,500.00";
        let schema = json!({"properties": {"items": {"type": "array", "items": {"properties": {
            "description": {"type": "string"}, "qty": {"type": "integer"}, "amount": {"type": "number"}
        }}}}});
        let out = run(text, schema, false);
        assert_eq!(
            out.value["items"],
            json!([{"description": "Consulting services", "qty": 10, "amount": 1500.0}])
        );
    }

    #[test]
    fn labels_match_descriptions_and_values_are_cut_at_the_next_label() {
        let text = "Policy #: P-77 Holder: Bob\nThe insured amount is large\nCoverage limit\n€ 2.500,75";
        let schema = json!({"properties": {
            "policy": {"type": "string", "description": "Policy number"},
            "holder": {"type": "string"},
            "limit": {"type": "number", "description": "Coverage limit"}
        }});
        let out = run(text, schema, false);
        assert_eq!(out.value, json!({"policy": "P-77", "holder": "Bob", "limit": 2500.75}));
    }

    #[test]
    fn numbers_dates_and_booleans_coerce() {
        assert_eq!(number("$1,234.50"), Some(1234.5));
        assert_eq!(number("1.234,50 EUR"), Some(1234.5));
        assert_eq!(number("(20.00)"), Some(-20.0));
        assert_eq!(number("-$5"), Some(-5.0));
        assert_eq!(number("(EUR 7 600,50)"), Some(-7600.5));
        assert_eq!(number("EUR 1 865,73"), Some(1865.73));
        assert_eq!(number("-EUR 4 215,22"), Some(-4215.22));
        assert_eq!(number("A-24981"), Some(24981.0), "a hyphen after a letter is not a minus");
        assert_eq!(number("1,028.93 USD"), Some(1028.93));
        assert_eq!(number("1,5"), Some(1.5));
        assert_eq!(number("none"), None);
        assert_eq!(date("2024-01-31").as_deref(), Some("2024-01-31"));
        assert_eq!(date("31/01/2024").as_deref(), Some("2024-01-31"));
        assert_eq!(date("01/31/2024").as_deref(), Some("2024-01-31"));
        assert_eq!(date("31.01.24").as_deref(), Some("2024-01-31"));
        assert_eq!(date("Jan 31, 2024").as_deref(), Some("2024-01-31"));
        assert_eq!(date("31 January 2024 (net 30)").as_deref(), Some("2024-01-31"));
        assert_eq!(date("31-Jan-2024").as_deref(), Some("2024-01-31"));
        assert_eq!(date("2023-02-29"), None);
        assert_eq!(date("soon"), None);
        assert_eq!(boolean("Yes, signed"), Some(true));
        assert_eq!(boolean("FALSE"), Some(false));
        assert_eq!(boolean("maybe"), None);
    }
}
