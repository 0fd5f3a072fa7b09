//! Type sizes, which tell headings from text for both readers of a page: the PDF reader (font
//! sizes in points) and OCR (line heights in pixels). The body size is the size that covers
//! the most characters; a short block well above it is a title or a section header.

use super::BlockType;

/// A size at least this many times the body's is a heading's.
const HEADING_RATIO: f64 = 1.15;
/// A size at least this many times the body's, on the first page, is the title's.
const TITLE_RATIO: f64 = 1.6;

/// The size that covers the most characters, from `(size, characters)` pairs, sizes grouped in
/// steps of `step` (half points, two pixels); among equals, the smaller. None for no text.
pub fn body_size(sizes: impl IntoIterator<Item = (f64, usize)>, step: f64) -> Option<f64> {
    let mut by_size: Vec<(i64, usize)> = Vec::new();
    for (size, characters) in sizes {
        let key = (size / step).round() as i64;
        match by_size.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += characters,
            None => by_size.push((key, characters)),
        }
    }
    by_size.into_iter().max_by_key(|&(k, n)| (n, -k)).map(|(k, _)| k as f64 * step)
}

pub fn is_heading_size(size: f64, body: f64) -> bool {
    size >= body * HEADING_RATIO
}

/// A block's type by its size: a `short` block (a few lines) well above the body's size is the
/// title on the first page, a little above it a section header; anything else is text.
pub fn kind_by_size(size: f64, body: f64, short: bool, page: u32) -> BlockType {
    if short && size >= body * TITLE_RATIO && page == 1 {
        BlockType::Title
    } else if short && is_heading_size(size, body) {
        BlockType::SectionHeader
    } else {
        BlockType::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_the_size_with_the_most_characters_and_headings_stand_above_it() {
        let body = body_size([(11.0, 400), (18.0, 20), (11.2, 30), (9.0, 420)], 0.5);
        assert_eq!(body, Some(11.0), "11.2 pt is counted with 11 pt");
        assert_eq!(body_size([(11.0, 100), (9.0, 100)], 0.5), Some(9.0), "a tie goes to the smaller size");
        assert_eq!(body_size([], 2.0), None);
        assert_eq!(kind_by_size(18.0, 11.0, true, 1), BlockType::Title);
        assert_eq!(kind_by_size(18.0, 11.0, true, 2), BlockType::SectionHeader);
        assert_eq!(kind_by_size(13.0, 11.0, true, 1), BlockType::SectionHeader);
        assert_eq!(kind_by_size(13.0, 11.0, false, 1), BlockType::Text);
        assert_eq!(kind_by_size(11.0, 11.0, true, 1), BlockType::Text);
    }
}
