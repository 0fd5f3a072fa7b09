//! The pages of a PDF that OCR reads: scans (pages with no text layer), and pages whose text
//! layer reads partly as garbage ([`super::garbled`]: fonts that map their glyphs to no
//! letters), which keep their text layer unless OCR reads them better.

use std::borrow::Cow;

use super::{garbled, ocr, Confidence, Document, EngineError, OnPage, RawPage, Stopped};

/// A page for OCR, and its visible size in points.
pub(super) struct ToOcr {
    number: u32,
    width: f32,
    height: f32,
    /// For a page whose text layer reads partly as garbage, what it holds.
    suspect: Option<garbled::Reading>,
}

/// The pages of `pages` that OCR reads.
pub(super) fn pages(pages: &[RawPage]) -> Vec<ToOcr> {
    let to_ocr = |p: &RawPage| {
        let suspect = p.reading.is_suspect().then_some(p.reading);
        let (width, height) = (p.area.2 - p.area.0, p.area.3 - p.area.1);
        (p.lines.is_empty() || suspect.is_some()).then_some(ToOcr {
            number: p.number,
            width,
            height,
            suspect,
        })
    };
    pages.iter().filter_map(to_ocr).collect()
}

/// OCRs the `to_ocr` pages into `document`, from `plain`: the PDF without its encryption, or
/// why there is none. A page with a suspect text layer is low confidence until OCR has read it,
/// and keeps its layer, whatever OCR's error, unless OCR reads it better
/// ([`ocr_reads_better`]); kept, it is high confidence again where OCR read it no better and
/// it is not mostly garbage. A scan's OCR error fails the read, except a missing tool when some
/// page has a text layer, which is still worth answering.
pub(super) fn read(
    plain: Result<Cow<'_, [u8]>, EngineError>,
    to_ocr: &[ToOcr],
    document: &mut Document,
    on_page: OnPage,
) -> Result<(), EngineError> {
    for page in to_ocr.iter().filter(|page| page.suspect.is_some()) {
        set_confidence(document, page.number, Confidence::Low);
    }
    if to_ocr.is_empty() {
        return Ok(());
    }
    let scans = to_ocr.iter().filter(|page| page.suspect.is_none()).count();
    let pages = document.pages.len();
    match plain.and_then(|plain| read_pages(&plain, to_ocr, document, on_page)) {
        Ok(()) => Ok(()),
        Err(EngineError::Stopped) => Err(EngineError::Stopped),
        // Garbled text layers are kept where OCR cannot run (no tools, no decrypted copy).
        Err(_) if scans == 0 => Ok(()),
        // Without the OCR tools, the pages that have text are still worth answering.
        Err(EngineError::OcrUnavailable(_)) if scans < pages => Ok(()),
        Err(e) => Err(e),
    }
}

/// OCRs the `to_ocr` pages of the unencrypted PDF `plain` into `document` (see [`read`]).
fn read_pages(
    plain: &[u8],
    to_ocr: &[ToOcr],
    document: &mut Document,
    on_page: OnPage,
) -> Result<(), EngineError> {
    let dir = ocr::tempdir()?;
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, plain).map_err(ocr::io)?;
    let total = document.pages.len() as u32;
    for &ToOcr { number, width, height, suspect } in to_ocr {
        match (ocr::read_pdf_page(&path, number, (width, height)), suspect) {
            (Ok(page), None) => document.put_ocr_page(number, page),
            (Ok(page), Some(layer)) if ocr_reads_better(&page, &layer) => document.put_ocr_page(number, page),
            // Read no better, a layer that is mostly text shows what the page shows (formulas).
            (Ok(_), Some(layer)) if !layer.is_mostly_garbage() => {
                set_confidence(document, number, Confidence::High)
            }
            // Otherwise the layer stays, at low confidence.
            (Ok(_) | Err(_), Some(_)) => {}
            (Err(e), None) => return Err(e),
        }
        on_page(number, total).map_err(|Stopped| EngineError::Stopped)?;
    }
    Ok(())
}

/// Whether OCR's reading of a page is better than its text layer's (`layer`): better by
/// [`garbled::Reading::is_better_than`], and sure of at least half its words. The English model
/// reading a Chinese page gives letters it is unsure of: 7 sure words in 76 on pdf.js's
/// XiaoBiaoSong.pdf, against 93 % and more on the pages of its TAMReview.pdf.
fn ocr_reads_better(page: &ocr::OcrPage, layer: &garbled::Reading) -> bool {
    let sure = page.words.iter().filter(|word| word.confidence >= ocr::HIGH_CONFIDENCE).count();
    let reading = garbled::read(page.blocks.iter().map(|block| block.content.as_str()));
    sure * 2 >= page.words.len() && reading.is_better_than(layer)
}

fn set_confidence(document: &mut Document, number: u32, confidence: Confidence) {
    let page = document.pages.iter_mut().find(|page| page.number == number);
    page.into_iter().flat_map(|page| &mut page.blocks).for_each(|block| block.confidence = confidence);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Block, BlockType, BoundingBox};

    /// An OCR'd page of one block holding `text`, its words as sure as `confidence`.
    fn ocr_page(text: &str, confidence: f64) -> ocr::OcrPage {
        let bbox = BoundingBox { left: 0.1, top: 0.1, width: 0.8, height: 0.1, page: 1, original_page: 1 };
        let word = |text: &str| ocr::OcrText { text: text.into(), bbox, confidence, rotation: 0 };
        let block = Block { kind: BlockType::Text, bbox, content: text.into(), confidence: Confidence::High };
        ocr::OcrPage {
            blocks: vec![block],
            lines: Vec::new(),
            words: text.split_whitespace().map(word).collect(),
        }
    }

    #[test]
    fn ocr_replaces_a_garbled_layer_only_when_it_is_sure_of_its_words() {
        let layer =
            garbled::read(["UserMotivation % 6 %% ’ & ’% & % &2% 6 ( 6) & + %3 3* (-./5) + %3 (-.45)"]);
        let text = "User Motivation. Davis (1985) proposed that a user's motivation can be explained";
        assert!(ocr_reads_better(&ocr_page(text, 0.95), &layer));
        assert!(!ocr_reads_better(&ocr_page(text, 0.4), &layer), "unsure letters are no better");
    }
}
