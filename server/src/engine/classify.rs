//! Classify: which of the caller's categories a whole document is, by the words of each
//! category's name and criteria found in its text ([`super::topics`], the scoring split uses),
//! with titles and the first page counting double.
//!
//! The best score wins (ties go to the category listed first). When no category's words are
//! found at all, the answer is [`NO_MATCH`] with every confidence 0: never a pick among
//! categories the document gave no reason for.

use serde::{Deserialize, Serialize};

use super::topics::{Found, Topic};
use super::{Confidence, Document, KeepGoing, Stopped};

/// The category answered when none fits.
pub const NO_MATCH: &str = "unknown";

/// Reducto's `ClassificationCategory`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub name: String,
    pub criteria: Vec<String>,
}

/// The category and Reducto's `ResponseConfidence` for every category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub category: String,
    pub confidence: ResponseConfidence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseConfidence {
    pub categories: Vec<CategoryConfidence>,
}

/// How sure the engine is of one category: the share of its words found (1 when its name is
/// in a title and its criteria are met), and for each criterion whether the document meets it
/// (at least half its words are there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryConfidence {
    pub category: String,
    pub confidence: f64,
    pub criteria_confidence: Vec<CriterionConfidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionConfidence {
    pub criterion: String,
    pub confidence: Confidence,
}

/// Classifies `document` among `categories`, asking `keep_going` before each page.
pub fn classify(
    document: &Document,
    categories: &[Category],
    keep_going: KeepGoing,
) -> Result<Classification, Stopped> {
    let mut found = Found::default();
    for (index, page) in document.pages.iter().enumerate() {
        keep_going()?;
        found.add(&page.blocks, index == 0);
    }
    let scored: Vec<(u32, CategoryConfidence)> = categories
        .iter()
        .map(|category| {
            let topic = Topic::new(&category.name, &category.criteria.join(" "));
            let score = topic.score(&found).total;
            let share = f64::from(score) / f64::from(topic.full_score().max(1));
            let criteria_confidence = category
                .criteria
                .iter()
                .map(|criterion| CriterionConfidence {
                    criterion: criterion.clone(),
                    confidence: if found.covers(criterion) { Confidence::High } else { Confidence::Low },
                })
                .collect();
            let confidence = (share.min(1.0) * 100.0).round() / 100.0;
            (score, CategoryConfidence { category: category.name.clone(), confidence, criteria_confidence })
        })
        .collect();
    // The first of the best scores: `max_by_key` would keep the last.
    let best = scored.iter().rev().max_by_key(|(score, _)| *score).filter(|(score, _)| *score > 0);
    let category = best.map_or(NO_MATCH, |(_, c)| c.category.as_str()).to_owned();
    Ok(Classification {
        category,
        confidence: ResponseConfidence { categories: scored.into_iter().map(|(_, c)| c).collect() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BlockType, Confidence};

    fn doc(pages: &[&[(BlockType, &str)]]) -> Document {
        Document::of_blocks(pages.iter().map(|blocks| blocks.to_vec()))
    }

    fn categories() -> Vec<Category> {
        let c = |name: &str, criteria: &[&str]| Category {
            name: name.into(),
            criteria: criteria.iter().map(|s| s.to_string()).collect(),
        };
        vec![
            c("invoice", &["invoice number", "amount due"]),
            c("contract", &["agreement between parties", "signatures"]),
            c("recipe", &["ingredients", "oven temperature"]),
        ]
    }

    #[test]
    fn a_document_goes_to_the_category_its_words_and_title_name() {
        let invoice =
            doc(&[&[(BlockType::Title, "INVOICE"), (BlockType::Text, "Invoice Number: 7\nAmount due: $5")]]);
        let out = classify(&invoice, &categories(), &|| Ok(())).unwrap();
        assert_eq!(out.category, "invoice");
        let invoice = &out.confidence.categories[0];
        assert_eq!(invoice.confidence, 1.0);
        assert!(invoice.criteria_confidence.iter().all(|c| c.confidence == Confidence::High));
        assert_eq!(out.confidence.categories[2].confidence, 0.0);

        // The title on the first page outweighs a passing mention later.
        let contract = doc(&[
            &[(BlockType::Title, "Service Agreement"), (BlockType::Text, "Between the parties below")],
            &[(BlockType::Text, "Invoices are due in 30 days. Signatures:")],
        ]);
        assert_eq!(classify(&contract, &categories(), &|| Ok(())).unwrap().category, "contract");
        assert_eq!(classify(&contract, &categories(), &|| Err(Stopped)), Err(Stopped), "a stop is heard");
    }

    #[test]
    fn english_categories_know_the_words_of_other_languages() {
        let dutch = doc(&[&[
            (BlockType::Title, "FACTUUR"),
            (BlockType::Text, "Factuurnummer: 2021-07\nTotaal te betalen: € 121,00"),
        ]]);
        assert_eq!(classify(&dutch, &categories(), &|| Ok(())).unwrap().category, "invoice");
        let german = doc(&[&[
            (BlockType::Title, "Dienstleistungsvertrag"),
            (BlockType::Text, "Vereinbarung zwischen den Parteien\nUnterschrift"),
        ]]);
        assert_eq!(classify(&german, &categories(), &|| Ok(())).unwrap().category, "contract");
    }

    #[test]
    fn no_fitting_category_is_said_plainly() {
        let out =
            classify(&doc(&[&[(BlockType::Text, "A photo of a cat on a mat")]]), &categories(), &|| Ok(()))
                .unwrap();
        assert_eq!(out.category, NO_MATCH);
        assert!(out.confidence.categories.iter().all(|c| c.confidence == 0.0));
        let empty = classify(&Document::new(Vec::new()), &categories(), &|| Ok(())).unwrap();
        assert_eq!(empty.category, NO_MATCH);
    }
}
