//! Chunking: how a document's blocks are grouped into the chunks the API returns. Blocks are
//! never split, so every chunk's text is exactly its blocks' texts joined by blank lines.

use serde::{Deserialize, Serialize};

use super::{Block, BlockType, Chunk, Document};

/// Reducto's `chunk_mode`s that the local engine implements. Serialized because a queued job
/// keeps its settings in the store until a worker runs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Chunking {
    /// One chunk for the whole document (Reducto's default).
    #[default]
    Disabled,
    /// One chunk per page that has text; pages without text produce no chunk.
    Page,
    /// A new chunk at every title or section header, which opens it.
    Section,
    /// Consecutive blocks up to about `size` characters; a longer block gets a chunk alone.
    Variable { size: usize },
}

pub fn chunk(document: &Document, mode: Chunking) -> Vec<Chunk> {
    let blocks = || document.pages.iter().flat_map(|p| p.blocks.iter().cloned());
    let groups: Vec<Vec<Block>> = match mode {
        Chunking::Disabled => vec![blocks().collect()],
        Chunking::Page => document.pages.iter().map(|p| p.blocks.clone()).collect(),
        Chunking::Section => {
            let mut groups: Vec<Vec<Block>> = vec![Vec::new()];
            for block in blocks() {
                if matches!(block.kind, BlockType::Title | BlockType::SectionHeader) {
                    groups.push(Vec::new());
                }
                groups.last_mut().expect("never empty").push(block);
            }
            groups
        }
        Chunking::Variable { size } => {
            let mut groups: Vec<Vec<Block>> = Vec::new();
            let mut current: Vec<Block> = Vec::new();
            let mut len = 0;
            for block in blocks() {
                let n = block.content.chars().count();
                // +2 for the blank line that joins it to the previous block.
                if !current.is_empty() && len + 2 + n > size {
                    groups.push(std::mem::take(&mut current));
                }
                len = if current.is_empty() { n } else { len + 2 + n };
                current.push(block);
            }
            groups.push(current);
            groups
        }
    };
    groups.into_iter().filter(|g| !g.is_empty()).map(to_chunk).collect()
}

fn to_chunk(blocks: Vec<Block>) -> Chunk {
    let content = blocks.iter().map(|b| b.content.as_str()).collect::<Vec<_>>().join("\n\n");
    Chunk { embed: content.clone(), content, enriched: None, enrichment_success: false, blocks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BoundingBox, Confidence, Page};

    fn block(page: u32, text: &str) -> Block {
        Block {
            kind: BlockType::Text,
            bbox: BoundingBox { left: 0.0, top: 0.0, width: 1.0, height: 0.1, page, original_page: page },
            content: text.into(),
            confidence: Confidence::High,
        }
    }

    fn header(page: u32, text: &str) -> Block {
        Block { kind: BlockType::SectionHeader, ..block(page, text) }
    }

    fn doc() -> Document {
        Document::new(vec![
            Page { number: 1, blocks: vec![block(1, "aaaa"), block(1, "bbbb")] },
            Page { number: 2, blocks: vec![] },
            Page { number: 3, blocks: vec![block(3, "cccccccccc"), block(3, "dd")] },
        ])
    }

    #[test]
    fn disabled_is_one_chunk_of_everything() {
        let chunks = chunk(&doc(), Chunking::Disabled);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].content, "aaaa\n\nbbbb\n\ncccccccccc\n\ndd");
        assert_eq!(chunks[0].embed, chunks[0].content);
    }

    #[test]
    fn page_mode_skips_pages_without_text() {
        let chunks = chunk(&doc(), Chunking::Page);
        let pages: Vec<u32> = chunks.iter().map(|c| c.blocks[0].bbox.page).collect();
        assert_eq!(pages, [1, 3]);
    }

    #[test]
    fn section_mode_opens_a_chunk_at_each_header() {
        let doc = Document::new(vec![
            Page { number: 1, blocks: vec![block(1, "preface"), header(1, "One"), block(1, "a")] },
            Page { number: 2, blocks: vec![block(2, "b"), header(2, "Two"), block(2, "c")] },
        ]);
        let contents: Vec<String> = chunk(&doc, Chunking::Section).into_iter().map(|c| c.content).collect();
        assert_eq!(contents, ["preface", "One\n\na\n\nb", "Two\n\nc"]);
    }

    #[test]
    fn variable_mode_packs_whole_blocks_up_to_the_size() {
        let chunks = chunk(&doc(), Chunking::Variable { size: 10 });
        let contents: Vec<&str> = chunks.iter().map(|c| c.content.as_str()).collect();
        // "aaaa\n\nbbbb" is 10 chars; the 10-char block does not fit after it; "dd" starts anew.
        assert_eq!(contents, ["aaaa\n\nbbbb", "cccccccccc", "dd"]);
    }
}
