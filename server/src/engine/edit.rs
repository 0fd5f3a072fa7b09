//! Edit: fills a PDF's form fields (AcroForm) and writes the edited PDF, with lopdf.
//!
//! - [`edit`] reads every widget into Reducto's `EditWidget` shape (type, a description from
//!   the field's tooltip or name, a box in page fractions, its value), fills the ones asked
//!   for, draws each filled widget's appearance (so any viewer shows the value, and a flattened
//!   page keeps it as page content), and optionally flattens the form into the pages.
//! - What to fill comes from two places: a widget of the caller's `form_schema` with a `value`
//!   (matched to a field by its box, else its description), and `label: value` lines of the
//!   instructions, whose label names a field by its tooltip or name.
//! - No model: an instruction that names no field, a value a checkbox cannot take, a PDF
//!   without fields or a document that is not a PDF is an error that says so, never a guess.

use std::collections::BTreeMap;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream};
use serde::{Deserialize, Serialize};

use super::BoundingBox;

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

/// What to do to the document.
#[derive(Debug, Clone, Default)]
pub struct EditRequest {
    pub instructions: String,
    /// The caller's `form_schema`: widgets with a `value` are filled with it.
    pub form_schema: Option<Vec<Widget>>,
    pub flatten: bool,
    /// Points; otherwise sized to the field.
    pub font_size: Option<f64>,
}

/// The edited PDF, its widgets as filled, and its page count.
#[derive(Debug)]
pub struct Edited {
    pub pdf: Vec<u8>,
    pub form_schema: Vec<Widget>,
    pub num_pages: u32,
}

/// What this engine can edit, said when it cannot.
const WHAT_CAN_BE_EDITED: &str =
    "the local engine edits PDF forms: it fills a PDF's form fields (AcroForm), and cannot draw edits onto a page";

pub fn edit(bytes: &[u8], request: &EditRequest) -> Result<Edited, String> {
    // A malformed PDF may make the PDF library panic: that is the document's fault, said as
    // such, not a failure of the server.
    std::panic::catch_unwind(|| edit_unguarded(bytes, request)).unwrap_or_else(|_| {
        Err("The PDF could not be read: it is malformed in a way the PDF library cannot handle".into())
    })
}

fn edit_unguarded(bytes: &[u8], request: &EditRequest) -> Result<Edited, String> {
    if !super::parse::looks_like_pdf(bytes) {
        return Err(format!("The document is not a PDF: {WHAT_CAN_BE_EDITED}"));
    }
    let mut doc = lopdf::Document::load_mem(bytes).map_err(|e| format!("The PDF cannot be read ({e})"))?;
    if doc.is_encrypted() {
        // Many official forms are encrypted with an empty password only to set permissions: a
        // viewer opens them without asking, and so does this. The filled copy is saved plain.
        doc = lopdf::Document::load_mem_with_options(bytes, lopdf::LoadOptions::with_password(""))
            .map_err(|_| "The PDF is encrypted with a password: the local engine cannot edit it")?;
        if let Ok(id) = doc.trailer.get(b"Encrypt").and_then(Object::as_reference) {
            doc.objects.remove(&id);
        }
        doc.trailer.remove(b"Encrypt");
    }
    let num_pages = doc.get_pages().len() as u32;
    let mut fields = read_fields(&doc);
    if fields.is_empty() {
        return Err(format!("This PDF has no form fields: {WHAT_CAN_BE_EDITED}"));
    }
    label_by_printed_text(bytes, &mut fields);
    let values = wanted_values(&fields, request)?;
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    for (index, value) in values {
        let field = &mut fields[index];
        let size = request.font_size.or(field.font_size);
        field.set(&mut doc, &value, size, font)?;
    }
    prepare_form(&mut doc, font);
    let form_schema = fields.iter().map(|f| f.widget(&doc)).collect();
    if request.flatten {
        flatten(&mut doc, &fields);
    }
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).map_err(|e| format!("The edited PDF could not be written ({e})"))?;
    Ok(Edited { pdf, form_schema, num_pages })
}

/// One terminal field: where its value lives and the widgets that show it.
#[derive(Debug, Clone)]
struct Field {
    id: ObjectId,
    /// The fully qualified name (`parent.child`).
    name: String,
    tooltip: Option<String>,
    /// The words printed nearest its first widget (left of it, else above it): what a person
    /// reads as its label.
    printed: Option<String>,
    kind: WidgetKind,
    widgets: Vec<Placed>,
    /// A widget the caller's `form_schema` sized.
    font_size: Option<f64>,
}

/// A widget annotation and where it sits.
#[derive(Debug, Clone)]
struct Placed {
    id: ObjectId,
    page: u32,
    page_id: ObjectId,
    /// PDF user space: `[x1, y1, x2, y2]`.
    rect: [f64; 4],
    /// The page's media box, for fractions.
    media: [f64; 4],
}

const RADIO_FLAG: i64 = 1 << 15;
const PUSHBUTTON_FLAG: i64 = 1 << 16;

fn read_fields(doc: &lopdf::Document) -> Vec<Field> {
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
struct Inherited<'a> {
    name: &'a str,
    field_type: Option<&'a [u8]>,
    flags: i64,
    depth: usize,
}

/// Walks a field and its kids; a kid without a `/T` is a widget of its parent.
fn collect(
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
    fn description(&self) -> String {
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
    fn is_named(&self, label: &str) -> bool {
        let label = normalized(label);
        !label.is_empty() && self.names().any(|name| normalized(&name) == label)
    }

    fn names(&self) -> impl Iterator<Item = String> + '_ {
        [Some(self.description()), Some(self.name.clone()), self.tooltip.clone(), self.printed.clone()]
            .into_iter()
            .flatten()
    }

    /// How well `label`'s words agree with one of the field's names (see [`agreement`]).
    fn agreement(&self, label: &str) -> f64 {
        self.names().map(|name| agreement(label, &name)).fold(0.0, f64::max)
    }

    fn widget(&self, doc: &lopdf::Document) -> Widget {
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

    /// The field's value: text as written, `"true"`/`"false"` for a checkbox, the chosen
    /// state's name for a radio group; `None` when unset.
    fn value(&self, doc: &lopdf::Document) -> Option<String> {
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
    fn set(
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

/// The field whose names agree best with `label`'s words (at least two thirds of them found),
/// or, when several agree as well, their descriptions.
fn best_agreement(fields: &[Field], label: &str) -> Option<Result<usize, Vec<String>>> {
    let scores: Vec<f64> =
        fields.iter().map(|f| if f.kind == WidgetKind::Text { f.agreement(label) } else { 0.0 }).collect();
    let best = scores.iter().copied().fold(0.0, f64::max);
    if best < MIN_AGREEMENT {
        return None;
    }
    let at_best: Vec<usize> = (0..fields.len()).filter(|&i| (scores[i] - best).abs() < 1e-9).collect();
    Some(match at_best.as_slice() {
        [one] => Ok(*one),
        many => Err(many.iter().map(|&i| format!("'{}'", fields[i].description())).collect()),
    })
}

/// The least [`agreement`] by which an instruction's label names a field.
const MIN_AGREEMENT: f64 = 2.0 / 3.0;

/// How well a label's words agree with a field's name: the share of the label's words found in
/// it, case, accents, punctuation and word order aside, with common abbreviations read out (No.,
/// Nr. and # are "number", SSN "social security number", DOB "date of birth", Tel. "telephone")
/// and filler words dropped; a name with fewer words to spare is a closer match.
fn agreement(label: &str, name: &str) -> f64 {
    let (label, name) = (meaning_words(label), meaning_words(name));
    if label.is_empty() || name.is_empty() {
        return 0.0;
    }
    let found = label.iter().filter(|w| name.contains(w)).count() as f64;
    let share = found / label.len() as f64;
    // Between two names that hold every word, the one with fewer others wins.
    share + 0.01 * found / name.len() as f64
}

/// The words of a label that carry its meaning (see [`agreement`]).
fn meaning_words(text: &str) -> Vec<String> {
    const FILLER: &[&str] = &[
        "the", "of", "a", "an", "and", "or", "your", "enter", "if", "any", "to", "in", "for", "please",
        "here", "de", "la", "le", "du", "des", "der", "die", "das", "el", "los", "del", "il", "di", "van",
        "het",
    ];
    let normalized = super::extract::vocabulary::normalize(text);
    normalized
        .split(' ')
        .flat_map(|word| match word {
            "ssn" => vec!["social", "security", "number"],
            "dob" => vec!["date", "birth"],
            "tel" | "phone" => vec!["telephone"],
            "zip" | "postcode" => vec!["postal", "code"],
            "e" => vec![],
            word => vec![word],
        })
        .filter(|word| !word.is_empty() && !FILLER.contains(word))
        .map(str::to_owned)
        .collect()
}

/// Gives each field the words printed nearest its first widget: on its line to the left of
/// it, else right above it and over it (a field's description is its tooltip first, but a
/// person may write what the page prints); a form that cannot be read as text keeps the names
/// it has.
fn label_by_printed_text(bytes: &[u8], fields: &mut [Field]) {
    let Ok(document) = super::pdf::read(bytes, None, &mut |_, _| Ok(())) else { return };
    // Every line of text with its estimated box (a block's height shared by its lines).
    let lines: Vec<(&str, BoundingBox)> = document
        .pages
        .iter()
        .flat_map(|page| &page.blocks)
        .flat_map(|block| {
            let rows = block.content.lines().count().max(1);
            let height = block.bbox.height / rows as f64;
            block.content.lines().enumerate().map(move |(row, text)| {
                let bbox =
                    BoundingBox { top: block.bbox.top + height * row as f64, height, ..block.bbox.clone() };
                (text.trim(), bbox)
            })
        })
        .filter(|(text, _)| text.chars().any(char::is_alphabetic))
        .collect();
    let blocks: Vec<(&str, &BoundingBox)> = document
        .pages
        .iter()
        .flat_map(|page| &page.blocks)
        .map(|block| (block.content.as_str(), &block.bbox))
        .filter(|(text, _)| text.chars().any(char::is_alphabetic))
        .collect();
    for field in fields.iter_mut() {
        let Some(widget) = field.widgets.first().map(Placed::bbox) else { continue };
        let middle = widget.top + widget.height / 2.0;
        let on_page = |b: &BoundingBox| b.page == widget.page;
        let left_of = lines
            .iter()
            .filter(|(_, b)| on_page(b) && b.top <= middle && b.top + b.height >= middle)
            .filter(|(_, b)| b.left + b.width <= widget.left + 0.01 && widget.left - (b.left + b.width) < 0.3)
            .max_by(|a, b| (a.1.left + a.1.width).total_cmp(&(b.1.left + b.1.width)));
        // Above: the nearest block over the box, with the blocks right over it that continue
        // it (a caption wrapped over several lines, which a PDF may set as blocks of their own).
        let over = |b: &BoundingBox| {
            on_page(b) && b.left < widget.left + widget.width && b.left + b.width > widget.left
        };
        let above = || {
            let nearest = blocks
                .iter()
                .filter(|(_, b)| {
                    over(b)
                        && b.top + b.height <= widget.top + 0.005
                        && widget.top - (b.top + b.height) < 0.04
                })
                .max_by(|a, b| (a.1.top + a.1.height).total_cmp(&(b.1.top + b.1.height)))?;
            let mut caption = vec![*nearest];
            while let Some(previous) = blocks.iter().find(|(_, b)| {
                let top = caption.last().map_or(0.0, |(_, c)| c.top);
                over(b) && b.top < top && (top - (b.top + b.height)).abs() < 0.006
            }) {
                caption.push(*previous);
                if caption.len() > 4 {
                    break;
                }
            }
            Some(caption.iter().rev().map(|(text, _)| *text).collect::<Vec<_>>().join(" "))
        };
        let printed = match left_of {
            Some((text, _)) => Some(text.split('\t').next_back().unwrap_or(text).trim().to_owned()),
            None => above().map(|text| text.split_whitespace().collect::<Vec<_>>().join(" ")),
        };
        field.printed = printed.filter(|text| text.split_whitespace().count() <= 40);
    }
}

/// Lowercase words separated by single spaces: "Full_Name:" and "full name" are the same.
fn normalized(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn checkbox_value(value: &str) -> Option<bool> {
    match normalized(value).as_str() {
        "yes" | "true" | "on" | "x" | "checked" | "1" => Some(true),
        "no" | "false" | "off" | "unchecked" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Which field gets which value: the caller's widgets with a value, then the instructions'
/// `label: value` lines (a later value for the same field wins).
fn wanted_values(fields: &[Field], request: &EditRequest) -> Result<BTreeMap<usize, String>, String> {
    let mut values = BTreeMap::new();
    let fields_list =
        || fields.iter().map(|f| format!("'{}'", f.description())).collect::<Vec<_>>().join(", ");
    for widget in request.form_schema.iter().flatten() {
        let Some(value) = widget.value.as_ref().filter(|_| widget.fill) else { continue };
        let index = fields
            .iter()
            .position(|f| f.widgets.iter().any(|w| w.page == widget.bbox.page && contains(&w.bbox(), &widget.bbox)))
            .or_else(|| fields.iter().position(|f| f.is_named(&widget.description)))
            .ok_or_else(|| {
                format!(
                    "form_schema names a widget ('{}' on page {}) that matches no field of this PDF; its fields are {}",
                    widget.description,
                    widget.bbox.page,
                    fields_list()
                )
            })?;
        values.insert(index, value.clone());
    }
    let mut unknown = Vec::new();
    let mut lines = 0;
    for line in request.instructions.lines() {
        let Some((label, value)) = line.split_once(':') else { continue };
        let (label, value) = (label.trim().trim_start_matches(['-', '*', '•']).trim(), value.trim());
        if label.is_empty() {
            continue;
        }
        lines += 1;
        match fields.iter().position(|f| f.is_named(label)).map(Ok).or_else(|| best_agreement(fields, label)) {
            Some(Ok(index)) => {
                values.insert(index, value.to_owned());
            }
            Some(Err(candidates)) => {
                return Err(format!(
                    "The instruction '{label}' could name more than one field of this PDF: {}. Write the label as the form prints it",
                    candidates.join(", ")
                ))
            }
            None => unknown.push(format!("'{label}'")),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "The instructions name {} that this PDF's form does not have: {}. Its fields are {}",
            if unknown.len() == 1 { "a field" } else { "fields" },
            unknown.join(", "),
            fields_list()
        ));
    }
    if values.is_empty() && lines == 0 && !request.instructions.trim().is_empty() {
        return Err(format!(
            "The instructions hold no 'label: value' line, and the local engine fills fields only \
             from those (or from form_schema values). This PDF's fields are {}",
            fields_list()
        ));
    }
    Ok(values)
}

impl Placed {
    /// The widget's box in fractions of its page, origin at the top left.
    fn bbox(&self) -> BoundingBox {
        let [x1, y1, x2, y2] = self.rect;
        let [mx1, my1, mx2, my2] = self.media;
        let (width, height) = ((mx2 - mx1).max(1.0), (my2 - my1).max(1.0));
        BoundingBox {
            left: (x1 - mx1) / width,
            top: (my2 - y2) / height,
            width: (x2 - x1) / width,
            height: (y2 - y1) / height,
            page: self.page,
            original_page: self.page,
        }
    }
}

/// Whether `inner`'s centre lies in `outer` (both on the same page).
fn contains(outer: &BoundingBox, inner: &BoundingBox) -> bool {
    let (cx, cy) = (inner.left + inner.width / 2.0, inner.top + inner.height / 2.0);
    cx >= outer.left && cx <= outer.left + outer.width && cy >= outer.top && cy <= outer.top + outer.height
}

/// The name of a button widget's "on" appearance state (`/Yes` in most forms).
fn on_state(doc: &lopdf::Document, widget: ObjectId) -> Vec<u8> {
    doc.get_dictionary(widget)
        .ok()
        .and_then(|w| w.get_deref(b"AP", doc).ok())
        .and_then(|ap| ap.as_dict().ok())
        .and_then(|ap| ap.get_deref(b"N", doc).ok())
        .and_then(|n| n.as_dict().ok())
        .and_then(|n| n.iter().map(|(k, _)| k.clone()).find(|k| k != b"Off"))
        .unwrap_or_else(|| b"Yes".to_vec())
}

fn set_key(doc: &mut lopdf::Document, id: ObjectId, key: &str, value: Object) {
    if let Ok(dict) = doc.get_dictionary_mut(id) {
        dict.set(key, value);
    }
}

/// A one-line appearance stream for a text widget: Helvetica, black, left-aligned, vertically
/// centred, sized to the field unless a size is given.
fn text_appearance(placed: &Placed, value: &str, font_size: Option<f64>, font: ObjectId) -> Stream {
    let [x1, y1, x2, y2] = placed.rect;
    let (width, height) = ((x2 - x1).abs(), (y2 - y1).abs());
    // Helvetica's average advance is about half an em: shrink long values to fit the box.
    let fitted = ((width - 4.0) / (0.5 * value.chars().count().max(1) as f64)).max(4.0);
    let size = font_size.unwrap_or_else(|| (height * 0.7).clamp(4.0, 12.0).min(fitted));
    let baseline = ((height - size * 0.7) / 2.0).max(1.0);
    let text: Vec<u8> = value.chars().map(|c| winansi(c).unwrap_or(b'?')).collect();
    let mut content = format!("/Tx BMC q BT /Helv {size:.2} Tf 0 g 2 {baseline:.2} Td (").into_bytes();
    for byte in text {
        if matches!(byte, b'(' | b')' | b'\\') {
            content.push(b'\\');
        }
        content.push(byte);
    }
    content.extend_from_slice(b") Tj ET Q EMC");
    Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), Object::Real(width as f32), Object::Real(height as f32)],
            "Resources" => dictionary! { "Font" => dictionary! { "Helv" => font } },
        },
        content,
    )
}

/// A character in WinAnsiEncoding (Latin-1 covers the letters of most Western names).
fn winansi(c: char) -> Option<u8> {
    u8::try_from(u32::from(c)).ok().filter(|b| *b >= 0x20 && !(0x7f..0xa0).contains(b))
}

/// The form's default font, and no request to viewers to redraw what is drawn already.
fn prepare_form(doc: &mut lopdf::Document, font: ObjectId) {
    let Some(form_id) =
        doc.catalog().ok().and_then(|c| c.get(b"AcroForm").ok()).and_then(|f| f.as_reference().ok())
    else {
        if let Ok(catalog) = doc.catalog_mut() {
            if let Ok(form) = catalog.get_mut(b"AcroForm").and_then(Object::as_dict_mut) {
                add_default_font(form, font);
            }
        }
        return;
    };
    if let Ok(form) = doc.get_dictionary_mut(form_id) {
        add_default_font(form, font);
    }
}

fn add_default_font(form: &mut Dictionary, font: ObjectId) {
    let mut resources = form.get(b"DR").ok().and_then(|r| r.as_dict().ok()).cloned().unwrap_or_default();
    let mut fonts = resources.get(b"Font").ok().and_then(|f| f.as_dict().ok()).cloned().unwrap_or_default();
    fonts.set("Helv", font);
    resources.set("Font", fonts);
    form.set("DR", resources);
    if !form.has(b"DA") {
        form.set("DA", Object::string_literal("/Helv 0 Tf 0 g"));
    }
}

/// Draws every widget's appearance into its page and removes the form, so the values become
/// page content that any reader (`pdftotext` among them) sees.
fn flatten(doc: &mut lopdf::Document, fields: &[Field]) {
    let mut by_page: BTreeMap<ObjectId, Vec<&Placed>> = BTreeMap::new();
    for placed in fields.iter().flat_map(|f| &f.widgets) {
        by_page.entry(placed.page_id).or_default().push(placed);
    }
    for (page_id, widgets) in by_page {
        let mut drawn = Vec::new();
        let mut xobjects = Dictionary::new();
        for (n, placed) in widgets.iter().enumerate() {
            let Some(stream) = appearance_of(doc, placed.id) else { continue };
            let name = format!("Fld{n}");
            let [x1, y1, ..] = placed.rect;
            drawn.extend(format!("q 1 0 0 1 {x1:.2} {y1:.2} cm /{name} Do Q\n").into_bytes());
            xobjects.set(name, stream);
        }
        let widget_ids: Vec<ObjectId> = widgets.iter().map(|w| w.id).collect();
        let resources = page_resources(doc, page_id);
        let Ok(page) = doc.get_dictionary(page_id) else { continue };
        let mut contents: Vec<Object> = match page.get(b"Contents") {
            Ok(Object::Array(items)) => items.clone(),
            Ok(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Array(items)) => items.clone(),
                _ => vec![Object::Reference(*id)],
            },
            _ => Vec::new(),
        };
        let annots: Vec<Object> = page
            .get_deref(b"Annots", doc)
            .ok()
            .and_then(|a| a.as_array().ok())
            .map(|a| {
                a.iter()
                    .filter(|a| a.as_reference().map_or(true, |id| !widget_ids.contains(&id)))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let before = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let after = doc.add_object(Stream::new(Dictionary::new(), [b"Q\n".as_slice(), &drawn].concat()));
        contents.insert(0, before.into());
        contents.push(after.into());
        let mut resources = resources;
        let mut all_xobjects =
            resources.get(b"XObject").ok().and_then(|x| x.as_dict().ok()).cloned().unwrap_or_default();
        for (name, stream) in xobjects.iter() {
            all_xobjects.set(name.clone(), stream.clone());
        }
        resources.set("XObject", all_xobjects);
        if let Ok(page) = doc.get_dictionary_mut(page_id) {
            page.set("Contents", contents);
            page.set("Resources", resources);
            page.set("Annots", annots);
        }
    }
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.remove(b"AcroForm");
    }
}

/// The appearance a widget shows now: `/AP /N`, or for a button the state `/AS` names.
fn appearance_of(doc: &lopdf::Document, widget: ObjectId) -> Option<Object> {
    let dict = doc.get_dictionary(widget).ok()?;
    let normal = dict.get_deref(b"AP", doc).ok()?.as_dict().ok()?.get(b"N").ok()?;
    let (_, resolved) = doc.dereference(normal).ok()?;
    match resolved {
        Object::Stream(_) => Some(normal.clone()),
        Object::Dictionary(states) => {
            let state = dict.get(b"AS").ok()?.as_name().ok()?;
            states.get(state).ok().cloned()
        }
        _ => None,
    }
}

/// A page's resources, resolved (inherited from its parents if it has none of its own).
fn page_resources(doc: &lopdf::Document, page_id: ObjectId) -> Dictionary {
    doc.get_dictionary(page_id)
        .ok()
        .and_then(|page| inherited(doc, page, b"Resources"))
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok().cloned())
        .unwrap_or_default()
}

/// A page attribute, looked up the page tree when the page does not set it.
fn inherited<'a>(doc: &'a lopdf::Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        node = node.get_deref(b"Parent", doc).ok()?.as_dict().ok()?;
    }
    None
}

fn rect_of(doc: &lopdf::Document, object: &Object) -> Option<[f64; 4]> {
    let (_, object) = doc.dereference(object).ok()?;
    let numbers: Vec<f64> =
        object.as_array().ok()?.iter().filter_map(|n| n.as_float().ok()).map(f64::from).collect();
    let [x1, y1, x2, y2] = numbers.try_into().ok()?;
    Some([x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page form (`scripts/make-pdf.mjs` writes it): text fields `full_name` (tooltip
    /// "Full name"), `date` and `amount`, and a checkbox `member`.
    fn form_pdf() -> Vec<u8> {
        include_bytes!("../../../tests/fixtures/forms/application.pdf").to_vec()
    }

    fn schema(pdf: &[u8]) -> Vec<Widget> {
        edit(pdf, &EditRequest::default()).unwrap().form_schema
    }

    #[test]
    fn widgets_are_read_with_descriptions_and_boxes() {
        let widgets = schema(&form_pdf());
        let described: Vec<(&str, WidgetKind)> =
            widgets.iter().map(|w| (w.description.as_str(), w.kind)).collect();
        assert_eq!(
            described,
            [
                ("Full name", WidgetKind::Text),
                ("Date", WidgetKind::Text),
                ("Amount", WidgetKind::Text),
                ("Member", WidgetKind::Checkbox)
            ]
        );
        let b = widgets[0].bbox;
        assert!(
            b.page == 1 && (0.0..1.0).contains(&b.left) && (0.0..1.0).contains(&b.top) && b.width > 0.0,
            "{b:?}"
        );
        assert_eq!(widgets[3].value.as_deref(), Some("false"));
    }

    #[test]
    fn instructions_and_widget_values_fill_fields_and_survive_a_reload() {
        let mut date = schema(&form_pdf()).remove(1);
        date.value = Some("2026-11-29".into());
        let request = EditRequest {
            instructions: "Please fill this in.\nFull name: Ada Lovelace\n- member: yes".into(),
            form_schema: Some(vec![date]),
            ..EditRequest::default()
        };
        let edited = edit(&form_pdf(), &request).unwrap();
        let values: Vec<Option<&str>> = edited.form_schema.iter().map(|w| w.value.as_deref()).collect();
        assert_eq!(values, [Some("Ada Lovelace"), Some("2026-11-29"), None, Some("true")]);
        assert_eq!(schema(&edited.pdf), edited.form_schema, "the written PDF holds the values");
    }

    #[test]
    fn flattening_removes_the_form_and_keeps_the_values_on_the_page() {
        let request = EditRequest {
            instructions: "Full name: Ada (Countess) Lovelace".into(),
            flatten: true,
            ..Default::default()
        };
        let edited = edit(&form_pdf(), &request).unwrap();
        assert_eq!(edited.form_schema[0].value.as_deref(), Some("Ada (Countess) Lovelace"));
        let message = edit(&edited.pdf, &EditRequest::default()).unwrap_err();
        assert!(message.contains("no form fields"), "{message}");
        let text = crate::engine::read(&edited.pdf, Some("pdf"), None, &mut |_, _| Ok(())).unwrap();
        let all: String = text.pages.iter().flat_map(|p| &p.blocks).map(|b| b.content.as_str()).collect();
        assert!(all.contains("Ada (Countess) Lovelace"), "{all}");
    }

    #[test]
    fn a_label_names_a_field_when_their_words_agree() {
        // Word order, punctuation, case, accents and filler words aside.
        assert!(agreement("Claimant", "Enter the name of the claimant") >= MIN_AGREEMENT);
        assert!(agreement("Name, first", "First name") >= MIN_AGREEMENT);
        assert!(agreement("Código Postal", "CODIGO POSTAL") >= MIN_AGREEMENT);
        // Common abbreviations read out.
        assert!(agreement("SSN", "Social security number") >= MIN_AGREEMENT);
        assert!(agreement("DOB", "Date of birth") >= MIN_AGREEMENT);
        assert!(agreement("Tel.", "Telephone") >= MIN_AGREEMENT);
        assert!(agreement("Account No.", "Account number") >= MIN_AGREEMENT);
        // Too few words in common is no match; a tighter name wins over a looser one.
        assert!(agreement("Employer identification number", "Name") < MIN_AGREEMENT);
        assert!(agreement("First name", "First name") > agreement("First name", "First name of the spouse"));
    }

    #[test]
    fn what_cannot_be_done_is_said() {
        let cases = [
            (b"hello".to_vec(), "", "not a PDF"),
            (form_pdf(), "Shoe size: 9", "'Shoe size'"),
            (form_pdf(), "Make it look nice", "no 'label: value' line"),
            (form_pdf(), "Member: perhaps", "not a value for the checkbox 'Member'"),
        ];
        for (pdf, instructions, expected) in cases {
            let request = EditRequest { instructions: instructions.into(), ..Default::default() };
            let message = edit(&pdf, &request).unwrap_err();
            assert!(message.contains(expected), "{instructions}: {message}");
        }
    }
}
