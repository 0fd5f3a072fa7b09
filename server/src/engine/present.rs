//! How a parse result is written out, as the caller's options ask: its tables joined, cut and
//! written in a format (`formatting.table_output_format`, `merge_tables`,
//! `spreadsheet.split_large_tables`), page markers, `retrieval.filter_blocks`; and whether the
//! result carries its OCR data or comes as a URL (those two are applied where the response is
//! shaped). A job keeps its chunks as the engine made them (Markdown tables, every block's
//! text), which is what a later `jobid://` input reads again; they are written the caller's way
//! each time the result is answered.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::tables::{self, TableFormat};
use super::{Block, BlockType, Chunk};

/// What a caller asked the chunks to look like.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Presentation {
    /// `formatting.table_output_format`.
    pub tables: TableFormat,
    /// `formatting.merge_tables`: a table continued under the same header in the next block
    /// (across a page break too) is joined to it, within a chunk (see `tables::append_continuation`).
    pub merge_tables: bool,
    /// `spreadsheet.split_large_tables`: tables joined again (as `merge_tables` joins them) and
    /// cut every this many rows, or left whole at 0; `None` keeps the engine's cut (every
    /// [`TABLE_ROWS`](super::flow::TABLE_ROWS) rows, Reducto's default).
    pub table_rows: Option<usize>,
    /// `formatting.add_page_markers`: `[[START OF PAGE n]]` and `[[END OF PAGE n]]` around each
    /// page's text.
    pub page_markers: bool,
    /// `retrieval.filter_blocks`: block types left out of a chunk's `content` and `embed`
    /// (they stay in its `blocks`).
    pub filter_blocks: Vec<BlockType>,
    /// `settings.return_ocr_data`: the result carries what OCR read (`result.ocr`).
    pub ocr_data: bool,
    /// `settings.force_url_result`: the result is answered as a URL, whatever its size.
    pub url_result: bool,
}

/// `chunks` written as `presentation` asks.
pub fn chunks(mut chunks: Vec<Chunk>, presentation: &Presentation) -> Vec<Chunk> {
    for chunk in &mut chunks {
        chunk.blocks = with_tables_written(std::mem::take(&mut chunk.blocks), presentation);
    }
    // Where each page's first and last blocks sit, as (chunk, block) positions: a page's
    // markers go around its text even when a chunk boundary falls inside the page.
    let mut page_ends: HashMap<u32, (Position, Position)> = HashMap::new();
    for (c, chunk) in chunks.iter().enumerate() {
        for (b, block) in chunk.blocks.iter().enumerate() {
            page_ends.entry(block.bbox.page).and_modify(|ends| ends.1 = (c, b)).or_insert(((c, b), (c, b)));
        }
    }
    for (c, chunk) in chunks.iter_mut().enumerate() {
        // The parts joined by blank lines, as the engine joins a chunk's blocks.
        let mut parts: Vec<Cow<str>> = Vec::new();
        for (b, block) in chunk.blocks.iter().enumerate() {
            let page = block.bbox.page;
            let (first, last) = page_ends[&page];
            if presentation.page_markers && first == (c, b) {
                parts.push(format!("[[START OF PAGE {page}]]").into());
            }
            if !presentation.filter_blocks.contains(&block.kind) {
                parts.push(block.content.as_str().into());
            }
            if presentation.page_markers && last == (c, b) {
                parts.push(format!("[[END OF PAGE {page}]]").into());
            }
        }
        chunk.content = parts.join("\n\n");
        chunk.embed = chunk.content.clone();
    }
    chunks
}

/// A chunk's blocks with their tables joined (`merge_tables`, or to be cut again), cut every
/// `table_rows` rows and written in the table format asked for.
fn with_tables_written(blocks: Vec<Block>, presentation: &Presentation) -> Vec<Block> {
    let blocks = match presentation.merge_tables || presentation.table_rows.is_some() {
        true => merge_tables(blocks),
        false => blocks,
    };
    let cut_every = presentation.table_rows.filter(|&rows| rows > 0);
    let mut written = Vec::with_capacity(blocks.len());
    for mut block in blocks {
        if block.kind != BlockType::Table {
            written.push(block);
            continue;
        }
        // Taken out, so that each piece copies the block's box and type, not the whole table.
        let table = std::mem::take(&mut block.content);
        let pieces = match cut_every {
            Some(rows) => tables::cut(&table, rows),
            None => vec![table],
        };
        for piece in pieces {
            written.push(Block { content: tables::render(&piece, presentation.tables), ..block.clone() });
        }
    }
    written
}

/// `blocks` with each table continued in the next block joined to it; the joined table keeps
/// its first block's box, grown to cover the rest where they share its page.
fn merge_tables(blocks: Vec<Block>) -> Vec<Block> {
    let mut kept: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        if let Some(last) = kept.last_mut() {
            let both_tables = last.kind == BlockType::Table && block.kind == BlockType::Table;
            if both_tables && tables::append_continuation(&mut last.content, &block.content) {
                if last.bbox.page == block.bbox.page {
                    last.bbox = last.bbox.union(&block.bbox);
                }
                continue;
            }
        }
        kept.push(block);
    }
    kept
}

/// A block's place in a result: (chunk, block).
type Position = (usize, usize);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{chunk, Chunking, Document};

    const TABLE: &str = "| a | b |\n| --- | --- |\n| 1 | 2 |";

    fn document() -> Document {
        Document::of_blocks([
            vec![(BlockType::Header, "ACME"), (BlockType::Text, "one"), (BlockType::Table, TABLE)],
            vec![(BlockType::Header, "ACME"), (BlockType::Text, "two")],
        ])
    }

    fn contents(mode: Chunking, presentation: &Presentation) -> Vec<String> {
        chunks(chunk::chunk(&document(), mode), presentation).into_iter().map(|c| c.content).collect()
    }

    #[test]
    fn the_default_writes_the_chunks_as_the_engine_made_them() {
        let made = chunk::chunk(&document(), Chunking::Page);
        assert_eq!(chunks(made.clone(), &Presentation::default()), made);
    }

    #[test]
    fn page_markers_go_around_each_pages_text_across_chunks() {
        let marked = Presentation { page_markers: true, ..Default::default() };
        assert_eq!(
            contents(Chunking::Disabled, &marked),
            [format!(
                "[[START OF PAGE 1]]\n\nACME\n\none\n\n{TABLE}\n\n[[END OF PAGE 1]]\n\n\
                 [[START OF PAGE 2]]\n\nACME\n\ntwo\n\n[[END OF PAGE 2]]"
            )]
        );
        let split = contents(Chunking::Variable { size: 12 }, &marked);
        assert_eq!(split[0], "[[START OF PAGE 1]]\n\nACME\n\none");
        assert_eq!(split[1], format!("{TABLE}\n\n[[END OF PAGE 1]]"));
    }

    #[test]
    fn filtered_blocks_leave_the_text_and_stay_in_the_blocks() {
        let filtered = Presentation { filter_blocks: vec![BlockType::Header], ..Default::default() };
        let written = chunks(chunk::chunk(&document(), Chunking::Page), &filtered);
        assert_eq!(written[1].content, "two");
        assert_eq!(written[1].embed, "two");
        assert_eq!(written[1].blocks.len(), 2);
    }

    #[test]
    fn a_table_cut_into_blocks_is_joined_when_asked() {
        let continued = "| a | b |\n| --- | --- |\n| 3 | 4 |";
        let document = Document::of_blocks([
            vec![(BlockType::Table, TABLE)],
            vec![(BlockType::Table, continued), (BlockType::Text, "after")],
        ]);
        let merge = Presentation { merge_tables: true, ..Default::default() };
        let written = chunks(chunk::chunk(&document, Chunking::Disabled), &merge);
        assert_eq!(written[0].blocks.len(), 2);
        assert_eq!(written[0].content, format!("{TABLE}\n| 3 | 4 |\n\nafter"));
        let apart = chunks(chunk::chunk(&document, Chunking::Disabled), &Presentation::default());
        assert_eq!(apart[0].blocks.len(), 3);
    }

    #[test]
    fn large_tables_are_cut_where_asked_or_left_whole() {
        let continued = "| a | b |\n| --- | --- |\n| 3 | 4 |\n| 5 | 6 |";
        let document = Document::of_blocks([vec![(BlockType::Table, TABLE), (BlockType::Table, continued)]]);
        let table_blocks = |table_rows| {
            let written = chunks(
                chunk::chunk(&document, Chunking::Disabled),
                &Presentation { table_rows, ..Default::default() },
            );
            written[0].blocks.iter().map(|b| b.content.clone()).collect::<Vec<_>>()
        };
        assert_eq!(table_blocks(None), [TABLE, continued], "as the engine cut them");
        assert_eq!(table_blocks(Some(0)), ["| a | b |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |\n| 5 | 6 |"]);
        assert_eq!(
            table_blocks(Some(2)),
            ["| a | b |\n| --- | --- |\n| 1 | 2 |\n| 3 | 4 |", "| a | b |\n| --- | --- |\n| 5 | 6 |"]
        );
    }

    #[test]
    fn tables_are_written_in_the_format_asked_for() {
        let html = Presentation { tables: TableFormat::Html, ..Default::default() };
        let written = chunks(chunk::chunk(&document(), Chunking::Disabled), &html);
        let table = "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>";
        assert_eq!(written[0].blocks[2].content, table);
        assert_eq!(written[0].content, format!("ACME\n\none\n\n{table}\n\nACME\n\ntwo"));
    }
}
