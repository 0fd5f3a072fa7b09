//! A box in PDF user space, and the measures lines and paragraphs are built with: where two
//! boxes share a line, how far apart they are across and down.

/// A box in PDF user space: x grows rightwards, y upwards.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rect {
    pub(super) x0: f32,
    pub(super) y0: f32,
    pub(super) x1: f32,
    pub(super) y1: f32,
}

impl Rect {
    pub(super) fn of(b: pdf_oxide::geometry::Rect) -> Rect {
        Rect { x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height }
    }

    pub(super) fn union(self, o: Rect) -> Rect {
        Rect { x0: self.x0.min(o.x0), y0: self.y0.min(o.y0), x1: self.x1.max(o.x1), y1: self.y1.max(o.y1) }
    }

    pub(super) fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub(super) fn center_y(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }

    /// Whether `other` sits on the same line: their middles differ by under half a line.
    pub(super) fn shares_line(&self, other: Rect) -> bool {
        let tolerance = self.height().max(other.height()) * 0.5;
        (self.center_y() - other.center_y()).abs() <= tolerance
    }

    /// Whether the boxes overlap horizontally by more than one font size. Pieces of one
    /// line follow each other; a piece drawn over the line's own span sits on another line
    /// whose band merely touches it (a 9 pt line tucked under a 12 pt letterhead).
    pub(super) fn overlaps_across(&self, other: Rect, font_size: f32) -> bool {
        -self.gap(other) > font_size
    }

    /// The horizontal distance between the two boxes, whichever comes first.
    pub(super) fn gap(&self, other: Rect) -> f32 {
        (other.x0 - self.x1).max(self.x0 - other.x1)
    }

    /// The vertical distance between the two boxes, whichever comes first.
    pub(super) fn gap_down(&self, other: Rect) -> f32 {
        (other.y0 - self.y1).max(self.y0 - other.y1)
    }
}
