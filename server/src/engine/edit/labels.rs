//! Which field gets which value: the caller's widgets by box or description, and each
//! instruction's `label: value` line by the field's names, exactly or by words that agree; and
//! the words printed by each field's box, which a person may write as its label.

use std::collections::BTreeMap;

use super::draw::{contains, Placed};
use super::form::Field;
use super::request::{EditRequest, WidgetKind};
use super::words::{meaning_words, normalized};
use crate::engine::BoundingBox;

/// The field whose names agree best with `label`'s words (at least two thirds of them found),
/// or, when several agree as well, their descriptions.
pub(super) fn best_agreement(fields: &[Field], label: &str) -> Option<Result<usize, Vec<String>>> {
    let scores: Vec<f64> =
        fields.iter().map(|f| if f.kind == WidgetKind::Text { f.agreement(label) } else { 0.0 }).collect();
    let best = scores.iter().copied().fold(0.0, f64::max);
    if best < MIN_AGREEMENT {
        return None;
    }
    let at_best: Vec<usize> = (0..fields.len()).filter(|&i| (scores[i] - best).abs() < 1e-9).collect();
    // Of fields described alike (the applicant's and the partner's "Surname"), an unqualified
    // label names the applicant's, as a person filling in an application means it.
    let alike = at_best.iter().all(|&i| fields[i].description() == fields[at_best[0]].description());
    let applicants: Vec<usize> =
        at_best.iter().copied().filter(|&i| alike && is_applicants(&fields[i])).collect();
    Some(match (at_best.as_slice(), applicants.as_slice()) {
        ([one], _) | (_, [one]) => Ok(*one),
        // Each with its page and name, which tell apart fields that print the same label (an
        // applicant's and a spouse's "Surname") and which an instruction may name exactly.
        (many, _) => Err(many
            .iter()
            .map(|&i| {
                let field = &fields[i];
                let page = field.widgets.first().map_or(0, |widget| widget.page);
                format!("'{}' (page {page}, field '{}')", field.description(), field.name)
            })
            .collect()),
    })
}

/// The field `label` names exactly: by the field's own name, else by the one name (tooltip,
/// printed caption, description) that only this field has. Captions repeat ("City or Town"
/// for the employee and for each preparer); a field's name does not.
fn exactly_named(fields: &[Field], label: &str) -> Option<usize> {
    let wanted = normalized(label);
    if let Some(own) = fields.iter().position(|f| !wanted.is_empty() && normalized(&f.name) == wanted) {
        return Some(own);
    }
    let mut named = (0..fields.len()).filter(|&i| fields[i].is_named(label));
    match (named.next(), named.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Whether one of a field's names says it is the applicant's ("Name-Antragsteller", "Applicant's
/// surname"), in any language of the vocabulary.
fn is_applicants(field: &Field) -> bool {
    let applicant = crate::engine::extract::vocabulary::translations("applicant");
    field.names().any(|name| {
        meaning_words(&name).iter().any(|word| {
            let word = word.strip_suffix('s').unwrap_or(word);
            word == "applicant" || applicant.contains(&word)
        })
    })
}

/// The least [`agreement`] by which an instruction's label names a field.
pub(super) const MIN_AGREEMENT: f64 = 2.0 / 3.0;

/// Gives each field the words printed nearest its first widget, within its cell of the form:
/// on its line to the left of it, else right above it and over it (a field's description is
/// its tooltip first, but a person may write what the page prints). The page's text is read as
/// cells, a line's text between column gaps, so that of two captions side by side ("Date of
/// birth", "Place of birth") each box gets its own. A form that cannot be read as text keeps
/// the names it has.
pub(super) fn label_by_printed_text(bytes: &[u8], fields: &mut [Field]) {
    let Ok(cells) = crate::engine::pdf::text_cells(bytes) else { return };
    let cells: Vec<(&str, BoundingBox)> = cells
        .iter()
        .filter(|(text, _)| text.chars().any(char::is_alphabetic))
        .map(|(text, bbox)| (text.as_str(), *bbox))
        .collect();
    for field in fields.iter_mut() {
        let Some(widget) = field.widgets.first().map(Placed::bbox) else { continue };
        let middle = widget.top + widget.height / 2.0;
        let on_page = |b: &BoundingBox| b.page == widget.page;
        // The cells the widget's middle runs through.
        let on_its_line =
            || cells.iter().filter(|(_, b)| on_page(b) && b.top <= middle && b.top + b.height >= middle);
        let left_of = on_its_line()
            .filter(|(_, b)| b.left + b.width <= widget.left + 0.01 && widget.left - (b.left + b.width) < 0.3)
            .max_by(|a, b| (a.1.left + a.1.width).total_cmp(&(b.1.left + b.1.width)));
        // Above: the nearest cell over the box, by how far it ends above the box and how far
        // it starts from the box's left edge (a caption starts where its box does), with the
        // cells right over it, in the box's column, that continue it (a caption wrapped over
        // several lines), while it stays as short as a caption.
        let over = |b: &BoundingBox| {
            on_page(b) && b.left < widget.left + widget.width && b.left + b.width > widget.left
        };
        let above = || {
            let bottom = |b: &BoundingBox| b.top + b.height;
            let distance = |b: &BoundingBox| (widget.top - bottom(b)).max(0.0) + (b.left - widget.left).abs();
            let nearest = cells
                .iter()
                .filter(|(_, b)| over(b) && bottom(b) <= widget.top + 0.005 && widget.top - bottom(b) < 0.04)
                .min_by(|a, b| distance(&a.1).total_cmp(&distance(&b.1)))?;
            let mut caption = vec![nearest];
            let mut words = nearest.0.split_whitespace().count();
            while let Some(previous) = cells.iter().find(|(_, b)| {
                let (_, last) = caption.last().expect("a caption has its nearest cell");
                let over_last = b.left < last.left + last.width && b.left + b.width > last.left;
                over(b)
                    && over_last
                    && b.left >= widget.left - 0.005
                    && b.top < last.top
                    && (last.top - bottom(b)).abs() < 0.006
            }) {
                words += previous.0.split_whitespace().count();
                if words > MAX_CAPTION_WORDS {
                    break;
                }
                caption.push(previous);
            }
            Some(caption.iter().rev().map(|(text, _)| *text).collect::<Vec<_>>().join(" "))
        };
        // A checkbox's label is printed after it, on its line ("☐ Individual/sole proprietor").
        let right_of = || {
            on_its_line()
                .filter(|(_, b)| (-0.01..0.03).contains(&(b.left - (widget.left + widget.width))))
                .min_by(|a, b| a.1.left.total_cmp(&b.1.left))
        };
        let beside =
            if matches!(field.kind, WidgetKind::Checkbox | WidgetKind::Radio) { right_of() } else { None };
        let printed = beside.or(left_of).map(|(text, _)| text.to_string()).or_else(above);
        field.printed = printed.filter(|text| text.split_whitespace().count() <= MAX_CAPTION_WORDS);
    }
}

/// The most words of a printed caption; more is a paragraph of instructions.
const MAX_CAPTION_WORDS: usize = 40;

/// Which field gets which value: the caller's widgets with a value, then the instructions'
/// `label: value` lines (a later value for the same field wins).
pub(super) fn wanted_values(
    fields: &[Field],
    request: &EditRequest,
) -> Result<BTreeMap<usize, String>, String> {
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
        match exactly_named(fields, label).map(Ok).or_else(|| best_agreement(fields, label)) {
            Some(Ok(index)) => {
                values.insert(index, value.to_owned());
            }
            Some(Err(candidates)) => {
                return Err(format!(
                    "The instruction '{label}' could name more than one field of this PDF: {}. Write the label as the form prints it, or the field's name",
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
