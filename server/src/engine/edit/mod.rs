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
//!
//! - [`form::shown_values`] tells parse what a filled form shows, which is not in the page's
//!   text.
//!
//! Its parts: [`request`] (what is asked, what a widget is), [`form`] (the fields and their
//! values), [`labels`] (which field gets which value, and the captions printed by each box),
//! [`words`] (how a label's words agree with a name) and [`draw`] (where a widget sits, its
//! appearance, flattening).

use lopdf::{dictionary, Object};

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
        flatten(&mut doc, fields.iter().flat_map(|field| &field.widgets));
    }
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).map_err(|e| format!("The edited PDF could not be written ({e})"))?;
    Ok(Edited { pdf, form_schema, num_pages })
}

mod draw;
/// Also parse's: what a filled form shows ([`form::shown_values`]).
pub(in crate::engine) mod form;
mod labels;
mod request;
mod words;

use self::draw::{flatten, prepare_form};
use self::form::read_fields;
use self::labels::{label_by_printed_text, wanted_values};
pub use self::request::{EditRequest, Widget, WidgetKind};

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page form (`scripts/make-pdf.mjs` writes it): text fields `full_name` (tooltip
    /// "Full name"), `date` and `amount`, and a checkbox `member`.
    fn form_pdf() -> Vec<u8> {
        include_bytes!("../../../../tests/fixtures/forms/application.pdf").to_vec()
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
        let text =
            crate::engine::read(&edited.pdf, Some("pdf"), &Default::default(), &mut |_, _| Ok(())).unwrap();
        let all: String = text.pages.iter().flat_map(|p| &p.blocks).map(|b| b.content.as_str()).collect();
        assert!(all.contains("Ada (Countess) Lovelace"), "{all}");
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
