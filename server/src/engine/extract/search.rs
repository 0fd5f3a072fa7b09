//! The search for a field's value: a label that names the field, then its value on the same
//! line, in the next cell, under it or beside it; a checkbox; and, where no label gives it, the
//! issuer's name from the letterhead and the document's date from its header.

use serde_json::Value;

use super::coerce::date;
use super::layout::{beside, is_under, is_under_last_cell, Cells, Line};
use super::vocabulary::{
    after_number_dated, has_legal_form, is_item_column, is_known_label, is_label, is_legal_form, is_title,
    month, names_a_party, normalize, Field, Match, CURRENCY_CODES, MAX_NAME_WORDS,
};
use crate::engine::{Block, BlockType};

/// The value of `field` that `coerce` accepts: a labelled one (see [`labelled_value`]); for a
/// field whose labels are ranked, the strongest rank that has one ("Grand Total" before "Total
/// incl. VAT" before "Amount Due" before "Total"; "Invoice No." before the title "Invoice"), and
/// of several amounts the last in the document (the total under the last table); then, for a
/// name of the issuer, the letterhead, and for the document's own date, its header.
pub fn find<'a>(
    field: &Field,
    siblings: &[&str],
    lines: &[Line<'a>],
    order: &[usize],
    amount: bool,
    coerce: impl Fn(&str) -> Option<Value>,
) -> Option<(Value, &'a Block)> {
    if field.ranked() {
        let mut order = order.to_vec();
        if amount {
            // Last on the page first, and the last page first.
            let place = |i: usize| (lines[i].block.bbox.page, lines[i].middle());
            order.sort_by(|&a, &b| place(b).partial_cmp(&place(a)).unwrap_or(std::cmp::Ordering::Equal));
        }
        return field
            .by_rank(amount)
            .iter()
            .find_map(|rank| labelled_value(rank, siblings, lines, &order, &coerce));
    }
    labelled_value(field, siblings, lines, order, &coerce).or_else(|| {
        let unlabelled = if field.issuer {
            registered_name(lines).or_else(|| letterhead(lines, customer(lines, order).as_deref()))
        } else if field.dated {
            date_in_header(lines)
        } else {
            None
        };
        unlabelled.and_then(|(raw, block)| Some((coerce(raw)?, block)))
    })
}

/// How far down the first page's text (from its first line to its last) a document's header
/// reaches.
const HEADER: f64 = 0.5;

/// The document's date where no label gives it: a date standing alone in the header of the
/// first page, as a letter, a receipt or an invoice prints it ("February 17, 2026" under
/// "Invoice 103767", "21-10-21 | 13:10:48" on a receipt, "Berlin, 12.03.2024" over a letter).
/// The highest; not a row of a table, whose dates are its items'. The header is measured on the
/// text, not the page: a photographed receipt has a table's edge around it.
fn date_in_header<'a>(lines: &[Line<'a>]) -> Option<(&'a str, &'a Block)> {
    let first_page: Vec<&Line> = lines.iter().filter(|line| line.block.bbox.page == 1).collect();
    let first = first_page.iter().map(|line| line.block.bbox.top).fold(f64::INFINITY, f64::min);
    let last = first_page.iter().map(|line| line.block.bbox.top + line.block.bbox.height).fold(0.0, f64::max);
    let mut header: Vec<(usize, &Line)> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.block.bbox.page == 1 && line.middle() < first + (last - first) * HEADER)
        .collect();
    header.sort_by(|(_, a), (_, b)| a.middle().total_cmp(&b.middle()));
    // A date under a label is that label's: a delivery date's, or an invoice number written
    // as a date ("Numer faktury" over "2/11/2023"). Under a title ("INVOICE") it is the
    // document's.
    let labelled = |i: usize| {
        let above = Cells::at_tabs(if i > 0 { lines[i - 1].text } else { "" });
        let last = above.last().copied().unwrap_or_default();
        above.iter().any(|cell| cell.ends_with(':')) || (is_label(last, &[]) && !is_title(&normalize(last)))
    };
    // Each date with whether it follows the document's title and number.
    let dates: Vec<(bool, &str, &Block)> = header
        .iter()
        .filter(|&&(i, _)| !labelled(i))
        .filter_map(|(_, line)| {
            let cells = Cells::at_tabs(line.text);
            // The document's title and, beside it, its date ("Beitragsrechnung | 24. Januar
            // 2014", "Handelsrechnung (380) | 05.06.2018").
            if let [title, date] = cells[..] {
                let title = title.split(" (").next().unwrap_or(title);
                if is_title(&normalize(title)) && is_only_date(date) {
                    return Some((true, date, line.block));
                }
            }
            // The date, and perhaps the time beside it.
            let (date, rest) = cells.split_first()?;
            let time = |cell: &&str| cell.chars().all(|c| c.is_ascii_digit() || ":hH .apmAPM".contains(c));
            if rest.len() > 1 || !rest.iter().all(time) {
                return None;
            }
            // "Berlin, 12.03.2024", "Musterstadt 29.10.2023": the place the letter was written;
            // "Rechnung Nr. 471102 vom 05.03.2018": the document's title and number.
            let (titled, date) = match date.rsplit_once(", ") {
                Some((place, date)) if place.chars().all(|c| c.is_alphabetic() || c == ' ') => (false, date),
                _ => match after_place(date) {
                    Some(date) => (false, date),
                    None => after_number_dated(date).map_or((false, *date), |date| (true, date)),
                },
            };
            is_only_date(date).then_some((titled, date, line.block))
        })
        .collect();
    // The date a document gives itself after its title and number, wherever it stands in the
    // header (a stylesheet's version dated above it is not the invoice's); else the highest.
    let (_, date, block) = dates.iter().find(|(titled, ..)| *titled).or(dates.first())?;
    Some((date, block))
}

/// What follows a place's name, capitalized, of one to three words and no label ("Musterstadt"
/// in "Musterstadt 29.10.2023").
fn after_place(text: &str) -> Option<&str> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let place = text[..start].trim();
    let words: Vec<&str> = place.split_whitespace().collect();
    let is_place = (1..=3).contains(&words.len())
        && words
            .iter()
            .all(|word| word.starts_with(char::is_uppercase) && word.chars().all(char::is_alphabetic))
        && month(words[words.len() - 1]).is_none()
        && !is_label(place, &[])
        && !is_title(&normalize(place));
    is_place.then(|| &text[start..])
}

/// Whether `text` is a date and nothing else: numbers and month names ("17. Februar 2026").
fn is_only_date(text: &str) -> bool {
    let mut words = text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty());
    date(text, false).is_some()
        && words.all(|word| word.chars().all(|c| c.is_ascii_digit()) || month(word).is_some())
}

/// The company named in the block that gives a VAT or registration number (a footer's "Acme
/// GmbH · USt-ID DE123…"): the issuer, since a document gives its own numbers, not its
/// customer's. The name is the block's first cell with a legal form ("GmbH", "B.V.", "Ltd").
fn registered_name<'a>(lines: &[Line<'a>]) -> Option<(&'a str, &'a Block)> {
    let registration = Field::new("vat id", &serde_json::Map::new());
    let gives_number = |line: &Line| {
        let cells = Cells::at_tabs(line.text);
        cells.iter().any(|cell| {
            let label = cell.split(':').next().unwrap_or(cell);
            let words: Vec<&str> = label.split_whitespace().collect();
            (1..=words.len().min(4)).any(|n| registration.matches(&words[..n].join(" ")) >= Match::Synonym)
        })
    };
    let block = lines.iter().find(|line| gives_number(line))?.block;
    lines
        .iter()
        .filter(|line| std::ptr::eq(line.block, block))
        .flat_map(|line| Cells::at_tabs(line.text).into_iter().flat_map(parts))
        .map(|cell| party_name(cell).filter(|name| !name.is_empty()).unwrap_or(cell))
        .find(|cell| {
            has_legal_form(cell) && !cell.contains(':') && cell.split_whitespace().count() <= MAX_NAME_WORDS
        })
        .map(|cell| (cell, block))
}

/// The first labelled value for `field` in `order` that `coerce` accepts: exact labels first,
/// then labels that end with the field's.
fn labelled_value<'a>(
    field: &Field,
    siblings: &[&str],
    lines: &[Line<'a>],
    order: &[usize],
    coerce: &impl Fn(&str) -> Option<Value>,
) -> Option<(Value, &'a Block)> {
    let names = field.issuer || field.labels[0].ends_with("name");
    let value_of = |raw: &str| {
        // A name is never a "Label: value" pair ("Debiteurennummer: C123456" names no issuer),
        // nor a legal form alone: "Lieferant GmbH" is a company, not the label "Lieferant" and
        // "GmbH".
        let no_name = names && (raw.contains(':') || is_legal_form(raw) || !may_be_name(raw));
        let value = (!raw.is_empty() && !no_name).then(|| coerce(raw)).flatten()?;
        // "No" answers a yes/no question, though "No." also heads a column of numbers.
        (matches!(value, Value::Bool(_)) || !is_label(raw, siblings)).then_some(value)
    };
    let is_amount = |raw: &str| matches!(coerce(raw), Some(Value::Number(_)));
    let order: Vec<usize> = order.iter().copied().filter(|&i| !numbers_label_above(lines, i)).collect();
    for wanted in [Match::Own, Match::Synonym, Match::EndsWith, Match::Misspelt] {
        for &i in &order {
            let line = &lines[i];
            if let Some(checked) = checkbox(field, wanted, line.text) {
                if let Some(value) = coerce(checked) {
                    return Some((value, line.block));
                }
            }
            let cells = Cells::at_tabs(line.text);
            // The label and its value in the line, or in one cell of a row of several
            // ("Karl-Marx-Allee 90 | Bryggen 5 | Reference INV/24/1189").
            let in_cells = if cells.len() > 1 { &cells[1..] } else { &[][..] };
            for text in std::iter::once(&line.text).chain(in_cells) {
                if let Some(value) = labelled(field, wanted, text, siblings).and_then(value_of) {
                    return Some((value, line.block));
                }
            }
            // A cell of a table row that is the label: the value is the next cell, or the
            // cell below it (a row of labels over a row of values), or the next line. A title
            // ("INVOICE") names the document, not what is under it.
            let Some(column) =
                cells.iter().position(|c| field.matches(label_of(c)) == wanted && !is_title(&normalize(c)))
            else {
                continue;
            };
            // The next cell with a value ("Total | 104.902 | 104.92": an OCR misread first),
            // up to another label ("Bill To | Due Date | April 13": the date is the due date's).
            let mut next_cells = cells[column + 1..].iter().take_while(|raw| !is_label(raw, siblings));
            if let Some(value) = next_cells.find_map(|raw| value_of(raw)) {
                return Some((value, line.block));
            }
            if let Some((raw, block)) = below_label(field, siblings, lines, i, &cells, column, is_amount) {
                // A party's block of pairs gives its name on one of them ("Sprzedawca" over
                // "NIP: 999…" and "Nazwa: ABC Developex S.A.").
                let (raw, block) = if names && (raw.contains(':') || is_label(raw, siblings)) {
                    name_in_block(lines, i, &cells, column).unwrap_or((raw, block))
                } else {
                    (raw, block)
                };
                if let Some(value) = value_of(raw) {
                    return Some((value, block));
                }
            }
            if column + 1 == cells.len() {
                if let Some((raw, block)) = beside(lines, i) {
                    if let Some(value) = value_of(raw) {
                        return Some((value, block));
                    }
                }
            }
        }
    }
    None
}

/// The raw value under the label in `column` of line `i` (its `cells`), on the next line: the
/// cell below it in a row as wide (a row of labels over a row of values), the line itself when
/// the label stands alone, or the name under a block's label that begins a row of other pairs.
fn below_label<'a>(
    field: &Field,
    siblings: &[&str],
    lines: &[Line<'a>],
    i: usize,
    cells: &[&str],
    column: usize,
    is_amount: impl Fn(&str) -> bool,
) -> Option<(&'a str, &'a Block)> {
    // A table of line items ("No. | Description | Qty") numbers its items, not the document.
    if field.is_identifier() && cells.iter().any(|cell| is_item_column(cell)) {
        return None;
    }
    let next = lines.get(i + 1)?;
    let below = Cells::at_tabs(next.text);
    if !is_under(&lines[i], next) {
        // The label last on a line set flush right or centred, its value alone under it.
        let last = column + 1 == cells.len() && below.len() == 1 && is_under_last_cell(&lines[i], next);
        return last.then(|| (below[0], next.block));
    }
    // A total named only by a column of a table's header (its other cells labels too:
    // "Quantity | Price | Total") is each line's, not the document's.
    let other_labels =
        cells.iter().enumerate().filter(|&(j, c)| j != column && is_label(c, siblings)).count();
    let table_header = cells.len() >= 2 && other_labels * 2 >= cells.len() - 1;
    let raw = match (cells.len(), below.len()) {
        _ if field.ranked() && table_header => return None,
        // A table's column header ("Total" over each item's total) names no single amount: a
        // number is read under its label only when no other follows.
        (n, _) if amounts_go_on(lines, i + 1, n, column, is_amount) => return None,
        (1, _) => below[0],
        (_, n) if n == cells.len() => below[column],
        // A block's label first on a row of other pairs ("Bill To … Due Date April 13"), its
        // name alone on the line under it.
        (_, 1) if column == 0 => below[0],
        _ => return None,
    };
    Some((raw, next.block))
}

/// The value of a "Name: …" pair among the few lines under the label in `column` of line `i`
/// (its `cells`), in the same column: a party's name in its block of pairs; or the first line
/// of that block that is no pair, where the pairs give only numbers ("Verkäufer:" over "Nummer:
/// 549910", "Globale Nummer: 4333741000005 (GTIN)" and "MUSTER-Autovermietung").
fn name_in_block<'a>(
    lines: &[Line<'a>],
    i: usize,
    cells: &[&str],
    column: usize,
) -> Option<(&'a str, &'a Block)> {
    let mut above = &lines[i];
    for (at, next) in lines.iter().enumerate().skip(i + 1).take(4) {
        let below = Cells::at_tabs(next.text);
        // Under a label alone ("Verkäufer"), pairs whose values are set a column apart.
        let pair = (cells.len() == 1 && below.len() == 2).then(|| pair_apart(below[0], below[1])).flatten();
        if !is_under(above, next) || (below.len() != cells.len() && pair.is_none()) {
            return None;
        }
        if let Some((label, value)) = pair {
            if names_a_party(label) {
                return Some((value, next.block));
            }
            above = next;
            continue;
        }
        match party_name(below[column]) {
            Some("") if below.len() == 1 => return beside(lines, at),
            None if is_name(below[column]) => return Some((below[column], next.block)),
            Some("") | None => {}
            Some(name) => return Some((name, next.block)),
        }
        above = next;
    }
    None
}

/// A label and its value set a column apart: "Name:" and "MUSTER-Autovermietung", or "Nummer"
/// and ": 549910".
fn pair_apart<'a>(label: &'a str, value: &'a str) -> Option<(&'a str, &'a str)> {
    match label.strip_suffix(':') {
        Some(label) => Some((label, value)),
        None => value.strip_prefix(':').map(|value| (label, value.trim_start())),
    }
}

/// Whether `cell`, no pair, reads as a party's name: words, not a label, and no address's
/// numbers unless a legal form says it is a company ("1&1 Telecom GmbH").
fn is_name(cell: &str) -> bool {
    !cell.contains(':')
        && cell.chars().any(char::is_alphabetic)
        && cell.split_whitespace().count() <= MAX_NAME_WORDS
        && !is_label(cell, &[])
        && (!cell.chars().any(|c| c.is_ascii_digit()) || has_legal_form(cell))
}

/// The name in a "Name: …" pair ("Nazwa: ABC Developex S.A.", "Razão social: …"); empty when
/// the PDF set it apart from its label ("Firmenname:" and, in a block to the right, the name).
fn party_name(cell: &str) -> Option<&str> {
    let (label, value) = cell.split_once(':')?;
    names_a_party(label).then(|| value.trim())
}

/// The label a cell holds: without its colon, nor the date a label may end with ("TOTAL DUE BY
/// 2/2/2000", "Amount due by March 5, 2024" name the amount due).
fn label_of(cell: &str) -> &str {
    let label = cell.trim_end_matches(':').trim_end();
    // ASCII lowercase keeps every byte where it was.
    match label.to_ascii_lowercase().rfind(" by ") {
        Some(at) if date(&label[at + 4..], false).is_some() => &label[..at],
        _ => label,
    }
}

/// Whether line `i` is a bare number sign and its number under a label that waits for its value
/// ("Point de livraison (PDL) :" over "N° 12 345 678 901 234"): the number is that label's.
fn numbers_label_above(lines: &[Line], i: usize) -> bool {
    let bare_sign = lines[i].text.split_whitespace().next().is_some_and(|first| normalize(first) == "number");
    bare_sign && i > 0 && lines[i - 1].text.ends_with(':') && is_under(&lines[i - 1], &lines[i])
}

/// Whether the row of `width` cells at `row` is followed, right under it, by a row as wide with
/// another amount in `column`: then the label above heads a table's column of amounts.
fn amounts_go_on(
    lines: &[Line],
    row: usize,
    width: usize,
    column: usize,
    is_amount: impl Fn(&str) -> bool,
) -> bool {
    let (Some(values), Some(after)) = (lines.get(row), lines.get(row + 1)) else { return false };
    let cells = Cells::at_tabs(after.text);
    cells.len() == width && is_under(values, after) && is_amount(cells[column])
}

/// `[X] label` / `[ ] label` (or ☒/☐) lines: "yes" or "no" when the label names `field`.
fn checkbox(field: &Field, wanted: Match, line: &str) -> Option<&'static str> {
    let (state, rest) =
        [("[x]", "yes"), ("[X]", "yes"), ("☒", "yes"), ("☑", "yes"), ("[ ]", "no"), ("☐", "no")]
            .iter()
            .find_map(|(mark, state)| line.strip_prefix(mark).map(|rest| (*state, rest)))?;
    (field.matches(rest.trim()) == wanted).then_some(state)
}

/// The parts of a letterhead's or a footer's cell: "Au bon moulin SARL - 1242 chemin de
/// l'olive - 84340 Malaucène", "Bei Spiel GmbH ● Ecke 12" and "Lenze B.V. Postbus 3101, 5203
/// DC 's-Hertogenbosch" are a name and an address on one line.
fn parts(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(['·', '•', '●', '|'])
        .flat_map(|part| part.split(" - "))
        .flat_map(at_legal_form)
        .map(str::trim)
        .filter(|part| !part.is_empty())
}

/// `part` cut after the legal form that ends a company's name when an address follows it
/// ("Lenze B.V." and "Postbus 3101, …": words and numbers, no label); else `part` whole and
/// nothing after it.
fn at_legal_form(part: &str) -> [&str; 2] {
    let word_ends =
        part.split_whitespace().map(|word| word.as_ptr() as usize - part.as_ptr() as usize + word.len());
    let name_end = word_ends.take(MAX_NAME_WORDS).find(|&end| {
        let rest = &part[end..];
        let address = rest.trim_start().starts_with(char::is_alphanumeric)
            && rest.chars().any(|c| c.is_ascii_digit())
            && !rest.contains(':');
        has_legal_form(&part[..end]) && address
    });
    let (name, address) = part.split_at(name_end.unwrap_or(part.len()));
    [name, address]
}

/// The issuer's name at the top of the first page: the first cell there, headings first, that
/// has letters, is no label, no date and not the document's title ("INVOICE"), and is as short
/// as a name (the first sentence of a letter or an article is not an issuer); a cell that names
/// a company by its legal form ("… GmbH", "… B.V.") comes before the others.
pub fn letterhead<'a>(lines: &[Line<'a>], customer: Option<&str>) -> Option<(&'a str, &'a Block)> {
    // A block's first line: a paragraph's later lines continue its text, they name no one.
    let at_top = |line: &&Line| line.block.bbox.page == 1 && line.block.bbox.top < 0.2 && line.row == 0;
    let heading = |line: &&Line| matches!(line.block.kind, BlockType::Title | BlockType::SectionHeader);
    // Top first: OCR gives a page's blocks column by column, not in reading order.
    // A pair's value ("Währung:" and "EUR" a column apart) names no one.
    let pair = |line: &&Line| Cells::at_tabs(line.text).first().ends_with(':');
    let mut top: Vec<&Line> = lines.iter().filter(at_top).filter(|line| !pair(line)).collect();
    top.sort_by(|a, b| a.block.bbox.top.total_cmp(&b.block.bbox.top));
    let headings = top.iter().filter(|line| heading(line));
    let others = top.iter().filter(|line| !heading(line));
    let names: Vec<(&str, &Block)> = headings
        .chain(others)
        .flat_map(|line| {
            Cells::at_tabs(line.text).into_iter().flat_map(parts).map(move |part| (part, line.block))
        })
        .filter(|(cell, _)| {
            may_be_name(cell)
                && cell.split_whitespace().count() <= MAX_NAME_WORDS
                && !cell.contains(':')
                && !is_labelled_code(cell)
                && date(cell, false).is_none()
                && !is_title(&normalize(cell))
                // "Invoice FA-2017-0008", "Debet Factuur": a title with its number or kind.
                && !is_title(&normalize(cell.split_whitespace().next().unwrap_or_default()))
                && !(cell.split_whitespace().count() <= 3 && normalize(cell).split(' ').any(is_title))
                && !is_label(cell, &[])
                // A street's number, a page's: no name has a word that begins with a digit.
                && !cell.split_whitespace().any(|word| word.starts_with(|c: char| c.is_ascii_digit()))
                && !customer.is_some_and(|customer| names_the_same(cell, customer))
        })
        .collect();
    // The sender's line over the address window ("weclapp.com | Somestreet 42 | 08155 Some
    // city"): a name, then the address, in parts on one line. It names the issuer even when
    // the addressee below it has a legal form.
    let sender = top.iter().flat_map(|line| Cells::at_tabs(line.text)).find_map(|cell| {
        let parts: Vec<&str> = parts(cell).collect();
        let address =
            parts.len() >= 3 && parts[1..].iter().any(|part| part.chars().any(|c| c.is_ascii_digit()));
        address.then(|| names.iter().find(|(name, _)| *name == parts[0])).flatten()
    });
    let chosen = sender.or_else(|| names.iter().find(|(cell, _)| has_legal_form(cell))).or(names.first())?;
    // A logo's word over the full name ("Contoso" over "Contoso Inn"): the full name.
    let extends = |name: &str| name.strip_prefix(chosen.0).is_some_and(|rest| rest.starts_with(' '));
    let full = (!has_legal_form(chosen.0)).then(|| names.iter().find(|(name, _)| extends(name))).flatten();
    Some(*full.unwrap_or(chosen))
}

/// The customer's name where the document labels it ("Bill To", "Titulaire du contrat"): the
/// addressee in the window under a letterhead is never the issuer.
fn customer(lines: &[Line], order: &[usize]) -> Option<String> {
    let field = Field::new("customer name", &serde_json::Map::new());
    let value = labelled_value(&field, &[], lines, order, &|raw: &str| Some(Value::String(raw.to_owned())))?;
    value.0.as_str().map(str::to_owned)
}

/// Whether `cell` names the person or company `name` names: every word of the name (of three
/// letters or more, no title such as "Mme") is in it, and there are two ("MAELLE ET JEROME
/// GUERIN" for "Mme GUERIN MAELLE").
fn names_the_same(cell: &str, name: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        normalize(text).split(' ').filter(|w| w.len() >= 3 && !is_known_label(w)).map(str::to_owned).collect()
    };
    let (cell, name) = (words(cell), words(name));
    name.len() >= 2 && name.iter().all(|word| cell.contains(word))
}

/// Whether a cell is a label and its code ("Nr. 2024-17", "Ref 4471"): a pair, not a name.
fn is_labelled_code(cell: &str) -> bool {
    cell.split_once(' ').is_some_and(|(first, rest)| {
        is_known_label(&normalize(first)) && rest.chars().any(|c| c.is_ascii_digit())
    })
}

/// Whether an OCR'd or printed cell can be a name: it has a word of two letters or more and
/// no digit, none of the signs that no name has ("@DF", "a" and "©" are a logo read by OCR),
/// and it is no currency's code ("EUR" in a column of values) nor a code or an identifier's
/// number ("ZS9997", "GLN 4333741000005").
fn may_be_name(cell: &str) -> bool {
    let word_of_letters = |word: &str| {
        word.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !word.chars().any(|c| c.is_ascii_digit())
    };
    let long_number = |word: &str| word.chars().filter(char::is_ascii_digit).count() >= 6;
    cell.split_whitespace().any(word_of_letters)
        && !cell.split_whitespace().any(long_number)
        && !cell.contains(['@', '©', '®', '=', '*', '«', '»', '{', '}', '[', ']', '<', '>'])
        && !CURRENCY_CODES.contains(&normalize(cell).as_str())
}

/// The raw value on `line` if it is labelled for `field` at match level `wanted`:
/// `Label: value` (the label anywhere on the line for exact matches), `Label value`, or
/// the bare label (an empty value).
fn labelled<'l>(field: &Field, wanted: Match, line: &'l str, siblings: &[&str]) -> Option<&'l str> {
    if let Some((label, rest)) = line.split_once(':') {
        if label.chars().any(char::is_alphabetic) && field.matches(label) == wanted {
            return Some(cut_at_labels(rest.trim(), siblings));
        }
    }
    if wanted >= Match::Synonym {
        // "... Invoice Number: 123" with other text before the label.
        let lower = line.to_ascii_lowercase();
        for label in field.labels_at(wanted) {
            let needle = format!("{label}:");
            if let Some(at) = lower.find(&needle) {
                let boundary = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
                // "VAT total:" and "Net total:" are other fields' labels that end with the total's.
                let another_field = line[..at].split_whitespace().last().is_some_and(|word| {
                    let longer = format!("{word} {label}");
                    field.matches(&longer) == Match::None
                        && (is_known_label(&normalize(&longer)) || is_known_label(&normalize(word)))
                });
                if boundary && !another_field {
                    return Some(cut_at_labels(line[at + needle.len()..].trim(), siblings));
                }
            }
        }
    }
    // "Label value": the line's first words are the label, the longest that is one; when that
    // is another field's ("Référence commande PO445" for an invoice's "Référence"), the line
    // is not this field's.
    let words: Vec<&str> = line.split_whitespace().collect();
    for n in (1..=words.len().min(6)).rev() {
        let label = words[..n].join(" ");
        let label = label.trim_end_matches(['.', ':']);
        if n > 1 && field.matches(label) == Match::None && is_known_label(&normalize(label)) {
            return None;
        }
        if field.matches(label) == wanted {
            // The byte offset just past the n-th word.
            let end = words[n - 1].as_ptr() as usize - line.as_ptr() as usize + words[n - 1].len();
            let rest = line[end..].trim();
            // "REF APPEL D'OFFRES : TENDER-002": new words up to a colon make a longer label
            // ("Receipt # No.: 9876" only repeats its own, "Date (dd/mm/yyyy):" explains it).
            let own_words = normalize(label);
            let longer_label = rest.split_once(':').is_some_and(|(words, _)| {
                let words = words.split('(').next().unwrap_or_default();
                !words.chars().any(|c| c.is_ascii_digit())
                    && normalize(words)
                        .split(' ')
                        .any(|word| !word.is_empty() && !own_words.split(' ').any(|own| own == word))
            });
            return (!longer_label).then(|| cut_at_labels(rest, siblings));
        }
    }
    None
}

/// Cuts a value where its cell ends (a tab: a PDF's column gap) or where another field's
/// `Label:` starts on the same line ("123 Date: 2024-01-05" → "123").
fn cut_at_labels<'l>(value: &'l str, siblings: &[&str]) -> &'l str {
    let value = Cells::at_tabs(value).first();
    let lower = value.to_ascii_lowercase();
    let end =
        siblings.iter().filter_map(|label| lower.find(&format!(" {label}:"))).min().unwrap_or(value.len());
    value[..end].trim()
}
