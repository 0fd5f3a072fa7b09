//! Value coercion: the text found for a field as the schema's type (numbers in either decimal
//! convention, booleans, dates as ISO, enum members), or nothing when it is not one.

use serde_json::{json, Map, Number, Value};

use super::schema::{kind, Kind};
use super::vocabulary::{month, normalize, Language};

/// The value of `raw` as the schema's type, read by the conventions of the document's
/// `language` (day-first dates, decimal commas), or None if it is not one.
pub fn coerce(raw: &str, schema: &Map<String, Value>, language: &Language) -> Option<Value> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some(Value::Array(members)) = schema.get("enum") {
        return enum_member(raw, members);
    }
    match kind(schema) {
        Kind::Number => number(raw, language.decimal_comma).and_then(Number::from_f64).map(Value::Number),
        Kind::Integer => number(raw, language.decimal_comma)
            .filter(|n| n.fract() == 0.0 && n.abs() < 9e15)
            .map(|n| json!(n as i64)),
        Kind::Boolean => boolean(raw).map(Value::Bool),
        Kind::Object | Kind::Array => None,
        Kind::String => match schema.get("format").and_then(Value::as_str) {
            Some("date") => date(raw, language.day_first).map(Value::String),
            _ => Some(Value::String(raw.to_owned())),
        },
    }
}

fn enum_member(raw: &str, members: &[Value]) -> Option<Value> {
    let text = normalize(raw);
    let name = |m: &Value| match m {
        Value::String(s) => normalize(s),
        other => other.to_string(),
    };
    members
        .iter()
        .find(|m| name(m) == text)
        .or_else(|| {
            let padded = format!(" {text} ");
            members.iter().find(|m| !name(m).is_empty() && padded.contains(&format!(" {} ", name(m))))
        })
        .cloned()
}

/// The first number in the text: "$1,234.50" → 1234.5, "1.234,50 €" → 1234.5, "1'234.56" →
/// 1234.56, "(20.00)" → -20, "15%" → 15. A lone separator before three digits ("1.234",
/// "1,234") groups thousands unless `decimal_comma` says which one is the decimal point.
pub fn number(text: &str, decimal_comma: bool) -> Option<f64> {
    written_number(text, decimal_comma).map(|(value, _)| value)
}

/// Which of `words` belong to a date written with its month's name ("March 5, 2024", "5. März
/// 2024", "12 de marzo de 2024"): the month, the day before or after it and the year after it,
/// a joining word between ("de") too.
fn in_named_dates(words: &[&str]) -> Vec<bool> {
    fn bare(word: &str) -> &str {
        word.trim_end_matches([',', '.', ':'])
    }
    let digits = |word: &str, counts: &[usize]| {
        let word = bare(word);
        counts.contains(&word.len()) && word.chars().all(|c| c.is_ascii_digit())
    };
    let joining = |word: &str| (1..=3).contains(&word.len()) && word.chars().all(char::is_lowercase);
    let mut dated = vec![false; words.len()];
    for (at, word) in words.iter().enumerate() {
        if month(bare(word)).is_none() {
            continue;
        }
        dated[at] = true;
        // Backwards to the day, forwards to the day and the year, across a joining word.
        let mut before = at;
        while before > 0 && (digits(words[before - 1], &[1, 2]) || joining(words[before - 1])) {
            before -= 1;
            if digits(words[before], &[1, 2]) {
                dated[before..at].iter_mut().for_each(|d| *d = true);
                break;
            }
        }
        let mut after = at + 1;
        let end = words.len().min(at + 5);
        while after < end && (digits(words[after], &[1, 2, 4]) || joining(words[after])) {
            if digits(words[after], &[1, 2, 4]) {
                dated[at..=after].iter_mut().for_each(|d| *d = true);
            }
            after += 1;
        }
    }
    dated
}

/// [`number`], and how many decimals it was written with ("1.234,50" → 2).
pub fn written_number(text: &str, decimal_comma: bool) -> Option<(f64, usize)> {
    // Spaces that group digits ("1 234,56", also as no-break spaces) and apostrophes (Swiss,
    // typed or typographic: "1'234.56", "1’234.56").
    // A date is no amount: "Total facture TTC du 11/12/2022 62,86 €" is 62.86.
    let text = text.replace(['\u{a0}', '\u{202f}'], " ").replace('’', "'");
    let is_date = |word: &&str| {
        // Digits and one kind of separator ("11/12/2022", "07.05.2014"), never "4.008,37".
        let separators: Vec<char> = word.chars().filter(|c| !c.is_ascii_digit()).collect();
        let one_kind =
            separators.len() == 2 && separators[0] == separators[1] && "./-".contains(separators[0]);
        one_kind && date(word, false).is_some()
    };
    // Nor is one of a date written with its month's name: "TOTAL AMOUNT DUE ON March 5, 2024
    // USD $12.34" is 12.34.
    let words: Vec<&str> = text.split(' ').filter(|word| !is_date(word)).collect();
    let in_dates = in_named_dates(&words);
    let words: Vec<&str> =
        words.into_iter().zip(in_dates).filter(|(_, dated)| !dated).map(|(word, _)| word).collect();
    let text = words.join(" ");
    let text = text.as_str();
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let tail = &text[start..];
    let bytes = tail.as_bytes();
    let grouping = |at: usize| {
        at > 0
            && bytes[at - 1].is_ascii_digit()
            && bytes.len() >= at + 4
            && bytes[at + 1..at + 4].iter().all(u8::is_ascii_digit)
            && bytes.get(at + 4).is_none_or(|b| !b.is_ascii_digit())
    };
    let len = (0..bytes.len())
        .find(|&at| {
            !(bytes[at].is_ascii_digit()
                || bytes[at] == b','
                || bytes[at] == b'.'
                || ((bytes[at] == b' ' || bytes[at] == b'\'') && grouping(at)))
        })
        .unwrap_or(bytes.len());
    let spaced = tail[..len].trim_end_matches([',', '.']).replace([' ', '\''], "");
    let digits = spaced.as_str();
    let before = text[..start].trim_end_matches(|c: char| {
        c.is_whitespace() || "$€£¥₹".contains(c) || c.is_ascii_alphabetic() || c == '.'
    });
    // A hyphen right after a letter or digit joins a code ("A-24981"); it is not a minus.
    let minus = (before.ends_with('-') || before.ends_with('−'))
        && !before[..before.len() - 1].ends_with(|c: char| c.is_alphanumeric());
    let negative = minus || before.ends_with('(');
    let (commas, dots) = (digits.matches(',').count(), digits.matches('.').count());
    let grouping = if decimal_comma { '.' } else { ',' };
    let plain = match (commas, dots) {
        (0, 0) => digits.to_owned(),
        (_, 0) | (0, _) if commas + dots > 1 => {
            // One kind of separator, several times: it groups thousands ("1.234.567").
            let separator = if commas > 0 { ',' } else { '.' };
            if !thousands(digits, separator) {
                return None;
            }
            digits.replace(separator, "")
        }
        (1, 0) | (0, 1) => {
            let separator = if commas == 1 { ',' } else { '.' };
            let after = digits.rsplit(separator).next().unwrap_or("");
            // Three digits after a lone separator: thousands, unless it is this document's
            // decimal mark ("1.234" is 1234 in German, 1.234 in English).
            if after.len() == 3 && separator == grouping && thousands(digits, separator) {
                digits.replace(separator, "")
            } else {
                digits.replace(separator, ".")
            }
        }
        _ => {
            // Both: the last separator is the decimal point.
            let last = if digits.rfind(',') > digits.rfind('.') { ',' } else { '.' };
            let other = if last == ',' { '.' } else { ',' };
            digits.replace(other, "").replace(last, ".")
        }
    };
    let value: f64 = plain.parse().ok()?;
    let decimals = plain.split_once('.').map_or(0, |(_, after)| after.len());
    Some((if negative { -value } else { value }, decimals))
}

/// Whether every group after the first has three digits ("1,234,567").
fn thousands(digits: &str, separator: char) -> bool {
    let mut groups = digits.split(separator);
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

pub fn boolean(text: &str) -> Option<bool> {
    let first = text.split(|c: char| c.is_whitespace() || c == ',' || c == '.').next()?.to_lowercase();
    match first.as_str() {
        // ☑ and ☐ are how parse writes a PDF form's checked and empty boxes.
        "yes" | "y" | "true" | "checked" | "[x]" | "x" | "✓" | "✔" | "☑" | "☒" => Some(true),
        "no" | "n" | "false" | "unchecked" | "[ ]" | "none" | "☐" => Some(false),
        _ => None,
    }
}

/// A date in a common written form as ISO `YYYY-MM-DD`: 2024-01-31, 2024/1/31, 31.01.2024 (day
/// first), 01/31/2024 and 31/01/2024 (the first number is the day when it is over 12, or when
/// the document's language writes the day first), January 31, 2024, 31 Jan 2024, 31-Jan-24, and
/// the month names of every language of the vocabulary (19 april 2014, 7. Mai 2021).
pub fn date(text: &str, day_first: bool) -> Option<String> {
    // Words before the date ("le 13 novembre 2017", "Date 2024-01-05") are skipped.
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .skip_while(|t| t.chars().all(char::is_alphabetic) && month(t).is_none())
        // "15 de septiembre de 2021", "the 3rd of May 2024".
        .filter(|t| !["de", "del", "di", "of", "the"].contains(&t.to_lowercase().as_str()))
        .take(4)
        .collect();
    let num = |t: &str| -> Option<u32> {
        let digits = t.trim_end_matches(|c: char| c.is_alphabetic());
        let suffix = &t[digits.len()..];
        let ordinal = suffix.is_empty()
            || ["st", "nd", "rd", "th", "er", "e"].contains(&suffix.to_lowercase().as_str());
        (ordinal && !digits.is_empty() && digits.len() <= 4).then(|| digits.parse().ok()).flatten()
    };
    let is_number = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    let year = |t: &str| -> Option<i32> {
        match (t.len(), is_number(t)) {
            (4, true) => t.parse().ok(),
            (2, true) => t.parse::<i32>().ok().map(|y| if y < 70 { 2000 + y } else { 1900 + y }),
            _ => None,
        }
    };
    let month_name = |t: &str| month(t);
    // A number before a whole date is not its day: a mark OCR read as "7" before "10-02-2022".
    let tokens = match tokens.as_slice() {
        [_, rest @ ..]
            if rest.len() == 3
                && rest.iter().all(|t| is_number(t))
                && rest[2].len() == 4
                && rest[1].len() <= 2 =>
        {
            rest
        }
        all => all,
    };
    let (y, m, d) = match tokens {
        [a, b, c, ..] if a.len() == 4 && is_number(a) => {
            (year(a)?, num(b).or_else(|| month_name(b))?, num(c)?)
        }
        [a, b, c, ..] if is_number(a) && is_number(b) => {
            let (a, b) = (num(a)?, num(b)?);
            let day_first = text.contains('.') || a > 12 || (day_first && b <= 12);
            let (m, d) = if day_first { (b, a) } else { (a, b) };
            (year(c)?, m, d)
        }
        [a, b, c, ..] => match (month_name(a), month_name(b)) {
            (Some(m), _) => (year(c)?, m, num(b)?),
            (None, Some(m)) => (year(c)?, m, num(a)?),
            _ => return None,
        },
        _ => return None,
    };
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The code in a value found for an identifier (an invoice, order or customer number): its first
/// word with a digit in it, with the groups of digits that follow it ("12 345 678 901"), without
/// the punctuation around it: "No.: 9876" → "9876", "RE-2017/505 von 09.05.2017" →
/// "RE-2017/505". None when no word has a digit: "Salesperson" is no invoice number; nor,
/// unless `dated` allows it, when the code reads as a date.
pub fn identifier(raw: &str, dated: bool) -> Option<&str> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let first = words.iter().position(|w| w.chars().any(|c| c.is_ascii_digit()))?;
    let groups = words[first + 1..]
        .iter()
        .take_while(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
        .count();
    let last = words[first + groups];
    // The span in `raw` from the first word's start to the last group's end.
    let start = words[first].as_ptr() as usize - raw.as_ptr() as usize;
    let end = last.as_ptr() as usize - raw.as_ptr() as usize + last.len();
    // "#1042": the sign says it is a number and is no part of it.
    let code = raw[start..end].trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '.' | '(' | ')'));
    let code = code.strip_prefix(['#', '№']).unwrap_or(code);
    // A date is when, not which ("Facture du 11/12/2022"), and so is a day before its month
    // ("Rechnung vom 3. Januar 2024", "12 de marzo de 2024"); "Fattura n. 12 del 05/03/2024"
    // numbers the invoice 12.
    let day_of_date = code.len() <= 2
        && code.chars().all(|c| c.is_ascii_digit())
        && in_named_dates(&words)[first]
        && date(&raw[start..], false).is_some();
    (!code.is_empty() && (dated || date(code, false).is_none()) && !day_of_date).then_some(code)
}
