//! The words documents use: the labels that name each field in business documents, the words
//! that name an issuer, a document's own titles, and the labels that are never a value; how a
//! label written in a document matches a field ([`Field`], [`Match`]); and [`normalize`], which
//! every comparison goes through.

use serde_json::{Map, Value};

/// Other labels that name a property in business documents, by the property's normalized name.
pub const SYNONYMS: &[(&str, &[&str])] = &[
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
pub const ISSUER_WORDS: &[&str] =
    &["vendor", "supplier", "seller", "store", "merchant", "company", "issuer", "shop"];

/// The most words a letterhead's name has ("Harbor Lane Studio", "Pinnacle IT Services Ltd").
pub const MAX_NAME_WORDS: usize = 6;

/// What a document calls itself; a letterhead is not one of these.
pub const DOCUMENT_TITLES: &[&str] = &[
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
pub const CURRENCY_CODES: &[&str] = &["eur", "usd", "gbp", "chf", "cad", "aud", "jpy"];

/// How well a label written in a document names a field, worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    None,
    /// The label ends with one of the field's ("Invoice Date" for `date`).
    EndsWith,
    /// One of the field's synonyms ("Amount Due" for `total`).
    Synonym,
    /// The field's own name, title or short description.
    Own,
}

/// A property and the labels that name it in a document (normalized, see [`normalize`]): its
/// own (name, title, short description) first, then its synonyms.
pub struct Field {
    pub labels: Vec<String>,
    /// How many of `labels` are its own.
    own: usize,
    /// Whether it names the document's issuer (see [`ISSUER_WORDS`]).
    pub issuer: bool,
}

impl Field {
    pub fn new(key: &str, schema: &Map<String, Value>) -> Field {
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

    /// The labels of one match level: its own for [`Match::Own`], else its synonyms.
    pub fn labels_at(&self, level: Match) -> &[String] {
        match level {
            Match::Own => &self.labels[..self.own],
            _ => &self.labels[self.own..],
        }
    }

    /// How well a label written in the document names this field: [`Match::Own`] or
    /// [`Match::Synonym`] exactly, [`Match::EndsWith`] when it ends with one of the field's
    /// labels ("Invoice Date" for `date`).
    pub fn matches(&self, written: &str) -> Match {
        // "Total (EUR)" names `total`; "Total (EUR 7" is a label cut short of its value.
        let balanced = written.matches('(').count() == written.matches(')').count();
        let mut written = normalize(written);
        if let Some((rest, last)) = written.rsplit_once(' ') {
            if balanced && CURRENCY_CODES.contains(&last) {
                written = rest.to_owned();
            }
        }
        if written.is_empty() {
            return Match::None;
        }
        match self.labels.iter().position(|l| *l == written) {
            Some(at) if at < self.own => Match::Own,
            Some(_) => Match::Synonym,
            None if self.labels.iter().any(|l| written.ends_with(&format!(" {l}"))) => Match::EndsWith,
            None => Match::None,
        }
    }
}

/// Labels of business documents that are never a value ("Ship To" over an address, "Due Date"
/// beside "Bill To" on one row), besides those of [`SYNONYMS`].
pub const COMMON_LABELS: &[&str] = &[
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
pub fn is_label(text: &str, siblings: &[&str]) -> bool {
    let normalized = normalize(text);
    let known = |label: &str| label == normalized;
    text.ends_with(':')
        || siblings.contains(&normalized.as_str())
        || COMMON_LABELS.iter().any(|label| known(label))
        || SYNONYMS.iter().any(|(name, labels)| known(name) || labels.iter().any(|label| known(label)))
}

/// Lowercase words separated by single spaces; `_`, `-` and camelCase split words;
/// "no", "num", "nr" and "#" read as "number", "qty" as "quantity", "amt" as "amount".
pub fn normalize(text: &str) -> String {
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
