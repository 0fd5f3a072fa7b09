//! The words a category is about, and how well a text matches them: the one scoring that
//! split (page by page) and classify (a whole document) share. No model: words of three letters
//! or more, stopwords dropped, a plural "s" trimmed, compared as sets, so the same text and
//! categories always score the same.
//!
//! A category's score on a text = 3 × its name words shown + its description (or criteria)
//! words found, each counted twice when it is emphasized: in a title or section header, or
//! wherever the caller says (classify emphasizes the first page). A name word is shown when it
//! stands in a short line (a title, a label: "Invoice No."); one that is only mentioned in prose
//! ("please find enclosed our invoice") counts once, as a description word. A category named
//! for a common kind of document also knows that kind's telltale words ([`KIND_CUES`]: a letter
//! says "Dear" and "Sincerely").

use std::collections::BTreeSet;

use super::extract::vocabulary;
use super::{Block, BlockType};
use unicode_normalization::UnicodeNormalization;

/// Weight of a name word against a description word.
const NAME_WEIGHT: u32 = 3;

/// What a category is about, as words; each word with its translations into the other
/// languages of the vocabulary, found when any of them is ("Invoice" knows "Factuur").
#[derive(Debug, Clone)]
pub struct Topic {
    name: Vec<BTreeSet<String>>,
    about: Vec<BTreeSet<String>>,
}

/// How well a text matched a [`Topic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub total: u32,
    /// Distinct name words found.
    pub named: u32,
}

/// The words of a text, those of them that are emphasized, and those in short lines.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub all: BTreeSet<String>,
    pub emphasized: BTreeSet<String>,
    pub shown: BTreeSet<String>,
}

/// A line of at most this many words is a title or a label rather than prose.
const SHORT_LINE_WORDS: usize = 8;

impl Found {
    /// Adds blocks' words; titles and section headers are emphasized, and so is every block
    /// when `emphasize` is set.
    pub fn add<'a>(&mut self, blocks: impl IntoIterator<Item = &'a Block>, emphasize: bool) {
        for block in blocks {
            let heading = matches!(block.kind, BlockType::Title | BlockType::SectionHeader);
            for line in block.content.lines() {
                let short = line.split_whitespace().count() <= SHORT_LINE_WORDS;
                for word in words(line) {
                    if emphasize || heading {
                        self.emphasized.insert(word.clone());
                    }
                    if short || heading {
                        self.shown.insert(word.clone());
                    }
                    self.all.insert(word);
                }
            }
        }
    }

    pub fn of<'a>(blocks: impl IntoIterator<Item = &'a Block>) -> Found {
        let mut found = Found::default();
        found.add(blocks, false);
        found
    }

    /// Whether at least half the words of `text` (and at least one) are here.
    pub fn covers(&self, text: &str) -> bool {
        let wanted: BTreeSet<String> = words(text).collect();
        let present = wanted.iter().filter(|w| self.all.contains(*w)).count();
        present > 0 && present * 2 >= wanted.len()
    }
}

impl Topic {
    pub fn new(name: &str, about: &str) -> Topic {
        let name: BTreeSet<String> = words(name).collect();
        let cues = KIND_CUES
            .iter()
            .filter(|(kind, _)| name.contains(*kind))
            .flat_map(|(_, cues)| cues.iter().map(|cue| cue.to_string()));
        let about: BTreeSet<String> = words(about).chain(cues).filter(|w| !name.contains(w)).collect();
        Topic {
            name: name.into_iter().map(in_every_language).collect(),
            about: about.into_iter().map(in_every_language).collect(),
        }
    }

    pub fn score(&self, found: &Found) -> Score {
        let any_in = |set: &BTreeSet<String>, group: &BTreeSet<String>| group.iter().any(|w| set.contains(w));
        let weight = |group: &BTreeSet<String>| if any_in(&found.emphasized, group) { 2 } else { 1 };
        let named: Vec<&BTreeSet<String>> = self.name.iter().filter(|g| any_in(&found.shown, g)).collect();
        let mentioned = self.name.iter().filter(|g| any_in(&found.all, g) && !any_in(&found.shown, g));
        let about: u32 =
            self.about.iter().chain(mentioned).filter(|g| any_in(&found.all, g)).map(weight).sum();
        Score {
            total: NAME_WEIGHT * named.iter().map(|g| weight(g)).sum::<u32>() + about,
            named: named.len() as u32,
        }
    }

    /// The most a text could score: every word found once, none emphasized.
    pub fn full_score(&self) -> u32 {
        NAME_WEIGHT * self.name.len() as u32 + self.about.len() as u32
    }
}

/// A word and its translations (see [`vocabulary::translations`]), as [`words`] gives them.
fn in_every_language(word: String) -> BTreeSet<String> {
    let translated: Vec<String> =
        vocabulary::translations(&word).into_iter().flat_map(|t| words(t).collect::<Vec<_>>()).collect();
    std::iter::once(word).chain(translated).collect()
}

/// Telltale words of common kinds of documents, by a word of the category's name (as [`words`]
/// gives them: lowercase, plural "s" trimmed). They count as description words.
const KIND_CUES: &[(&str, &[&str])] = &[
    ("letter", &["dear", "sincerely", "regard", "enclosed"]),
    ("invoice", &["total", "due", "subtotal", "amount", "bill", "qty", "quantity"]),
    ("contract", &["agreement", "partie", "clause", "hereby", "shall", "signed", "term"]),
    ("agreement", &["contract", "partie", "clause", "hereby", "shall", "signed", "term"]),
    ("receipt", &["paid", "cash", "change", "thank"]),
    ("form", &["signature", "sign", "fill", "tick", "applicant", "surname", "birth"]),
];

/// The words that carry meaning: lowercase and without accents, alphanumeric runs of three
/// characters or more, stopwords dropped, a plural "s" trimmed ("invoices" counts as "invoice").
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| {
            let w: String = w
                .to_lowercase()
                .nfd()
                .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                .collect();
            match w.strip_suffix('s') {
                Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_owned(),
                _ => w,
            }
        })
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
}

const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "with",
    "that",
    "thi",
    "this",
    "are",
    "from",
    "page",
    "pages",
    "any",
    "all",
    "has",
    "have",
    "not",
    "but",
    "was",
    "were",
    "will",
    "can",
    "into",
    "about",
    "contain",
    "containing",
    "which",
    "their",
    "there",
    "other",
    "such",
    "its",
    "our",
    "your",
    "you",
    "per",
    "each",
    "one",
    "document",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalized() {
        let got: Vec<String> = words("The Invoices, page 2: TOTALS due-date class").collect();
        assert_eq!(got, ["invoice", "total", "due", "date", "class"]);
    }
}
