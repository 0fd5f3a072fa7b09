//! What a viewer shows: where each widget sits, its appearance stream, the form's default font,
//! and flattening the form into its pages.

use std::collections::BTreeMap;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream};

use crate::engine::BoundingBox;

/// A one-line appearance stream for a text widget: Helvetica, black, left-aligned, vertically
/// centred, sized to the field unless a size is given.
pub(super) fn text_appearance(
    placed: &Placed,
    value: &str,
    font_size: Option<f64>,
    font: ObjectId,
) -> Stream {
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
pub(super) fn winansi(c: char) -> Option<u8> {
    u8::try_from(u32::from(c)).ok().filter(|b| *b >= 0x20 && !(0x7f..0xa0).contains(b))
}

/// The form's default font, and no request to viewers to redraw what is drawn already.
pub(super) fn prepare_form(doc: &mut lopdf::Document, font: ObjectId) {
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

pub(super) fn add_default_font(form: &mut Dictionary, font: ObjectId) {
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
pub(super) fn flatten<'a>(doc: &mut lopdf::Document, widgets: impl Iterator<Item = &'a Placed>) {
    let mut by_page: BTreeMap<ObjectId, Vec<&Placed>> = BTreeMap::new();
    for placed in widgets {
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
pub(super) fn appearance_of(doc: &lopdf::Document, widget: ObjectId) -> Option<Object> {
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
pub(super) fn page_resources(doc: &lopdf::Document, page_id: ObjectId) -> Dictionary {
    doc.get_dictionary(page_id)
        .ok()
        .and_then(|page| inherited(doc, page, b"Resources"))
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok().cloned())
        .unwrap_or_default()
}

/// A page attribute, looked up the page tree when the page does not set it.
pub(super) fn inherited<'a>(
    doc: &'a lopdf::Document,
    page: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..32 {
        if let Ok(value) = node.get(key) {
            return Some(value);
        }
        node = node.get_deref(b"Parent", doc).ok()?.as_dict().ok()?;
    }
    None
}

/// A widget annotation and where it sits.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    pub(super) id: ObjectId,
    pub(super) page: u32,
    pub(super) page_id: ObjectId,
    /// PDF user space: `[x1, y1, x2, y2]`.
    pub(super) rect: [f64; 4],
    /// The page's media box, for fractions.
    pub(super) media: [f64; 4],
}

impl Placed {
    /// The widget's box in fractions of its page, origin at the top left.
    pub(super) fn bbox(&self) -> BoundingBox {
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
pub(super) fn contains(outer: &BoundingBox, inner: &BoundingBox) -> bool {
    let (cx, cy) = (inner.left + inner.width / 2.0, inner.top + inner.height / 2.0);
    cx >= outer.left && cx <= outer.left + outer.width && cy >= outer.top && cy <= outer.top + outer.height
}
