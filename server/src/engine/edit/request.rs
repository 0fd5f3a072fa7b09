//! What an edit is asked (`EditRequest`) and what it tells of each widget of the form
//! (`Widget`, `WidgetKind`): the types the other parts of edit share.

use serde::{Deserialize, Serialize};

use crate::engine::BoundingBox;

/// Reducto's `EditWidget`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Widget {
    pub bbox: BoundingBox,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: WidgetKind,
    #[serde(default = "yes")]
    pub fill: bool,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub font_size: Option<f64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WidgetKind {
    Text,
    Checkbox,
    Radio,
    Dropdown,
    Barcode,
}

/// What to do to the document (kept in a job's spec, so a restart can do it again).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EditRequest {
    pub instructions: String,
    /// The caller's `form_schema`: widgets with a `value` are filled with it.
    pub form_schema: Option<Vec<Widget>>,
    pub flatten: bool,
    /// Points; otherwise sized to the field.
    pub font_size: Option<f64>,
}
