//! Blocks for documents without geometry (HTML, DOCX, CSV, XLSX): readers push typed text in
//! reading order and [`Flow::finish`] lays it out nominally, as the text reader does: full
//! width, and vertically each block's share of its page's lines.
//!
//! Tables become `Table` blocks whose content is a Markdown table (a header row, then the
//! rows), cut into blocks of at most [`TABLE_ROWS`] rows with the header repeated in each.
//! Markdown because it is what a chunk's `content` and `embed` are for (text a reader or an
//! embedding model takes in), and it keeps rows one per line for split and extract; cut up so
//! one large sheet cannot make one unbounded block (and so one unbounded chunk), with the
//! header repeated so every block still says what its columns are.

use super::{Block, BlockType, BoundingBox, Confidence, Document, EngineError, Page};

/// The most rows (besides the header) in one `Table` block.
pub const TABLE_ROWS: usize = 50;

/// The most cells (rows × columns, blanks included) one table may span once laid out. A short
/// file can ask for far more: one CSV row of 200,000 commas beside 2,000 short rows is 400
/// million cells of padding.
pub const MAX_TABLE_CELLS: usize = 5_000_000;

/// The most bytes of cell text one table may hold: XLSX cells can all point at one huge
/// shared string, so the text of a sheet can be much larger than its file.
pub const MAX_TABLE_BYTES: usize = 64 << 20;

/// Counts a table's cells and text while a reader reads it, and stops it at the limits.
#[derive(Debug, Default)]
pub struct TableBudget {
    rows: usize,
    width: usize,
    bytes: usize,
}

impl TableBudget {
    /// Counts one more row of `width` columns and `bytes` of text.
    pub fn row(&mut self, width: usize, bytes: usize) -> Result<(), EngineError> {
        self.rows += 1;
        self.width = self.width.max(width);
        self.text(bytes)?;
        let cells = self.rows.saturating_mul(self.width);
        if cells > MAX_TABLE_CELLS {
            return Err(EngineError::TableTooLarge { what: "cells", size: cells, limit: MAX_TABLE_CELLS });
        }
        Ok(())
    }

    /// Counts `bytes` more of cell text.
    pub fn text(&mut self, bytes: usize) -> Result<(), EngineError> {
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > MAX_TABLE_BYTES {
            return Err(EngineError::TableTooLarge {
                what: "bytes of text",
                size: self.bytes,
                limit: MAX_TABLE_BYTES,
            });
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
pub struct Flow {
    /// Each page's blocks, as (type, content); there is always a current (last) page.
    pages: Vec<Vec<(BlockType, String)>>,
}

impl Flow {
    pub fn new() -> Flow {
        Flow { pages: vec![Vec::new()] }
    }

    /// Adds a block to the current page; blank text adds nothing.
    pub fn push(&mut self, kind: BlockType, text: &str) {
        if let Some(block) = block(kind, text) {
            self.pages.last_mut().expect("a current page").push(block);
        }
    }

    /// Adds a table, the first row being its header; empty rows and columns are dropped. A
    /// table that would span more than [`MAX_TABLE_CELLS`] once padded is refused.
    pub fn table(&mut self, rows: Vec<Vec<String>>) -> Result<(), EngineError> {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|row| row.into_iter().map(|cell| cell_text(&cell)).collect::<Vec<_>>())
            .filter(|row| row.iter().any(|cell| !cell.is_empty()))
            .collect();
        let width = rows.iter().map(|row| row.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1)).max();
        let Some(width) = width.filter(|&w| w > 0) else { return Ok(()) };
        let cells = rows.len().saturating_mul(width);
        if cells > MAX_TABLE_CELLS {
            return Err(EngineError::TableTooLarge { what: "cells", size: cells, limit: MAX_TABLE_CELLS });
        }
        let line = |row: &[String]| {
            let cells: Vec<&str> = (0..width).map(|i| row.get(i).map_or("", String::as_str)).collect();
            format!("| {} |", cells.join(" | "))
        };
        let header = format!("{}\n|{}", line(&rows[0]), " --- |".repeat(width));
        if rows.len() == 1 {
            self.push(BlockType::Table, &header);
        }
        for part in rows[1..].chunks(TABLE_ROWS) {
            let body: Vec<String> = part.iter().map(|row| line(row)).collect();
            self.push(BlockType::Table, &format!("{header}\n{}", body.join("\n")));
        }
        Ok(())
    }

    /// Starts a new page (a DOCX page break, the next XLSX sheet).
    pub fn start_page(&mut self) {
        self.pages.push(Vec::new());
    }

    pub fn current_page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    /// Whether any page has a block.
    pub fn has_text(&self) -> bool {
        self.pages.iter().any(|page| !page.is_empty())
    }

    /// How many pages there are.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// Puts blocks of `kind` with `texts` before everything else, in order (a DOCX page header);
    /// blank text adds nothing.
    pub fn prepend(&mut self, kind: BlockType, texts: Vec<String>) {
        self.pages[0].splice(0..0, texts.iter().filter_map(|text| block(kind, text)));
    }

    /// The text of every block, in order (a DOCX header's, to add to the document's flow).
    pub fn texts(self) -> Vec<String> {
        self.pages.into_iter().flatten().map(|(_, text)| text).collect()
    }

    pub fn finish(self) -> Document {
        let pages = self
            .pages
            .into_iter()
            .zip(1..)
            .map(|(blocks, number)| {
                let lines = |text: &str| text.lines().count().max(1);
                let total = blocks.iter().map(|(_, text)| lines(text)).sum::<usize>().max(1) as f64;
                let mut above = 0;
                let blocks = blocks
                    .into_iter()
                    .map(|(kind, content)| {
                        let height = lines(&content);
                        let bbox = BoundingBox {
                            left: 0.0,
                            top: above as f64 / total,
                            width: 1.0,
                            height: height as f64 / total,
                            page: number,
                            original_page: number,
                        };
                        above += height;
                        Block { kind, bbox, content, confidence: Confidence::High }
                    })
                    .collect();
                Page { number, blocks }
            })
            .collect();
        Document::new(pages)
    }
}

/// A block of `kind` holding `text` trimmed; none for blank text.
fn block(kind: BlockType, text: &str) -> Option<(BlockType, String)> {
    let text = text.trim();
    (!text.is_empty()).then(|| (kind, text.to_owned()))
}

/// A cell on one line, with the table's separators escaped.
fn cell_text(cell: &str) -> String {
    cell.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|row| row.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn tables_are_markdown_with_the_header_repeated_per_block() {
        let mut flow = Flow::new();
        let mut rows = cells(&[&["Name", "Qty", ""], &["", "", ""]]);
        rows.extend((0..TABLE_ROWS + 1).map(|i| vec![format!("item {i}"), i.to_string()]));
        rows.push(cells(&[&["a|b", "multi\nline"]]).remove(0));
        flow.table(rows).unwrap();
        let doc = flow.finish();
        let blocks = &doc.pages[0].blocks;
        assert_eq!(blocks.len(), 2);
        assert!(blocks.iter().all(|b| b.kind == BlockType::Table));
        assert!(
            blocks[0].content.starts_with("| Name | Qty |\n| --- | --- |\n| item 0 | 0 |"),
            "{}",
            blocks[0].content
        );
        assert_eq!(blocks[0].content.lines().count(), TABLE_ROWS + 2);
        assert_eq!(
            blocks[1].content,
            "| Name | Qty |\n| --- | --- |\n| item 50 | 50 |\n| a\\|b | multi line |"
        );
        assert_eq!(blocks[1].bbox.top + blocks[1].bbox.height, 1.0);
    }

    #[test]
    fn pages_are_numbered_and_blank_text_dropped() {
        let mut flow = Flow::new();
        flow.push(BlockType::Title, " Report ");
        flow.push(BlockType::Text, "  \n ");
        flow.start_page();
        flow.push(BlockType::Text, "Second page");
        let doc = flow.finish();
        assert_eq!(doc.pages.len(), 2);
        assert_eq!(doc.pages[0].blocks[0].content, "Report");
        assert_eq!(doc.pages[1].blocks[0].bbox.page, 2);
    }
}
