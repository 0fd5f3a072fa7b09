//! The words documents use, in English, Dutch, French, German, Spanish, Italian, Portuguese,
//! Polish and Czech: one data file per language (`vocabulary/*.txt`, their format described in
//! `en.txt`), compiled in.
//! Each gives the labels that name the fields of business documents, the words that tell the
//! language, its month names and date order, a document's own titles, the words that name an
//! issuer, and the labels that are never a value. Also: how a label written in a document
//! matches a field ([`Field`], [`Match`]), and [`normalize`], which every comparison goes
//! through (case, accents, punctuation and the spellings of "number" do not matter).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;

/// The data files, English first: its labels come first among a field's synonyms.
const FILES: &[(&str, &str)] = &[
    ("en", include_str!("vocabulary/en.txt")),
    ("nl", include_str!("vocabulary/nl.txt")),
    ("fr", include_str!("vocabulary/fr.txt")),
    ("de", include_str!("vocabulary/de.txt")),
    ("es", include_str!("vocabulary/es.txt")),
    ("it", include_str!("vocabulary/it.txt")),
    ("pt", include_str!("vocabulary/pt.txt")),
    ("pl", include_str!("vocabulary/pl.txt")),
    ("cs", include_str!("vocabulary/cs.txt")),
];

/// The most words a letterhead's name has ("Harbor Lane Studio", "Pinnacle IT Services Ltd").
pub const MAX_NAME_WORDS: usize = 6;

/// Currency codes a label may end with ("Total (EUR)").
pub const CURRENCY_CODES: &[&str] =
    &["eur", "usd", "gbp", "chf", "cad", "aud", "jpy", "sek", "nok", "dkk", "pln", "zl", "czk", "brl", "inr"];

/// One language's words, from its data file, every label normalized.
#[derive(Debug)]
pub struct Language {
    /// Its ISO 639-1 code ("nl"), for whoever reads which language a document was taken for.
    #[allow(dead_code)]
    pub code: &'static str,
    /// Common words that tell the language.
    stop: Vec<String>,
    /// Whether 02/01/2020 is the 2nd of January (else February 1st).
    pub day_first: bool,
    /// Whether 1.234 is a thousand and 1,5 one and a half (a comma before the decimals).
    pub decimal_comma: bool,
    /// The spellings of each month, January first; the first is the full name.
    months: Vec<Vec<String>>,
    titles: Vec<String>,
    /// Legal forms of companies ("GmbH", "B.V.", "Ltd").
    legal: Vec<String>,
    issuer: Vec<String>,
    /// Names of the fields that are the document's own date (its issue date).
    dated: Vec<String>,
    /// The word between the place a letter was written and its date ("München, den").
    place_dated: Vec<String>,
    /// The words between a document's title and number and its date ("Rechnung Nr. 5 vom").
    number_dated: Vec<String>,
    /// The word for days ("Tagen" in "innerhalb 30 Tagen").
    days: Vec<String>,
    labels: Vec<String>,
    /// More labels of a field (by its normalized name), in ranks, strongest first.
    synonyms: Vec<(String, Vec<Vec<String>>)>,
    /// English words of document kinds and their words in this language ("invoice" →
    /// "factuur"), for split and classify.
    translations: Vec<(String, Vec<String>)>,
    /// Its titles and labels of one word of six letters or more ("facture", "factuurnummer")
    /// that English has not: a document too short to use its common words still uses these.
    telling: HashSet<String>,
}

impl Language {
    fn parse(code: &'static str, text: &str) -> Language {
        let mut language = Language {
            code,
            stop: Vec::new(),
            day_first: false,
            decimal_comma: false,
            months: Vec::new(),
            titles: Vec::new(),
            legal: Vec::new(),
            issuer: Vec::new(),
            dated: Vec::new(),
            place_dated: Vec::new(),
            number_dated: Vec::new(),
            days: Vec::new(),
            labels: Vec::new(),
            synonyms: Vec::new(),
            translations: Vec::new(),
            telling: HashSet::new(),
        };
        let list = |items: &str| -> Vec<String> {
            items.split('|').map(normalize).filter(|item| !item.is_empty()).collect()
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (key, items) =
                line.split_once(':').unwrap_or_else(|| panic!("vocabulary/{code}.txt: no ':' in {line:?}"));
            match key.trim() {
                "stop" => language.stop = list(items),
                "dates" => language.day_first = items.trim() == "day-first",
                "numbers" => language.decimal_comma = items.trim() == "decimal-comma",
                "months" => {
                    language.months =
                        items.split('|').map(|m| m.split_whitespace().map(normalize).collect()).collect()
                }
                "titles" => language.titles = list(items),
                "legal" => language.legal = list(items),
                "translate" => {
                    language.translations = items
                        .split('|')
                        .filter_map(|pair| pair.split_once('='))
                        .map(|(english, local)| {
                            (normalize(english), local.split_whitespace().map(normalize).collect())
                        })
                        .collect()
                }
                "issuer" => language.issuer = list(items),
                "dated" => language.dated = list(items),
                "place dated" => language.place_dated = list(items),
                "number dated" => language.number_dated = list(items),
                "days" => language.days = list(items),
                "labels" => language.labels = list(items),
                field => language.synonyms.push((normalize(field), items.split('>').map(list).collect())),
            }
        }
        assert_eq!(language.months.len(), 12, "vocabulary/{code}.txt: twelve months");
        language.telling = (language.titles.iter().chain(language.all_labels()))
            .filter(|word| word.len() >= 6 && !word.contains(' '))
            .cloned()
            .collect();
        language
    }

    /// More labels of the field named `name` (normalized), in ranks, strongest first.
    fn synonyms_of<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Vec<Vec<String>>> {
        self.synonyms.iter().filter(move |(of, _)| of == name).map(|(_, ranks)| ranks)
    }

    fn all_labels(&self) -> impl Iterator<Item = &String> {
        let synonyms = self
            .synonyms
            .iter()
            .flat_map(|(name, ranks)| std::iter::once(name).chain(ranks.iter().flatten()));
        self.labels.iter().chain(synonyms)
    }
}

/// Every language, English first.
pub fn languages() -> &'static [Language] {
    static LANGUAGES: OnceLock<Vec<Language>> = OnceLock::new();
    LANGUAGES.get_or_init(|| {
        let mut languages: Vec<Language> =
            FILES.iter().map(|(code, text)| Language::parse(code, text)).collect();
        // A word English has too tells no other language ("N°" reads as "number" everywhere),
        // and English, the default, needs no telling.
        let english = std::mem::take(&mut languages[0].telling);
        for language in &mut languages[1..] {
            language.telling.retain(|word| !english.contains(word));
        }
        languages
    })
}

/// The language of a document's `words`: the one whose common words they use most, if it uses
/// two or more; English otherwise ("Paid: no" is no Spanish). A title or label of another
/// language than English (and no English one: "N°" reads as "number" everywhere) counts as two
/// common words: "Facture N° 12 | Net à payer" is French.
pub fn language_of<'w>(words: impl Iterator<Item = &'w str>) -> &'static Language {
    let languages = languages();
    let mut counts = vec![0usize; languages.len()];
    for word in words {
        let word = normalize(word);
        for (count, language) in counts.iter_mut().zip(languages) {
            if language.stop.contains(&word) {
                *count += 1;
            } else if language.telling.contains(&word) {
                *count += 2;
            }
        }
    }
    // The first of the most used wins a tie, so English does.
    let best = counts.iter().enumerate().fold(0, |best, (i, &n)| if n > counts[best] { i } else { best });
    if counts[best] < 2 {
        return &languages[0];
    }
    &languages[best]
}

/// The month (1-12) a word names in any of the languages: a spelling of the data files, or the
/// start (three letters or more) of a month's full name.
pub fn month(word: &str) -> Option<u32> {
    let word = normalize(word.trim_end_matches('.'));
    if word.is_empty() || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    languages()
        .iter()
        .find_map(|language| {
            language.months.iter().position(|spellings| {
                spellings.contains(&word) || (word.len() >= 3 && spellings[0].starts_with(&word))
            })
        })
        .map(|at| at as u32 + 1)
}

/// Whether `word` (normalized) is a language's word for days.
pub fn is_days(word: &str) -> bool {
    languages().iter().any(|language| language.days.iter().any(|days| days == word))
}

/// Whether `text` (normalized) is what a document calls itself: "invoice", "factuur", "rechnung",
/// or one word that ends with a title of six letters or more, a kind of it in German or Dutch
/// ("Warenrechnung", "Mietrechnung", "Eindfactuur").
pub fn is_title(normalized: &str) -> bool {
    languages().iter().flat_map(|language| &language.titles).any(|title| title == normalized)
        || (!normalized.contains(' ') && title_of_kind(normalized).is_some())
}

/// The title that `word` (normalized) is a kind of: a word that ends with a title of six letters
/// or more ("warenrechnung" is a "rechnung"). Every label the search tries asks, so the titles
/// are looked up by the word's last six letters.
fn title_of_kind(word: &str) -> Option<&'static str> {
    static BY_ENDING: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    let by_ending = BY_ENDING.get_or_init(|| {
        let mut by_ending: HashMap<&str, Vec<&str>> = HashMap::new();
        for title in languages().iter().flat_map(|language| &language.titles) {
            if let Some(ending) = title.get(title.len().saturating_sub(6)..).filter(|e| e.len() == 6) {
                by_ending.entry(ending).or_default().push(title);
            }
        }
        by_ending
    });
    // A kind of a title is longer than the title.
    if word.len() <= 6 {
        return None;
    }
    let ending = word.get(word.len() - 6..)?;
    let titles = by_ending.get(ending)?;
    titles.iter().copied().find(|title| word.len() > title.len() && word.ends_with(title))
}

/// The words of every language for an English word of a document's kind ("invoice" →
/// "factuur", "facture", "rechnung", …), the word itself first.
pub fn translations(english: &str) -> Vec<&'static str> {
    let mut words = Vec::new();
    for language in languages() {
        for (word, local) in &language.translations {
            if word == english {
                words.extend(local.iter().map(String::as_str));
            }
        }
    }
    words
}

/// Whether `text` names a company by its legal form ("Hetzner Online GmbH", "Acme B.V.").
pub fn has_legal_form(text: &str) -> bool {
    // Lowercase first: "GmbH" is one word, not camelCase.
    // No space before the first word: a form follows a name ("Kg" alone is a unit of weight,
    // not a Kommanditgesellschaft).
    let padded = format!("{} ", normalize(&text.to_lowercase()));
    languages().iter().any(|language| language.legal.iter().any(|form| padded.contains(&format!(" {form} "))))
}

/// `text` without the words in parentheses within it, when words follow them: "Gutschrift Nr."
/// for "Gutschrift (Selbst ausgestellte Rechnung) Nr.", but no change to "Total (EUR)".
fn without_aside(text: &str) -> Option<String> {
    let open = text.find('(')?;
    let close = open + text[open..].find(')')?;
    let after = &text[close + 1..];
    after.chars().any(char::is_alphanumeric).then(|| format!("{}{after}", &text[..open]))
}

/// Whether `text` is a legal form and nothing else ("GmbH", "Ltd."): a company's name has more.
pub fn is_legal_form(text: &str) -> bool {
    let text = normalize(&text.to_lowercase());
    languages().iter().any(|language| language.legal.contains(&text))
}

/// How well a label written in a document names a field, worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    None,
    /// One of the field's labels with a long word misspelt by a letter ("Montante TTC",
    /// "Numero Documenta"), as a document's author or OCR misspells it.
    Misspelt,
    /// The label ends with one of the field's ("Invoice Date" for `date`).
    EndsWith,
    /// One of the field's synonyms ("Amount Due" for `total`).
    Synonym,
    /// The field's own name, title or short description.
    Own,
}

/// A property and the labels that name it in a document (normalized, see [`normalize`]): its
/// own (name, title, short description) first, then its synonyms in every language.
#[derive(Debug, Clone)]
pub struct Field {
    pub labels: Vec<String>,
    /// How many of `labels` are its own.
    own: usize,
    /// Whether it names the document's issuer (a word of the data files' `issuer`).
    pub issuer: bool,
    /// Whether it is the document's own date (a name of the data files' `dated`).
    pub dated: bool,
    /// The synonyms in ranks, strongest first (one rank unless the data files rank them, as
    /// they do a total's: "grand total" before "total").
    ranks: Vec<Vec<String>>,
}

impl Field {
    pub fn new(key: &str, schema: &Map<String, Value>) -> Field {
        let name = normalize(key);
        let issuer = name
            .split(' ')
            .any(|w| languages().iter().any(|language| language.issuer.iter().any(|i| i == w)));
        let dated = languages().iter().any(|language| language.dated.contains(&name));
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
        let mut ranks: Vec<Vec<String>> = Vec::new();
        for language in languages() {
            for language_ranks in language.synonyms_of(&name) {
                for (rank, synonyms) in language_ranks.iter().enumerate() {
                    if ranks.len() <= rank {
                        ranks.push(Vec::new());
                    }
                    for synonym in synonyms {
                        if !labels.contains(synonym) {
                            labels.push(synonym.clone());
                            ranks[rank].push(synonym.clone());
                        }
                    }
                }
            }
        }
        Field { labels, own, issuer, dated, ranks }
    }

    /// The field once for each rank of its labels, strongest first: its own labels first, or,
    /// for an amount, last (a bare "Total" is the weakest name of a total), and each rank of
    /// synonyms; the field itself when its synonyms have one rank.
    pub fn by_rank(&self, amount: bool) -> Vec<Field> {
        if !self.ranked() {
            return vec![self.clone()];
        }
        let with = |labels: &[String], own: usize| Field {
            labels: labels.to_vec(),
            own,
            issuer: self.issuer,
            dated: self.dated,
            ranks: vec![labels[own..].to_vec()],
        };
        let own = &self.labels[..self.own];
        let synonyms = self.ranks.iter().map(|rank| with(rank, 0));
        if amount {
            synonyms.chain(std::iter::once(with(own, own.len()))).collect()
        } else {
            std::iter::once(with(own, own.len())).chain(synonyms).collect()
        }
    }

    /// The field named only by its own labels and its strongest synonyms ("Invoice No.", not
    /// the title "Invoice"), when its synonyms are ranked.
    pub fn strongest(&self) -> Option<Field> {
        let synonyms = self.ranks.first().filter(|_| self.ranked())?;
        let labels: Vec<String> = self.labels[..self.own].iter().chain(synonyms).cloned().collect();
        Some(Field {
            labels,
            own: self.own,
            issuer: self.issuer,
            dated: self.dated,
            ranks: vec![synonyms.clone()],
        })
    }

    /// Whether the field names a code: its name ends with "number", "id" or "reference"
    /// (`invoice_number`, `order_id`).
    pub fn is_identifier(&self) -> bool {
        let name = &self.labels[0];
        ["number", "id", "reference", "ref"]
            .iter()
            .any(|last| name == last || name.ends_with(&format!(" {last}")))
    }

    /// Whether `written` (normalized, no label itself) names the field by how it ends: with one
    /// of its own labels after words that are no other field's label ("Invoice Date" names a
    /// `date`, "VAT total" and "Due date" do not), or with any of its labels after another of
    /// them ("Summe gesamt"). Not a synonym after other words: "Agreement Ref." and "Order
    /// reference" name other references than an invoice's "Ref.".
    fn is_named_by_ending(&self, written: &str) -> bool {
        self.labels.iter().enumerate().any(|(at, label)| {
            let Some(before) = written.strip_suffix(label.as_str()).and_then(|b| b.strip_suffix(' ')) else {
                return false;
            };
            let ours = self.labels.iter().any(|l| l == before);
            let own = at < self.own;
            ours || (own && (is_title(before) || !is_known_label(before)))
        })
    }

    /// Whether the field's synonyms are ranked (a total's, an invoice number's).
    pub fn ranked(&self) -> bool {
        self.ranks.len() > 1
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
    /// labels ("Invoice Date" for `date`) and is no other field's label ("Sub Total" is not a
    /// total).
    pub fn matches(&self, written: &str) -> Match {
        // "Gutschrift (Selbst ausgestellte Rechnung) Nr.", "Invoice (copy) No.": an aside
        // within a label.
        if let Some(plain) = without_aside(written) {
            let plain = self.matches(&plain);
            if plain != Match::None {
                return plain;
            }
        }
        // "Total (EUR)" names `total`; "Total (EUR 7" is a label cut short of its value.
        let balanced = written.matches('(').count() == written.matches(')').count();
        if self.dated && is_place_dated(written) {
            return Match::Synonym;
        }
        // "VALOR TOTAL R$": Brazil's real, its sign written with a letter.
        let mut written = normalize(written.trim_end().strip_suffix("R$").unwrap_or(written));
        // "Total EUR", "Amount due in AUD", "Montant en EUR", "Razem w PLN": the amount's currency.
        if let Some((rest, last)) = written.rsplit_once(' ') {
            if balanced && CURRENCY_CODES.contains(&last) {
                let before_in = ["in", "en", "em", "w"]
                    .iter()
                    .find_map(|word| rest.strip_suffix(word)?.strip_suffix(' '));
                written = before_in.unwrap_or(rest).to_owned();
            }
        }
        if written.is_empty() {
            return Match::None;
        }
        let exact = |written: &str| self.labels.iter().position(|l| l == written);
        match exact(&written).or_else(|| exact(&as_plain_title(&written)?)) {
            Some(at) if at < self.own => Match::Own,
            Some(_) => Match::Synonym,
            None if is_known_label(&written) => Match::None,
            None if self.is_named_by_ending(&written) => Match::EndsWith,
            None if self.labels.iter().any(|label| is_misspelt(&written, label)) => Match::Misspelt,
            None => Match::None,
        }
    }
}

/// `written` (normalized) with a first word that is a kind of a title ("handelsrechnung",
/// see [`is_title`]) read as the title itself: "Handelsrechnung Nr." is a "Rechnung Nr.".
fn as_plain_title(written: &str) -> Option<String> {
    let (first, rest) = written.split_once(' ').unwrap_or((written, ""));
    Some(format!("{} {rest}", title_of_kind(first)?).trim_end().to_owned())
}

/// Where `title_line` is a document's title and number followed by the words that introduce
/// its date ("Rechnung Nr. 471102 vom", "Facture n° 12 du", "Invoice 7 dated"), what follows
/// them: the date, if the line says no more.
pub fn after_number_dated(title_line: &str) -> Option<&str> {
    let words: Vec<&str> = title_line.split_whitespace().collect();
    // The title ("Rechnung", or a kind of it: "Handelsrechnung"), then the number.
    if !is_title(&normalize(words.first()?)) {
        return None;
    }
    for at in 2..words.len() {
        let numbered = words[1..at].iter().any(|word| word.chars().any(|c| c.is_ascii_digit()));
        for language in languages() {
            for dated in &language.number_dated {
                let length = dated.split(' ').count();
                let Some(said) = words.get(at..at + length) else { continue };
                if numbered && normalize(&said.join(" ")) == *dated {
                    let after = words.get(at + length)?;
                    let start = after.as_ptr() as usize - title_line.as_ptr() as usize;
                    return Some(title_line[start..].trim_end_matches(['.', ',', ':']));
                }
            }
        }
    }
    None
}

/// Whether `written` is a place and the word that introduces a letter's date after it
/// ("München, den", "Paris, le"): a label of the document's own date.
fn is_place_dated(written: &str) -> bool {
    written.rsplit_once(", ").is_some_and(|(place, word)| {
        // A town's words are capitalized but for short ones ("Frankfurt am Main").
        let town_word = |word: &str| word.len() <= 3 || word.starts_with(char::is_uppercase);
        let word = normalize(word);
        (1..=3).contains(&place.split_whitespace().count())
            && place.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-')
            && place.split_whitespace().all(town_word)
            && languages().iter().any(|language| language.place_dated.contains(&word))
    })
}

/// Whether `written` is `label` with one long word misspelt: the same words, but for one of six
/// letters or more that begins with the same letter and differs by one letter added, dropped,
/// changed, or two letters swapped.
fn is_misspelt(written: &str, label: &str) -> bool {
    // Most labels are told apart by their length alone.
    if written.len().abs_diff(label.len()) > 2 {
        return false;
    }
    let (written, label): (Vec<&str>, Vec<&str>) = (written.split(' ').collect(), label.split(' ').collect());
    if written.len() != label.len() {
        return false;
    }
    let differing: Vec<(&str, &str)> = written.into_iter().zip(label).filter(|(w, l)| w != l).collect();
    let [(word, right)] = differing[..] else { return false };
    let (word, right): (Vec<char>, Vec<char>) = (word.chars().collect(), right.chars().collect());
    if word.len().min(right.len()) < 6 || word[0] != right[0] || word.len().abs_diff(right.len()) > 1 {
        return false;
    }
    // Past the common beginning and end, what is left is the misspelling.
    let start = word.iter().zip(&right).take_while(|(a, b)| a == b).count();
    let end = word[start..].iter().rev().zip(right[start..].iter().rev()).take_while(|(a, b)| a == b).count();
    let (word, right) = (&word[start..word.len() - end], &right[start..right.len() - end]);
    let swapped = word.len() == 2 && right.len() == 2 && word[0] == right[1] && word[1] == right[0];
    (word.len().max(right.len()) == 1) || swapped
}

/// Whether `label` is one of the data files' labels of a party's name (`party name`: "Name",
/// "Nazwa", "Razão social").
pub fn names_a_party(label: &str) -> bool {
    static PARTY_NAME: OnceLock<Field> = OnceLock::new();
    PARTY_NAME.get_or_init(|| Field::new("party name", &Map::new())).matches(label) >= Match::Synonym
}

/// Whether `cell` heads a column of a table's line items (`item column`: "Description", "Qty").
pub fn is_item_column(cell: &str) -> bool {
    static ITEM_COLUMN: OnceLock<Field> = OnceLock::new();
    ITEM_COLUMN.get_or_init(|| Field::new("item column", &Map::new())).matches(cell) >= Match::Synonym
}

/// Whether `normalized` is a label of the data files: a field's name or synonym, or a label
/// that is never a value.
pub fn is_known_label(normalized: &str) -> bool {
    // Asked for every line and value a field is looked for on: a set, built once.
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN
        .get_or_init(|| languages().iter().flat_map(Language::all_labels).cloned().collect())
        .contains(normalized)
}

/// Whether `text` is itself a label: it ends with a colon, or is one of the fields' labels or a
/// label of the data files.
pub fn is_label(text: &str, siblings: &[&str]) -> bool {
    let normalized = normalize(text);
    text.ends_with(':') || siblings.contains(&normalized.as_str()) || is_known_label(&normalized)
}

/// Lowercase words without accents, separated by single spaces; `_`, `-` and camelCase split
/// words; "no", "num", "nr", "n°", "nº" and "#" read as "number", "qty" as "quantity", "amt" as
/// "amount".
pub fn normalize(text: &str) -> String {
    let mut spaced = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_uppercase() && previous.is_some_and(char::is_lowercase) {
            spaced.push(' ');
        }
        if c == '#' {
            spaced.push_str(" # ");
        } else if matches!(c, 'n' | 'N')
            && matches!(chars.peek(), Some('°' | 'º'))
            && !previous.is_some_and(char::is_alphanumeric)
        {
            chars.next();
            spaced.push_str(" # ");
        } else {
            spaced.push(c);
        }
        previous = Some(c);
    }
    // Accents go: "Numéro" and "Numero", "Fälligkeit" and "Falligkeit" read the same. (Most
    // text is ASCII, which has none, and this runs for every label a line is compared with.)
    let folded = if spaced.is_ascii() {
        spaced.to_ascii_lowercase()
    } else {
        let mut folded = String::with_capacity(spaced.len());
        let letters = spaced.to_lowercase();
        for c in letters.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
            // Letters that are no base letter with a mark, written without it all the same
            // where a keyboard lacks them: "płatności" as "platnosci", "Grüße" as "Grüsse".
            match c {
                'ł' => folded.push('l'),
                'ß' => folded.push_str("ss"),
                'ø' => folded.push('o'),
                'æ' => folded.push_str("ae"),
                'œ' => folded.push_str("oe"),
                'đ' => folded.push('d'),
                'ı' => folded.push('i'),
                c => folded.push(c),
            }
        }
        folded
    };
    folded
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_file_reads() {
        let codes: Vec<&str> = languages().iter().map(|l| l.code).collect();
        assert_eq!(codes, ["en", "nl", "fr", "de", "es", "it", "pt", "pl", "cs"]);
        for language in languages() {
            assert!(language.stop.len() >= 15, "{}", language.code);
            assert!(!language.titles.is_empty() && !language.synonyms.is_empty(), "{}", language.code);
        }
    }

    #[test]
    fn labels_match_across_case_accents_and_the_spellings_of_number() {
        assert_eq!(normalize("N° de facture"), "number de facture");
        assert_eq!(normalize("Numéro de facture"), "numero de facture");
        assert_eq!(normalize("Rechnungs-Nr."), "rechnungs number");
        assert_eq!(normalize("FÄLLIGKEITSDATUM"), "falligkeitsdatum");
        assert_eq!(normalize("Invoice #"), "invoice number");
        assert_eq!(normalize("Termin płatności"), "termin platnosci");
        assert_eq!(normalize("Mit freundlichen Grüßen"), "mit freundlichen grussen");
        let field = Field::new("invoice_number", &Map::new());
        for label in [
            "Factuurnummer",
            "N° de facture",
            "Rechnungsnummer",
            "Número de factura",
            "Numero fattura",
            "Nº da Fatura",
            "Numer faktury",
        ] {
            assert_eq!(field.matches(label), Match::Synonym, "{label}");
        }
    }

    #[test]
    fn a_total_ranks_its_labels_and_a_subtotal_is_not_one() {
        let total = Field::new("total", &Map::new());
        let ranks: Vec<bool> =
            total.by_rank(true).iter().map(|rank| rank.matches("Grand Total") == Match::Synonym).collect();
        assert_eq!(ranks.first(), Some(&true), "grand total is the strongest");
        assert!(total.ranked());
        assert_eq!(total.matches("Sub Total"), Match::None);
        assert_eq!(total.matches("Totaal incl. BTW"), Match::Synonym);
        assert_eq!(total.matches("Montant TTC"), Match::Synonym);
        for label in ["Amount due in AUD", "Amount Due (EUR)", "Total en EUR", "Subtotal in AUD"] {
            let subtotal = label.starts_with("Sub");
            assert_eq!(total.matches(label) == Match::None, subtotal, "{label}");
        }
    }

    #[test]
    fn a_label_that_ends_with_a_fields_names_it_only_when_its_first_words_name_nothing_else() {
        let date = Field::new("date", &Map::new());
        assert_eq!(date.matches("Statement Date"), Match::EndsWith, "a title before the label");
        assert_eq!(date.matches("Statement closing date"), Match::EndsWith, "words that are no label");
        assert_eq!(date.matches("Due date"), Match::None, "the due date's label");
        let total = Field::new("total", &Map::new());
        assert_eq!(total.matches("VAT total"), Match::None, "the VAT's");
        assert_eq!(total.matches("Summe gesamt"), Match::EndsWith, "two of the total's own words");
        let number = Field::new("invoice_number", &Map::new());
        assert_eq!(number.matches("Agreement Ref."), Match::None, "a synonym after other words");
        assert_eq!(number.matches("Ref."), Match::Synonym);
    }

    #[test]
    fn a_label_with_a_long_word_misspelt_by_a_letter_still_names_its_field() {
        let total = Field::new("total", &Map::new());
        assert_eq!(total.matches("Montante TTC"), Match::Misspelt, "a letter added");
        let number = Field::new("invoice_number", &Map::new());
        assert_eq!(number.matches("Numero Documenta"), Match::Misspelt, "a letter changed");
        let date = Field::new("invoice_date", &Map::new());
        assert_eq!(date.matches("FECHA FACUTRA"), Match::Misspelt, "two letters swapped");
        assert_eq!(total.matches("Montant HTT"), Match::None, "a short word is not guessed at");
        assert_eq!(total.matches("Montants totaux"), Match::None, "two words misspelt");
        assert_eq!(date.matches("Fecha factorial"), Match::None, "two letters more");
        assert_eq!(total.matches("Subtotale"), Match::None, "another field's label");
    }

    #[test]
    fn the_language_is_told_by_its_common_words() {
        let code = |text: &str| language_of(text.split_whitespace()).code;
        assert_eq!(code("Bedankt voor uw bestelling, de factuur is in het Nederlands"), "nl");
        assert_eq!(code("Merci pour votre commande, la facture est en pièce jointe"), "fr");
        assert_eq!(code("Vielen Dank für Ihre Bestellung, die Rechnung ist nicht bezahlt"), "de");
        assert_eq!(code("Gracias por su compra, la factura es para el cliente"), "es");
        assert_eq!(code("Grazie per il vostro ordine, la fattura è della ditta"), "it");
        assert_eq!(code("Obrigado pela sua compra, o pagamento da fatura é devido"), "pt");
        assert_eq!(code("Dziękujemy za zamówienie, faktura jest w załączniku"), "pl");
        assert_eq!(code("Děkujeme za objednávku, faktura je splatná do 14 dnů"), "cs");
        assert_eq!(code("Thank you for your order"), "en");
        // English words that are other languages' common words too ("do", "pro", "Nos.").
        assert_eq!(code("Nos. 3 and 4: do pro forma"), "en");
        assert_eq!(code("12345 67890"), "en");
        // Too short for two common words, told by a title or a label of one long word.
        assert_eq!(code("Facture N° F2018-27 Date : 12/03/2018 Net à payer : 1 234,56 €"), "fr");
        assert_eq!(code("Factuurnummer: 2020-123 Factuurdatum: 12-03-2020"), "nl");
        assert_eq!(code("Fattura n. 123/2020 Data: 12/03/2020"), "it");
        assert_eq!(code("Invoice No. 123 Customer: ACME Amount: 1,234.56"), "en");
    }

    #[test]
    fn months_are_named_in_every_language() {
        for (word, number) in [
            ("März", 3),
            ("mrt", 3),
            ("févr.", 2),
            ("Dezember", 12),
            ("dic", 12),
            ("mei", 5),
            ("Sept", 9),
            ("August", 8),
            ("março", 3),
            ("dez", 12),
            ("października", 10),
            ("lutego", 2),
        ] {
            assert_eq!(month(word), Some(number), "{word}");
        }
        assert_eq!(month("the"), None);
    }
}
