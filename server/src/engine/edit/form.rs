//! The form as lopdf holds it: each terminal field with its name, tooltip, printed label and
//! widgets, where each widget sits, and how a value is set on a field.

use std::collections::BTreeMap;

use lopdf::{dictionary, Object, ObjectId};

use super::draw::{inherited, text_appearance, Placed};
use super::request::{Widget, WidgetKind};
use super::words::{agreement, checkbox_value, normalized};
use crate::engine::BoundingBox;

/// One terminal field: where its value lives and the widgets that show it.
#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) id: ObjectId,
    /// The fully qualified name (`parent.child`).
    pub(super) name: String,
    pub(super) tooltip: Option<String>,
    /// The words printed nearest its first widget (left of it, else above it): what a person
    /// reads as its label.
    pub(super) printed: Option<String>,
    pub(super) kind: WidgetKind,
    pub(super) widgets: Vec<Placed>,
    /// A widget the caller's `form_schema` sized.
    pub(super) font_size: Option<f64>,
}

/// What one form field widget shows on its page: a text or choice field's value, or a
/// checkbox's or radio button's state (☑ or ☐); its page (from 1) and its box in PDF user
/// space, `[x1, y1, x2, y2]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownValue {
    pub page: u32,
    pub rect: [f64; 4],
    pub text: String,
}

/// What the filled form fields of the PDF `bytes` (decrypted) show, as a viewer draws them:
/// a viewer draws a field's value from the form, not from the page's text. Empty when the PDF
/// has no form or cannot be read.
pub fn shown_values(bytes: &[u8]) -> Vec<ShownValue> {
    std::panic::catch_unwind(|| {
        let Ok(doc) = lopdf::Document::load_mem(bytes) else { return Vec::new() };
        read_fields(&doc).iter().flat_map(|field| field.shown(&doc)).collect()
    })
    .unwrap_or_default()
}

pub(super) const RADIO_FLAG: i64 = 1 << 15;
pub(super) const PUSHBUTTON_FLAG: i64 = 1 << 16;

pub(super) fn read_fields(doc: &lopdf::Document) -> Vec<Field> {
    let mut placements = BTreeMap::new();
    for (number, page_id) in doc.get_pages() {
        let Ok(page) = doc.get_dictionary(page_id) else { continue };
        let media = inherited(doc, page, b"MediaBox")
            .and_then(|b| rect_of(doc, b))
            .unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let annots = page.get(b"Annots").ok().and_then(|a| doc.dereference(a).ok()).map(|(_, a)| a);
        for annot in annots.and_then(|a| a.as_array().ok()).into_iter().flatten() {
            let Ok(id) = annot.as_reference() else { continue };
            let Some(rect) =
                doc.get_dictionary(id).ok().and_then(|d| d.get(b"Rect").ok()).and_then(|r| rect_of(doc, r))
            else {
                continue;
            };
            placements.insert(id, Placed { id, page: number, page_id, rect, media });
        }
    }
    let mut fields = Vec::new();
    let roots = doc
        .catalog()
        .ok()
        .and_then(|c| c.get_deref(b"AcroForm", doc).ok())
        .and_then(|f| f.as_dict().ok())
        .and_then(|f| f.get_deref(b"Fields", doc).ok())
        .and_then(|f| f.as_array().ok())
        .cloned()
        .unwrap_or_default();
    for root in roots {
        if let Ok(id) = root.as_reference() {
            let root = Inherited { name: "", field_type: None, flags: 0, depth: 0 };
            collect(doc, id, root, &placements, &mut fields);
        }
    }
    fields
}

/// What a field inherits from its parents: its name's prefix, its type and its flags.
#[derive(Clone, Copy)]
pub(super) struct Inherited<'a> {
    name: &'a str,
    field_type: Option<&'a [u8]>,
    flags: i64,
    depth: usize,
}

/// Walks a field and its kids; a kid without a `/T` is a widget of its parent.
pub(super) fn collect(
    doc: &lopdf::Document,
    id: ObjectId,
    parent: Inherited,
    placements: &BTreeMap<ObjectId, Placed>,
    out: &mut Vec<Field>,
) {
    let Ok(dict) = doc.get_dictionary(id) else { return };
    // Deep enough for any real form; a cycle of kids stops here.
    if parent.depth > 32 {
        return;
    }
    let partial = dict.get(b"T").ok().and_then(|t| lopdf::decode_text_string(t).ok());
    let name = match (&partial, parent.name) {
        (Some(p), "") => p.clone(),
        (Some(p), prefix) => format!("{prefix}.{p}"),
        (None, prefix) => prefix.to_owned(),
    };
    let field_type = dict.get(b"FT").ok().and_then(|t| t.as_name().ok()).or(parent.field_type);
    let flags = dict.get(b"Ff").ok().and_then(|f| f.as_i64().ok()).unwrap_or(parent.flags);
    let kids: Vec<ObjectId> = dict
        .get_deref(b"Kids", doc)
        .ok()
        .and_then(|k| k.as_array().ok())
        .map(|k| k.iter().filter_map(|k| k.as_reference().ok()).collect())
        .unwrap_or_default();
    let child_fields: Vec<ObjectId> =
        kids.iter().copied().filter(|k| doc.get_dictionary(*k).is_ok_and(|d| d.has(b"T"))).collect();
    let inherited = Inherited { name: &name, field_type, flags, depth: parent.depth + 1 };
    for child in &child_fields {
        collect(doc, *child, inherited, placements, out);
    }
    if !child_fields.is_empty() {
        return;
    }
    let kind = match field_type {
        Some(b"Tx") => WidgetKind::Text,
        Some(b"Ch") => WidgetKind::Dropdown,
        Some(b"Btn") if flags & PUSHBUTTON_FLAG != 0 => return,
        Some(b"Btn") if flags & RADIO_FLAG != 0 => WidgetKind::Radio,
        Some(b"Btn") => WidgetKind::Checkbox,
        // Signatures and unknown types cannot be filled with a value.
        _ => return,
    };
    let widget_ids = if kids.is_empty() { vec![id] } else { kids };
    let widgets: Vec<Placed> = widget_ids.iter().filter_map(|w| placements.get(w).cloned()).collect();
    if widgets.is_empty() {
        return;
    }
    let tooltip =
        dict.get(b"TU").ok().and_then(|t| lopdf::decode_text_string(t).ok()).filter(|t| !t.trim().is_empty());
    out.push(Field { id, name, tooltip, printed: None, kind, widgets, font_size: None });
}

impl Field {
    /// What a person calls the field: its tooltip; else its name made readable when the name is
    /// words ("First_Name"); else the words printed by its box, when the name is a code
    /// ("f1_01[0]"); else that code.
    pub(super) fn description(&self) -> String {
        let readable = {
            let last = self.name.rsplit('.').next().unwrap_or(&self.name);
            let spaced = last.replace(['_', '-'], " ");
            let mut chars = spaced.trim().chars();
            chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect::<String>())
        };
        let is_code = readable.chars().any(|c| c.is_ascii_digit() || c == '[')
            || !readable.split_whitespace().any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3);
        match (&self.tooltip, &self.printed) {
            (Some(tooltip), _) => tooltip.clone(),
            (None, Some(printed)) if is_code => printed.clone(),
            _ => readable,
        }
    }

    /// Whether `label` names this field exactly (by tooltip, printed label, name or description).
    pub(super) fn is_named(&self, label: &str) -> bool {
        let label = normalized(label);
        !label.is_empty() && self.names().any(|name| normalized(&name) == label)
    }

    pub(super) fn names(&self) -> impl Iterator<Item = String> + '_ {
        [Some(self.description()), Some(self.name.clone()), self.tooltip.clone(), self.printed.clone()]
            .into_iter()
            .flatten()
    }

    /// How well `label`'s words agree with one of the field's names (see [`agreement`]).
    pub(super) fn agreement(&self, label: &str) -> f64 {
        self.names().map(|name| agreement(label, &name)).fold(0.0, f64::max)
    }

    pub(super) fn widget(&self, doc: &lopdf::Document) -> Widget {
        let bbox = self.widgets[0].bbox();
        let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
        Widget {
            bbox: BoundingBox {
                left: round(bbox.left),
                top: round(bbox.top),
                width: round(bbox.width),
                height: round(bbox.height),
                ..bbox
            },
            description: self.description(),
            kind: self.kind,
            fill: true,
            value: self.value(doc),
            font_size: self.font_size,
        }
    }

    /// What each of the field's visible widgets shows: its text (none when empty), or for a
    /// checkbox or radio button ☑ when its appearance state is on, else ☐.
    fn shown(&self, doc: &lopdf::Document) -> Vec<ShownValue> {
        const HIDDEN: i64 = 1 << 1;
        let text = match self.kind {
            WidgetKind::Checkbox | WidgetKind::Radio => None,
            _ => match self.value(doc) {
                Some(text) if !text.trim().is_empty() => Some(text),
                _ => return Vec::new(),
            },
        };
        let visible = |widget: &&Placed| {
            let flags = doc.get_dictionary(widget.id).ok().and_then(|d| d.get(b"F").ok()?.as_i64().ok());
            flags.unwrap_or(0) & HIDDEN == 0
        };
        self.widgets
            .iter()
            .filter(visible)
            .map(|widget| {
                let text = text.clone().unwrap_or_else(|| {
                    let state =
                        doc.get_dictionary(widget.id).ok().and_then(|d| d.get(b"AS").ok()?.as_name().ok());
                    if state.is_some_and(|s| s != b"Off") { "☑" } else { "☐" }.to_owned()
                });
                ShownValue { page: widget.page, rect: widget.rect, text }
            })
            .collect()
    }

    /// The field's value: text as written, `"true"`/`"false"` for a checkbox, the chosen
    /// state's name for a radio group; `None` when unset.
    pub(super) fn value(&self, doc: &lopdf::Document) -> Option<String> {
        let value = doc.get_dictionary(self.id).ok()?.get_deref(b"V", doc).ok()?;
        match self.kind {
            WidgetKind::Checkbox => Some((value.as_name().ok()? != b"Off").to_string()),
            WidgetKind::Radio => {
                let name = value.as_name().ok()?;
                (name != b"Off").then(|| String::from_utf8_lossy(name).into_owned())
            }
            _ => lopdf::decode_text_string(value).ok(),
        }
    }

    /// Fills the field with `value`, drawing its widgets' appearance.
    pub(super) fn set(
        &mut self,
        doc: &mut lopdf::Document,
        value: &str,
        font_size: Option<f64>,
        font: ObjectId,
    ) -> Result<(), String> {
        match self.kind {
            WidgetKind::Checkbox => {
                let on = checkbox_value(value).ok_or_else(|| {
                    format!(
                        "'{value}' is not a value for the checkbox '{}': use yes or no (also true/false, on/off, x)",
                        self.description()
                    )
                })?;
                for placed in &self.widgets {
                    let state = if on { on_state(doc, placed.id) } else { b"Off".to_vec() };
                    set_key(doc, placed.id, "AS", Object::Name(state.clone()));
                    set_key(doc, self.id, "V", Object::Name(state));
                }
            }
            WidgetKind::Radio => {
                let mut chosen = None;
                for placed in &self.widgets {
                    let state = on_state(doc, placed.id);
                    let this = normalized(&String::from_utf8_lossy(&state)) == normalized(value);
                    if this {
                        chosen = Some(state.clone());
                    }
                    set_key(doc, placed.id, "AS", Object::Name(if this { state } else { b"Off".to_vec() }));
                }
                let chosen = chosen.ok_or_else(|| {
                    let options: Vec<String> = self
                        .widgets
                        .iter()
                        .map(|w| String::from_utf8_lossy(&on_state(doc, w.id)).into_owned())
                        .collect();
                    format!(
                        "'{value}' is not an option of '{}': its options are {}",
                        self.description(),
                        options.join(", ")
                    )
                })?;
                set_key(doc, self.id, "V", Object::Name(chosen));
            }
            WidgetKind::Text | WidgetKind::Dropdown | WidgetKind::Barcode => {
                set_key(doc, self.id, "V", lopdf::text_string(value));
                for placed in &self.widgets {
                    let appearance = text_appearance(placed, value, font_size, font);
                    let stream = doc.add_object(appearance);
                    set_key(doc, placed.id, "AP", Object::Dictionary(dictionary! { "N" => stream }));
                }
            }
        }
        Ok(())
    }
}

/// The name of a button widget's "on" appearance state (`/Yes` in most forms).
pub(super) fn on_state(doc: &lopdf::Document, widget: ObjectId) -> Vec<u8> {
    doc.get_dictionary(widget)
        .ok()
        .and_then(|w| w.get_deref(b"AP", doc).ok())
        .and_then(|ap| ap.as_dict().ok())
        .and_then(|ap| ap.get_deref(b"N", doc).ok())
        .and_then(|n| n.as_dict().ok())
        .and_then(|n| n.iter().map(|(k, _)| k.clone()).find(|k| k != b"Off"))
        .unwrap_or_else(|| b"Yes".to_vec())
}

pub(super) fn set_key(doc: &mut lopdf::Document, id: ObjectId, key: &str, value: Object) {
    if let Ok(dict) = doc.get_dictionary_mut(id) {
        dict.set(key, value);
    }
}

pub(super) fn rect_of(doc: &lopdf::Document, object: &Object) -> Option<[f64; 4]> {
    let (_, object) = doc.dereference(object).ok()?;
    let numbers: Vec<f64> =
        object.as_array().ok()?.iter().filter_map(|n| n.as_float().ok()).map(f64::from).collect();
    let [x1, y1, x2, y2] = numbers.try_into().ok()?;
    Some([x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)])
}
