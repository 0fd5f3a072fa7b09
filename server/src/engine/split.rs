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

use serde::{Deserialize, Serialize};

use super::topics::{Found, Topic};
use super::{Confidence, Document, KeepGoing, Stopped};

/// What a category is called and what its pages are about; with a `partition_key` (such as
/// "invoice number"), its sections are divided further by that key's value. A pipeline's split
/// step keeps these as written (unknown keys refused, to catch typos while designing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
}

/// Reducto's `Split`: consecutive pages of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub name: String,
    pub pages: Vec<u32>,
    pub conf: Confidence,
    /// With a `partition_key`: runs of pages that share the key's value, named by it (a page
    /// that does not state it continues the run before it). Null without a key, or when no
    /// page states it.
    pub partitions: Option<Vec<Section>>,
}

/// Reducto's `SplitResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitOutput {
    /// Every category, with all its pages (an empty list when none matched).
    pub section_mapping: BTreeMap<String, Vec<u32>>,
    pub splits: Vec<Section>,
}

/// Assigns pages to `categories`, asking `keep_going` before each page.
pub fn split(
    document: &Document,
    categories: &[Category],
    keep_going: KeepGoing,
) -> Result<SplitOutput, Stopped> {
    let topics: Vec<Topic> = categories.iter().map(|c| Topic::new(&c.name, &c.description)).collect();
    let mut section_mapping: BTreeMap<String, Vec<u32>> =
        categories.iter().map(|c| (c.name.clone(), Vec::new())).collect();
    let mut splits: Vec<Section> = Vec::new();
    let mut previous_page = 0;
    for page in &document.pages {
        keep_going()?;
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
        let conf = if named > 0 && score >= 2 * runner_up { Confidence::High } else { Confidence::Low };
        let name = &categories[best].name;
        section_mapping.entry(name.clone()).or_default().push(page.number);
        match splits.last_mut() {
            Some(last) if &last.name == name && previous_page + 1 == page.number => {
                last.pages.push(page.number);
                if conf == Confidence::Low {
                    last.conf = Confidence::Low;
                }
            }
            _ => {
                splits.push(Section { name: name.clone(), pages: vec![page.number], conf, partitions: None })
            }
        }
        previous_page = page.number;
    }
    for section in &mut splits {
        let key = categories.iter().find(|c| c.name == section.name).and_then(|c| c.partition_key.as_deref());
        if let Some(key) = key.filter(|k| !k.trim().is_empty()) {
            section.partitions = partitions(document, &section.pages, key, keep_going)?;
        }
    }
    Ok(SplitOutput { section_mapping, splits })
}

/// The runs of `pages` that share the value of `key`, as extract reads it on each page.
fn partitions(
    document: &Document,
    pages: &[u32],
    key: &str,
    keep_going: KeepGoing,
) -> Result<Option<Vec<Section>>, Stopped> {
    let mut schema = serde_json::Map::new();
    schema.insert("properties".into(), serde_json::json!({ key: {"type": "string"} }));
    let mut runs: Vec<Section> = Vec::new();
    for &page in pages {
        let read = super::extract::extract(&document.only_pages(&[page]), &schema, false, keep_going)?.value;
        let value = read[key].as_str().map(str::to_owned);
        match (value, runs.last_mut()) {
            (Some(value), Some(run)) if run.name == value => run.pages.push(page),
            (Some(value), _) => runs.push(Section {
                name: value,
                pages: vec![page],
                conf: Confidence::High,
                partitions: None,
            }),
            (None, Some(run)) => {
                run.pages.push(page);
                run.conf = Confidence::Low;
            }
            // Pages before the first that states the key belong to no partition.
            (None, None) => {}
        }
    }
    Ok((!runs.is_empty()).then_some(runs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BlockType, Confidence};

    fn doc(pages: &[&str]) -> Document {
        Document::of_blocks(pages.iter().map(|text| vec![(BlockType::Text, *text)]))
    }

    fn categories() -> Vec<Category> {
        let c = |name: &str, description: &str| Category {
            name: name.into(),
            description: description.into(),
            partition_key: None,
        };
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
        let out = split(&document, &categories(), &|| Ok(())).unwrap();
        let got: Vec<(&str, &[u32], Confidence)> =
            out.splits.iter().map(|s| (s.name.as_str(), s.pages.as_slice(), s.conf)).collect();
        assert_eq!(
            got,
            [
                ("Invoice", &[1, 2][..], Confidence::Low),
                ("Contract", &[3, 4][..], Confidence::Low),
                ("Invoice", &[6][..], Confidence::High)
            ]
        );
        assert_eq!(out.section_mapping["Invoice"], [1, 2, 6]);
        assert_eq!(out.section_mapping["Contract"], [3, 4]);
    }

    #[test]
    fn a_stop_is_heard_at_the_next_page() {
        let document = doc(&["Invoice 1", "Invoice 2"]);
        assert_eq!(split(&document, &categories(), &|| Err(Stopped)), Err(Stopped));
    }

    #[test]
    fn a_partition_key_divides_a_section_by_its_value() {
        let document = doc(&[
            "INVOICE\nInvoice Number: A-1\nTotal: $5",
            "Invoice continued\nLine items",
            "INVOICE\nInvoice Number: B-7\nTotal: $9",
        ]);
        let invoices = vec![Category {
            name: "Invoice".into(),
            description: "Bills with a total".into(),
            partition_key: Some("invoice number".into()),
        }];
        let out = split(&document, &invoices, &|| Ok(())).unwrap();
        let parts: Vec<(&str, &[u32], Confidence)> = out.splits[0]
            .partitions
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| (p.name.as_str(), p.pages.as_slice(), p.conf))
            .collect();
        assert_eq!(parts, [("A-1", &[1, 2][..], Confidence::Low), ("B-7", &[3][..], Confidence::High)]);
    }

    #[test]
    fn no_match_means_no_section_and_ties_go_to_the_first_category() {
        let out = split(&doc(&["nothing relevant here"]), &categories(), &|| Ok(())).unwrap();
        assert!(out.splits.is_empty());
        assert_eq!(out.section_mapping["Invoice"], Vec::<u32>::new());
        let same = vec![
            Category { name: "Alpha".into(), description: "widget".into(), partition_key: None },
            Category { name: "Beta".into(), description: "widget".into(), partition_key: None },
        ];
        assert_eq!(split(&doc(&["a widget"]), &same, &|| Ok(())).unwrap().splits[0].name, "Alpha");
    }
}
