//! Plain text and Markdown. A text file is one page; its blocks are the paragraphs separated
//! by blank lines. Text has no geometry, so each bbox is nominal: the full width, and
//! vertically the block's share of the file's lines (a block on lines 10-19 of 100 has
//! `top` 0.1 and `height` 0.1). In Markdown, a paragraph opening with `#` is a header.

use super::{Block, BlockType, BoundingBox, Confidence, Document, EngineError, Page};

pub fn read(text: &str, markdown: bool) -> Result<Document, EngineError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
    let total = lines.len().max(1) as f64;
    let mut blocks = Vec::new();
    let mut start = None;
    // A sentinel blank line closes the last paragraph.
    for (i, line) in lines.iter().chain(std::iter::once(&"")).enumerate() {
        match (line.trim().is_empty(), start) {
            (false, None) => start = Some(i),
            (true, Some(first)) => {
                let content = lines[first..i].join("\n");
                blocks.push(Block {
                    kind: kind_of(&content, markdown),
                    bbox: BoundingBox {
                        left: 0.0,
                        top: first as f64 / total,
                        width: 1.0,
                        height: (i - first) as f64 / total,
                        page: 1,
                        original_page: 1,
                    },
                    content,
                    confidence: Confidence::High,
                });
                start = None;
            }
            _ => {}
        }
    }
    if blocks.is_empty() {
        return Err(EngineError::EmptyText);
    }
    Ok(Document::new(vec![Page { number: 1, blocks }]))
}

fn kind_of(paragraph: &str, markdown: bool) -> BlockType {
    if !markdown {
        return BlockType::Text;
    }
    let hashes = paragraph.chars().take_while(|&c| c == '#').count();
    let is_heading = (1..=6).contains(&hashes) && paragraph[hashes..].starts_with(' ');
    match (is_heading, hashes) {
        (true, 1) => BlockType::Title,
        (true, _) => BlockType::SectionHeader,
        _ => BlockType::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_become_blocks_with_nominal_boxes() {
        let doc = read("Hello\nworld\n\n\nSecond one\n", false).unwrap();
        let blocks = &doc.pages[0].blocks;
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].content, "Hello\nworld");
        assert_eq!(blocks[1].content, "Second one");
        // Five lines: the first block covers lines 0-1, the second line 4.
        assert_eq!((blocks[0].bbox.top, blocks[0].bbox.height), (0.0, 0.4));
        assert_eq!((blocks[1].bbox.top, blocks[1].bbox.height), (0.8, 0.2));
    }

    #[test]
    fn markdown_headings_are_typed() {
        let doc = read("# Title\n\n## Part\n\n#hashtag text", true).unwrap();
        let kinds: Vec<BlockType> = doc.pages[0].blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [BlockType::Title, BlockType::SectionHeader, BlockType::Text]);
    }

    #[test]
    fn blank_text_is_an_error() {
        assert_eq!(read(" \n\n \n", false), Err(EngineError::EmptyText));
    }
}
