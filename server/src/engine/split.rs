//! Split: assigns each page of a document to one of the caller's categories by the words of
//! the category's name and description found on the page. No model: a deterministic score,
//! so the same document and categories always split the same way.
//!
//! A category's score on a page is [`super::topics`]' (name words count three times,
//! description words once, headings twice). A page goes to its best category when that
//! score is above zero (ties go to the category listed first); a page with no match belongs
//! to no category. Consecutive pages of one category form one section. Confidence is "high"
//! when the best category matched by name and scored at least twice the runner-up.

use std::collections::BTreeMap;

use serde::Serialize;

use super::topics::{Found, Topic};
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

pub fn split(document: &Document, categories: &[Category]) -> SplitOutput {
    let topics: Vec<Topic> = categories.iter().map(|c| Topic::new(&c.name, &c.description)).collect();
    let mut section_mapping: BTreeMap<String, Vec<u32>> =
        categories.iter().map(|c| (c.name.clone(), Vec::new())).collect();
    let mut splits: Vec<Section> = Vec::new();
    let mut previous_page = 0;
    for page in &document.pages {
        let found = Found::of(&page.blocks);
        let scores: Vec<(u32, u32)> = topics
            .iter()
            .map(|topic| {
                let score = topic.score(&found);
                (score.total, score.named)
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
        Document::new(pages)
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
}
