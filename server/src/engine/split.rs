//! Split: assigns each page of a document to one of the caller's categories by the words of
//! the category's name and description found on the page. No model: a deterministic score,
//! so the same document and categories always split the same way.
//!
//! Score of a category on a page = 3 × (distinct name words on the page) + (distinct
//! description words on the page), over words of three letters or more that are not
//! stopwords, with a trailing plural "s" ignored. A page goes to its best category when that
//! score is above zero (ties go to the category listed first); a page with no match belongs
//! to no category. Consecutive pages of one category form one section. Confidence is "high"
//! when the best category matched by name and scored at least twice the runner-up.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Document;

/// What a category is called and what its pages are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub name: String,
    pub description: String,
}

/// Reducto's `Split`: consecutive pages of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub name: String,
    pub pages: Vec<u32>,
    pub conf: Conf,
    /// Always null: partitions within a section need a `partition_key` model.
    pub partitions: Option<Vec<Section>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Conf {
    High,
    Low,
}

/// Reducto's `SplitResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitOutput {
    /// Every category, with all its pages (an empty list when none matched).
    pub section_mapping: BTreeMap<String, Vec<u32>>,
    pub splits: Vec<Section>,
}

/// Weight of a name word against a description word.
const NAME_WEIGHT: u32 = 3;

pub fn split(document: &Document, categories: &[Category]) -> SplitOutput {
    let wanted: Vec<(BTreeSet<String>, BTreeSet<String>)> = categories
        .iter()
        .map(|c| {
            let name: BTreeSet<String> = words(&c.name).collect();
            let description = words(&c.description).filter(|w| !name.contains(w)).collect();
            (name, description)
        })
        .collect();
    let mut section_mapping: BTreeMap<String, Vec<u32>> =
        categories.iter().map(|c| (c.name.clone(), Vec::new())).collect();
    let mut splits: Vec<Section> = Vec::new();
    let mut previous_page = 0;
    for page in &document.pages {
        let text = page.blocks.iter().map(|b| b.content.as_str()).collect::<Vec<_>>().join("\n");
        let on_page: BTreeSet<String> = words(&text).collect();
        let scores: Vec<(u32, u32)> = wanted
            .iter()
            .map(|(name, description)| {
                let named = name.intersection(&on_page).count() as u32;
                (NAME_WEIGHT * named + description.intersection(&on_page).count() as u32, named)
            })
            .collect();
        // The first of the best scores: `max_by_key` would keep the last.
        let Some((best, &(score, named))) =
            scores.iter().enumerate().rev().max_by_key(|(_, (score, _))| *score)
        else {
            continue;
        };
        if score == 0 {
            continue;
        }
        let runner_up =
            scores.iter().enumerate().filter(|(i, _)| *i != best).map(|(_, (s, _))| *s).max().unwrap_or(0);
        let conf = if named > 0 && score >= 2 * runner_up { Conf::High } else { Conf::Low };
        let name = &categories[best].name;
        section_mapping.entry(name.clone()).or_default().push(page.number);
        match splits.last_mut() {
            Some(last) if &last.name == name && previous_page + 1 == page.number => {
                last.pages.push(page.number);
                if conf == Conf::Low {
                    last.conf = Conf::Low;
                }
            }
            _ => {
                splits.push(Section { name: name.clone(), pages: vec![page.number], conf, partitions: None })
            }
        }
        previous_page = page.number;
    }
    SplitOutput { section_mapping, splits }
}

/// The words that carry meaning: lowercase, alphanumeric runs of three characters or more,
/// stopwords dropped, a plural "s" trimmed ("invoices" counts as "invoice").
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(|w| {
            let w = w.to_lowercase();
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
    use crate::engine::{Block, BlockType, BoundingBox, Confidence, Page};

    fn doc(pages: &[&str]) -> Document {
        let pages = pages
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let number = i as u32 + 1;
                let bbox = BoundingBox {
                    left: 0.0,
                    top: 0.0,
                    width: 1.0,
                    height: 1.0,
                    page: number,
                    original_page: number,
                };
                let block = Block {
                    kind: BlockType::Text,
                    bbox,
                    content: text.to_string(),
                    confidence: Confidence::High,
                };
                Page { number, blocks: vec![block] }
            })
            .collect();
        Document { pages }
    }

    fn categories() -> Vec<Category> {
        let c =
            |name: &str, description: &str| Category { name: name.into(), description: description.into() };
        vec![
            c("Invoice", "Bills with an amount due, line items and a total"),
            c("Contract", "Agreement between parties with terms and signatures"),
        ]
    }

    #[test]
    fn pages_go_to_their_best_category_in_sections() {
        let document = doc(&[
            "INVOICE\nInvoice Number: 1\nTotal due: $5",
            "Line items continued\nAmount due: $5",
            "SERVICE AGREEMENT\nThe parties agree to these terms.",
            "Signatures of both parties",
            "A photo of a cat",
            "Invoice 2\nTotal: $7",
        ]);
        let out = split(&document, &categories());
        let got: Vec<(&str, &[u32], Conf)> =
            out.splits.iter().map(|s| (s.name.as_str(), s.pages.as_slice(), s.conf)).collect();
        assert_eq!(
            got,
            [
                ("Invoice", &[1, 2][..], Conf::Low),
                ("Contract", &[3, 4][..], Conf::Low),
                ("Invoice", &[6][..], Conf::High)
            ]
        );
        assert_eq!(out.section_mapping["Invoice"], [1, 2, 6]);
        assert_eq!(out.section_mapping["Contract"], [3, 4]);
    }

    #[test]
    fn no_match_means_no_section_and_ties_go_to_the_first_category() {
        let out = split(&doc(&["nothing relevant here"]), &categories());
        assert!(out.splits.is_empty());
        assert_eq!(out.section_mapping["Invoice"], Vec::<u32>::new());
        let same = vec![
            Category { name: "Alpha".into(), description: "widget".into() },
            Category { name: "Beta".into(), description: "widget".into() },
        ];
        assert_eq!(split(&doc(&["a widget"]), &same).splits[0].name, "Alpha");
    }

    #[test]
    fn words_are_normalized() {
        let got: Vec<String> = words("The Invoices, page 2: TOTALS due-date class").collect();
        assert_eq!(got, ["invoice", "total", "due", "date", "class"]);
    }
}
