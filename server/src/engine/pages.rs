//! `settings.page_range`: which pages of a document a caller asked for, and the document cut
//! down to them. As Reducto does, the pages kept are numbered again from 1 in their order
//! (a block's `bbox.page`), each keeping its number in the document (`bbox.original_page`).
//! Spans are inclusive, may overlap or come in any order (each page is read once, in page
//! order), and an end past the last page stops at it. A spreadsheet's pages are its sheets,
//! so they can also be asked for by name.

use serde::{Deserialize, Serialize};

use super::{Document, EngineError};

/// The pages asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageRange {
    /// Inclusive `(start, end)` spans of 1-indexed page numbers; an open end is `None`.
    Spans(Vec<(Option<u32>, Option<u32>)>),
    /// A spreadsheet's sheets, by name.
    Sheets(Vec<String>),
}

impl PageRange {
    /// The page numbers the spans select among `1..=num_pages`, in order, each once. The spans
    /// are sorted first, so the work is the pages selected, however many spans overlap them (a
    /// body can hold a million spans of the whole document).
    pub fn numbers(spans: &[(Option<u32>, Option<u32>)], num_pages: u32) -> Vec<u32> {
        let mut spans: Vec<(u32, u32)> = spans
            .iter()
            .map(|&(start, end)| (start.unwrap_or(1).max(1), end.unwrap_or(num_pages).min(num_pages)))
            .filter(|(start, end)| start <= end)
            .collect();
        spans.sort_unstable();
        let mut numbers = Vec::new();
        let mut next = 1;
        for (start, end) in spans {
            numbers.extend(start.max(next)..=end);
            next = next.max(end + 1);
        }
        numbers
    }

    /// The page numbers selected among a document's `num_pages`: an error names a range that
    /// selects none, and sheet names asked of a document that has no sheets.
    pub fn select(&self, num_pages: u32, format: &str) -> Result<Vec<u32>, EngineError> {
        match self {
            PageRange::Spans(spans) => match PageRange::numbers(spans, num_pages) {
                numbers if numbers.is_empty() => Err(EngineError::NoPageInRange { num_pages }),
                numbers => Ok(numbers),
            },
            PageRange::Sheets(names) => {
                Err(EngineError::NoSheets { names: names.clone(), format: format.into() })
            }
        }
    }

    /// The numbers of the sheets named, among `sheets` in workbook order; spans select sheets
    /// by their number.
    pub fn select_sheets(&self, sheets: &[String]) -> Result<Vec<u32>, EngineError> {
        let PageRange::Sheets(names) = self else { return self.select(sheets.len() as u32, "XLSX") };
        let mut numbers = Vec::with_capacity(names.len());
        for name in names {
            match sheets.iter().position(|sheet| sheet == name) {
                Some(index) => numbers.push(index as u32 + 1),
                None => {
                    return Err(EngineError::UnknownSheet { name: name.clone(), sheets: sheets.to_vec() })
                }
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        Ok(numbers)
    }
}

impl Document {
    /// The pages numbered `numbers` (ascending), numbered again from 1; each block and OCR
    /// text keeps its page's number in the document as `original_page`.
    pub fn keep_pages(self, numbers: &[u32]) -> Document {
        let new_number = |old: u32| numbers.binary_search(&old).ok().map(|i| i as u32 + 1);
        let mut pages = Vec::with_capacity(numbers.len());
        for mut page in self.pages {
            let Some(number) = new_number(page.number) else { continue };
            for block in &mut page.blocks {
                block.bbox.original_page = page.number;
                block.bbox.page = number;
            }
            page.number = number;
            pages.push(page);
        }
        let renumber = |texts: Vec<super::ocr::OcrText>| {
            let renumbered = texts.into_iter().filter_map(|mut text| {
                text.bbox.original_page = text.bbox.page;
                text.bbox.page = new_number(text.bbox.page)?;
                Some(text)
            });
            renumbered.collect()
        };
        let ocr = super::Ocr { words: renumber(self.ocr.words), lines: renumber(self.ocr.lines) };
        Document { pages, ocr }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::BlockType;

    #[test]
    fn spans_are_inclusive_ordered_once_and_stop_at_the_last_page() {
        let spans = PageRange::Spans(vec![(Some(4), Some(9)), (Some(2), Some(2)), (Some(3), Some(5))]);
        assert_eq!(spans.select(6, "PDF").unwrap(), [2, 3, 4, 5, 6]);
        let open = PageRange::Spans(vec![(None, Some(2)), (Some(5), None)]);
        assert_eq!(open.select(6, "PDF").unwrap(), [1, 2, 5, 6]);
        let many = PageRange::Spans(vec![(None, None); 1_000_000]);
        assert_eq!(many.select(6, "PDF").unwrap(), [1, 2, 3, 4, 5, 6]);
        let past = PageRange::Spans(vec![(Some(7), Some(9))]);
        assert_eq!(past.select(6, "PDF"), Err(EngineError::NoPageInRange { num_pages: 6 }));
    }

    #[test]
    fn sheets_are_asked_for_by_name_or_number() {
        let sheets = ["Summary".to_owned(), "Q1".to_owned(), "Q2".to_owned()];
        let named = PageRange::Sheets(vec!["Q2".into(), "Summary".into()]);
        assert_eq!(named.select_sheets(&sheets).unwrap(), [1, 3]);
        assert_eq!(PageRange::Spans(vec![(Some(2), None)]).select_sheets(&sheets).unwrap(), [2, 3]);
        let missing = PageRange::Sheets(vec!["Q3".into()]).select_sheets(&sheets).unwrap_err();
        assert_eq!(
            missing.to_string(),
            "page_range names a sheet the workbook does not have: 'Q3' (its sheets: 'Summary', 'Q1', 'Q2')"
        );
        let pdf = named.select(3, "PDF").unwrap_err();
        assert!(pdf.to_string().contains("only a spreadsheet (XLSX) has sheets"), "{pdf}");
    }

    #[test]
    fn kept_pages_are_numbered_again_and_keep_their_own_number() {
        let document = Document::of_blocks([
            vec![(BlockType::Text, "one")],
            vec![(BlockType::Text, "two")],
            vec![(BlockType::Text, "three")],
        ]);
        let kept = document.keep_pages(&[1, 3]);
        let pages: Vec<(u32, u32, u32, &str)> = kept
            .pages
            .iter()
            .flat_map(|p| {
                p.blocks.iter().map(move |b| (p.number, b.bbox.page, b.bbox.original_page, &*b.content))
            })
            .collect();
        assert_eq!(pages, [(1, 1, 1, "one"), (2, 2, 3, "three")]);
    }
}
