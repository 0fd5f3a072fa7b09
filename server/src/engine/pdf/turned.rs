//! Pages whose text is drawn turned: a landscape page stood on its side with `/Rotate` and its
//! content drawn rotated back, or a copier's OCR layer on a page scanned sideways. pdf_oxide
//! reads a turned line as one run of glyphs with no word spaces, boxed where the glyphs are not
//! (pdf.js's issue5747.pdf read "Loremipsumdolorsitamet,consetetur"). Poppler reads such
//! pages as a viewer shows them, so there poppler's lines (`pdftotext -bbox-layout`) replace
//! pdf_oxide's, in the page's displayed space. Without poppler, or where it fails, a page keeps
//! pdf_oxide's reading, at low confidence.

use pdf_oxide::layout::{TextChar, TextSpan};

use super::{garbled, Line, RawPage, Rect, COLUMN_GAP_EMS, WORD_GAP_EMS};
use crate::engine::{ocr, xml, EngineError};

/// Whether pdf_oxide's spans look like turned text, which [`is_turned`] then checks: most of
/// the page's letters are in runs of three or more glyphs no wider than one font size (pdf_oxide
/// boxes a turned run one font size wide, whatever its length). A cheap look, so that only such
/// pages have their characters read.
pub(super) fn looks_turned(spans: &[TextSpan]) -> bool {
    let glyphs = |span: &TextSpan| span.text.chars().filter(|c| !c.is_whitespace()).count();
    let narrow = |span: &&TextSpan| glyphs(span) >= 3 && span.bbox.width <= span.font_size * 1.01;
    let in_narrow: usize = spans.iter().filter(narrow).map(glyphs).sum();
    in_narrow > 0 && 2 * in_narrow >= spans.iter().map(glyphs).sum::<usize>()
}

/// Whether most of the page's glyphs are drawn at an angle to its horizontal.
pub(super) fn is_turned(chars: &[TextChar]) -> bool {
    let glyphs = chars.iter().filter(|c| !c.char.is_whitespace());
    let (all, turned) = glyphs.fold((0, 0), |(all, turned), c| {
        let angle = c.rotation_degrees.rem_euclid(360.0);
        (all + 1, turned + usize::from(angle > 1.0 && angle < 359.0))
    });
    all > 0 && 2 * turned > all
}

/// Reads the `turned` pages of `pages` again with poppler, from `plain` (the unencrypted PDF).
/// Each page poppler reads gets its lines, in its displayed space, and is no longer `turned`;
/// the others keep theirs.
pub(super) fn read(plain: &[u8], pages: &mut [RawPage]) {
    let numbers: Vec<u32> = pages.iter().filter(|page| page.turned).map(|page| page.number).collect();
    let (Some(&first), Some(&last)) = (numbers.first(), numbers.last()) else { return };
    let Ok(read) = poppler_pages(plain, first, last) else { return };
    for page in pages.iter_mut().filter(|page| page.turned) {
        let Some(words) = read.get((page.number - first) as usize) else { continue };
        let (width, height) = page.displayed_size();
        page.lines = words.iter().filter_map(|line| line_of(line, height)).collect();
        page.area = (0.0, 0.0, width, height);
        page.rotation = 0;
        page.turned = false;
        page.reading = garbled::read(page.lines.iter().map(|line| line.text.as_str()));
    }
}

/// A word as poppler boxes it: from the top left of the displayed page, in points.
#[derive(Debug)]
struct Word {
    text: String,
    x_min: f32,
    y_min: f32,
    x_max: f32,
    y_max: f32,
}

/// Pages `first` to `last` of `plain` as poppler reads them: each page's lines of words.
fn poppler_pages(plain: &[u8], first: u32, last: u32) -> Result<Vec<Vec<Vec<Word>>>, EngineError> {
    let dir = ocr::tempdir()?;
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, plain).map_err(ocr::io)?;
    let mut command = std::process::Command::new(ocr::PDFTOTEXT.name);
    command.args(["-q", "-bbox-layout", "-f", &first.to_string(), "-l", &last.to_string()]);
    command.arg(&path).arg("-");
    let xhtml = ocr::run(command, ocr::PDFTOTEXT)?;
    pages_of(&String::from_utf8_lossy(&xhtml))
}

/// The pages, lines and words of `pdftotext -bbox-layout`'s XHTML.
fn pages_of(xhtml: &str) -> Result<Vec<Vec<Vec<Word>>>, EngineError> {
    let mut pages: Vec<Vec<Vec<Word>>> = Vec::new();
    let mut word: Option<Word> = None;
    xml::walk(xhtml, "pdftotext's words", |node| match node {
        xml::Node::Open { ref name, .. } if name == "page" => pages.push(Vec::new()),
        xml::Node::Open { ref name, .. } if name == "line" => {
            if let Some(page) = pages.last_mut() {
                page.push(Vec::new());
            }
        }
        xml::Node::Open { ref name, .. } if name == "word" => {
            let at = |key: &str| node.attr(key).and_then(|v| v.parse::<f32>().ok()).unwrap_or(0.0);
            let (x_min, y_min, x_max, y_max) = (at("xMin"), at("yMin"), at("xMax"), at("yMax"));
            word = Some(Word { text: String::new(), x_min, y_min, x_max, y_max });
        }
        xml::Node::Text(text) => {
            if let Some(word) = &mut word {
                word.text.push_str(&text);
            }
        }
        xml::Node::Close { name } if name == "word" => {
            let line = pages.last_mut().and_then(|page| page.last_mut());
            if let (Some(word), Some(line)) = (word.take(), line) {
                line.push(Word { text: word.text.trim().to_owned(), ..word });
            }
        }
        _ => {}
    })?;
    Ok(pages)
}

/// One of poppler's lines as a [`Line`] in PDF space (y up) on a displayed page `height`
/// points high: its words joined, by a space where they stand apart, and cut into cells at
/// column gaps. Its font size is taken to be its thickness (poppler's boxes span a font's
/// ascent to its descent).
fn line_of(words: &[Word], height: f32) -> Option<Line> {
    let boxed = |word: &Word| Rect {
        x0: word.x_min,
        y0: height - word.y_max,
        x1: word.x_max,
        y1: height - word.y_min,
    };
    let first = boxed(words.iter().find(|word| !word.text.is_empty())?);
    let rect = words.iter().map(boxed).fold(first, Rect::union);
    // Across a line running down the page its words are as wide as its font is high. Each
    // word's thickness, not the line's: a scan's slightly skewed line is thicker than its words.
    let runs_down = rect.height() > rect.x1 - rect.x0;
    let thickness = |word: &Word| if runs_down { word.x_max - word.x_min } else { word.y_max - word.y_min };
    let font_size = words.iter().map(thickness).fold(1.0, f32::max);
    let mut cells: Vec<(String, Rect)> = Vec::new();
    let mut last = first;
    for word in words.iter().filter(|word| !word.text.is_empty()) {
        let rect = boxed(word);
        // Words run across or down the page: the gap is along whichever way they run. Poppler
        // makes a word of each glyph of Chinese or Japanese, set with no gap between them.
        let gap = last.gap(rect).max(last.gap_down(rect));
        last = rect;
        match cells.last_mut() {
            Some((text, cell)) if gap <= font_size * COLUMN_GAP_EMS => {
                if gap > font_size * WORD_GAP_EMS {
                    text.push(' ');
                }
                text.push_str(&word.text);
                *cell = cell.union(rect);
            }
            _ => cells.push((word.text.clone(), rect)),
        }
    }
    let text = cells.iter().map(|(text, _)| text.as_str()).collect::<Vec<_>>().join("\t");
    Some(Line { text, cells, rect, reach: rect.x1, font_size })
}

#[cfg(test)]
mod tests {
    use super::*;

    const XHTML: &str = r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml">
<head><title></title><meta name="Producer" content="3-Heights"/></head>
<body><doc>
  <page width="595.2" height="419.5">
    <flow><block xMin="35" yMin="83" xMax="420" yMax="123">
      <line xMin="35" yMin="83" xMax="372" yMax="108">
        <word xMin="35" yMin="83" xMax="87" yMax="108">Lorem</word>
        <word xMin="95" yMin="83" xMax="145" yMax="108">ipsum</word>
        <word xMin="300" yMin="83" xMax="330" yMax="108">AT&amp;T</word>
        <word xMin="336" yMin="83" xMax="372" yMax="108">&#8364;12</word>
      </line>
    </block></flow>
  </page>
  <page width="595.2" height="419.5"></page>
</doc></body></html>"#;

    #[test]
    fn poppler_words_become_lines_cut_at_column_gaps() {
        let pages = pages_of(XHTML).unwrap();
        assert_eq!(pages.len(), 2);
        assert!(pages[1].is_empty());
        let line = line_of(&pages[0][0], 600.0).unwrap();
        assert_eq!(line.text, "Lorem ipsum\tAT&T €12");
        // From the top left to PDF space: y grows upwards from the page's bottom.
        assert_eq!((line.rect.x0, line.rect.y0, line.rect.x1, line.rect.y1), (35.0, 492.0, 372.0, 517.0));
        assert_eq!(line.font_size, 25.0);
    }

    #[test]
    fn a_skewed_lines_words_are_spaced_by_their_own_size() {
        // pdf.js's issue5747.pdf: a scan's line rising 36 pt over its length, its words 25 pt
        // high and 5 pt apart.
        let word = |text: &str, x_min: f32, x_max: f32, y_min: f32| Word {
            text: text.into(),
            x_min,
            y_min,
            x_max,
            y_max: y_min + 25.5,
        };
        let words = [
            word("Lorem", 35.3, 87.4, 83.4),
            word("sit", 202.3, 222.0, 89.7),
            word("amet,", 227.3, 272.6, 91.3),
            word("consetetur", 279.6, 371.8, 94.2),
        ];
        assert_eq!(line_of(&words, 600.0).unwrap().text, "Lorem\tsit amet, consetetur");
    }

    #[test]
    fn words_running_down_the_page_are_one_line_spaced_where_apart() {
        // "Print or type." turned a quarter: each word below the last, one column.
        let word = |text: &str, y_min: f32, y_max: f32| Word {
            text: text.into(),
            x_min: 10.0,
            y_min,
            x_max: 20.0,
            y_max,
        };
        let words = [word("Print", 100.0, 125.0), word("or", 128.0, 138.0), word("type.", 141.0, 165.0)];
        let line = line_of(&words, 792.0).unwrap();
        assert_eq!(line.text, "Print or type.");
        assert_eq!(line.font_size, 10.0);
        // Japanese set vertically, a word for each glyph, one under the other.
        let words = [word("日", 100.0, 110.0), word("本", 110.0, 120.0), word("語", 120.0, 130.0)];
        assert_eq!(line_of(&words, 792.0).unwrap().text, "日本語");
    }
}
