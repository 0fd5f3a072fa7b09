//! The page as extract reads it: the document's blocks as [`Line`]s that know their block and
//! place, the [`Cells`] of a line, and which line is under or beside another.

use super::super::{Block, BlockType, BoundingBox, Document};

/// Every non-empty line of the document's blocks, in reading order.
pub fn lines_of(document: &Document) -> Vec<Line<'_>> {
    document
        .pages
        .iter()
        .flat_map(|p| &p.blocks)
        .flat_map(|block| {
            let rows = block.content.lines().count();
            let is_table = block.kind == BlockType::Table;
            block
                .content
                .lines()
                .enumerate()
                .map(|(row, text)| (row, text.trim()))
                .filter(|(_, t)| !t.is_empty())
                // A table's rule under its header row (`| --- | --- |`) is not text.
                .filter(move |(_, t)| !(is_table && t.chars().all(|c| matches!(c, '|' | '-' | ' '))))
                .map(move |(row, text)| Line { text, block, row, rows })
        })
        .collect()
}

/// One line of text, the block it belongs to, and which of the block's lines it is.
pub struct Line<'a> {
    pub text: &'a str,
    pub block: &'a Block,
    pub row: usize,
    pub rows: usize,
}

impl Line<'_> {
    /// The middle of the line, from the top of the page (its block's height shared evenly).
    pub fn middle(&self) -> f64 {
        self.block.bbox.top + self.height() * (self.row as f64 + 0.5)
    }

    pub fn height(&self) -> f64 {
        self.block.bbox.height / self.rows.max(1) as f64
    }
}

/// The cells of a line. The readers mark a cell boundary with a tab; text a person typed may
/// use `|` or a run of spaces instead.
pub struct Cells<'a>(Vec<&'a str>);

impl<'a> Cells<'a> {
    /// At tabs, in place: empty cells are kept, so that columns line up with the row above. A
    /// row of a Markdown table (`| a |  | c |`, as the readers write a CSV's, a sheet's or a
    /// DOCX's table) is split at its pipes, in place too.
    pub fn at_tabs(text: &'a str) -> Cells<'a> {
        match text.strip_prefix('|').and_then(|row| row.strip_suffix('|')) {
            Some(row) => Cells(row.split('|').map(str::trim).collect()),
            None => Cells(text.split('\t').map(str::trim).collect()),
        }
    }

    /// A table row's cells at any column gap (tabs or `|`, else two spaces or more), empty ones
    /// dropped; None for a line of fewer than two.
    pub fn of_row(text: &'a str) -> Option<Cells<'a>> {
        let cells: Vec<&str> = if text.contains('\t') || text.contains('|') {
            text.split(['\t', '|']).map(str::trim).filter(|c| !c.is_empty()).collect()
        } else {
            text.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect()
        };
        (cells.len() >= 2).then_some(Cells(cells))
    }

    /// The first cell (the whole line when it has no tab).
    pub fn first(&self) -> &'a str {
        self.0.first().copied().unwrap_or_default()
    }
}

impl<'a> std::ops::Deref for Cells<'a> {
    type Target = [&'a str];

    fn deref(&self) -> &[&'a str] {
        &self.0
    }
}

impl<'a> IntoIterator for Cells<'a> {
    type Item = &'a str;
    type IntoIter = std::vec::IntoIter<&'a str>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Whether `next` is the line right under `line`: in the same block, or first in a block that
/// starts where `line`'s ends, aligned with it on the left (a value the PDF set apart from its
/// label).
pub fn is_under(line: &Line, next: &Line) -> bool {
    std::ptr::eq(next.block, line.block) || next_block_aligned(line, next, |bbox| bbox.left)
}

/// Whether `next` is first in a block right under `line`'s block and ends where `line` does, or
/// is centred under it: a value under the last cell of a line set flush right, as an invoice's
/// number often is ("Krajowy System e-Faktur | Numer faktury" over "2/11/2023"), or under a
/// centred heading ("EMITENTE" over the issuer's name).
pub fn is_under_last_cell(line: &Line, next: &Line) -> bool {
    next_block_aligned(line, next, |bbox| bbox.left + bbox.width)
        || next_block_aligned(line, next, |bbox| bbox.left + bbox.width / 2.0)
}

fn next_block_aligned(line: &Line, next: &Line, edge: impl Fn(&BoundingBox) -> f64) -> bool {
    let (above, below) = (&line.block.bbox, &next.block.bbox);
    !std::ptr::eq(next.block, line.block)
        && next.row == 0
        && line.row + 1 == line.rows
        && above.page == below.page
        && (edge(above) - edge(below)).abs() < 0.02
        && (0.0..line.height() * 2.0).contains(&(below.top - (above.top + above.height)))
}

/// The first cell of the nearest line to the right of line `i`, on the same row of the page: a
/// value that the PDF's reading order put in another block (a column of its own).
pub fn beside<'a>(lines: &[Line<'a>], i: usize) -> Option<(&'a str, &'a Block)> {
    let label = &lines[i];
    let (page, right_of) = (label.block.bbox.page, label.block.bbox.left);
    lines
        .iter()
        .filter(|line| {
            line.block.bbox.page == page
                && line.block.bbox.left > right_of
                && !std::ptr::eq(line.block, label.block)
                && (line.middle() - label.middle()).abs() < label.height().min(line.height()) * 0.6
        })
        .min_by(|a, b| a.block.bbox.left.total_cmp(&b.block.bbox.left))
        .map(|line| (Cells::at_tabs(line.text).first(), line.block))
}
