//! Value coercion: the text found for a field as the schema's type (numbers in either decimal
//! convention, booleans, dates as ISO, enum members), or nothing when it is not one.

use serde_json::{json, Map, Number, Value};

use super::vocabulary::normalize;
use super::{kind, Kind};

/// The value of `raw` as the schema's type, or None if it is not one.
pub fn coerce(raw: &str, schema: &Map<String, Value>) -> Option<Value> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Some(Value::Array(members)) = schema.get("enum") {
        return enum_member(raw, members);
    }
    match kind(schema) {
        Kind::Number => number(raw).and_then(Number::from_f64).map(Value::Number),
        Kind::Integer => number(raw).filter(|n| n.fract() == 0.0 && n.abs() < 9e15).map(|n| json!(n as i64)),
        Kind::Boolean => boolean(raw).map(Value::Bool),
        Kind::Object | Kind::Array => None,
        Kind::String => match schema.get("format").and_then(Value::as_str) {
            Some("date") => date(raw).map(Value::String),
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

/// The first number in the text: "$1,234.50" → 1234.5, "1.234,50 €" → 1234.5,
/// "(20.00)" → -20, "15%" → 15.
pub fn number(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let tail = &text[start..];
    // Digits, separators, and a space between digit groups ("1 865,73").
    let bytes = tail.as_bytes();
    let grouping_space = |at: usize| {
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
                || (bytes[at] == b' ' && grouping_space(at)))
        })
        .unwrap_or(bytes.len());
    let spaced = tail[..len].trim_end_matches([',', '.']).replace(' ', "");
    let digits = spaced.as_str();
    let before = text[..start]
        .trim_end_matches(|c: char| c.is_whitespace() || "$€£¥".contains(c) || c.is_ascii_uppercase());
    // A hyphen right after a letter or digit joins a code ("A-24981"); it is not a minus.
    let minus = (before.ends_with('-') || before.ends_with('−'))
        && !before[..before.len() - 1].ends_with(|c: char| c.is_alphanumeric());
    let negative = minus || before.ends_with('(');
    let (commas, dots) = (digits.matches(',').count(), digits.matches('.').count());
    let plain = match (commas, dots) {
        (0, 0) => digits.to_owned(),
        (_, 0) if thousands(digits, ',') => digits.replace(',', ""),
        (1, 0) => digits.replace(',', "."),
        (0, _) if dots > 1 && thousands(digits, '.') => digits.replace('.', ""),
        (0, 1) => digits.to_owned(),
        _ => {
            // Both: the last separator is the decimal point.
            let decimal = if digits.rfind(',') > digits.rfind('.') { ',' } else { '.' };
            let grouping = if decimal == ',' { '.' } else { ',' };
            digits.replace(grouping, "").replace(decimal, ".")
        }
    };
    let value: f64 = plain.parse().ok()?;
    Some(if negative { -value } else { value })
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
        "yes" | "y" | "true" | "checked" | "[x]" | "x" | "✓" | "✔" => Some(true),
        "no" | "n" | "false" | "unchecked" | "[ ]" | "none" => Some(false),
        _ => None,
    }
}

/// A date in a common written form as ISO `YYYY-MM-DD`: 2024-01-31, 2024/1/31, 01/31/2024
/// (month first unless the first number is over 12), 31.01.2024 (day first), January 31,
/// 2024, 31 Jan 2024, 31-Jan-24.
pub fn date(text: &str) -> Option<String> {
    let tokens: Vec<&str> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).take(4).collect();
    let num = |t: &str| -> Option<u32> {
        let digits = t.trim_end_matches(|c: char| c.is_alphabetic());
        let suffix = &t[digits.len()..];
        let ordinal = suffix.is_empty() || ["st", "nd", "rd", "th"].contains(&suffix.to_lowercase().as_str());
        (ordinal && !digits.is_empty() && digits.len() <= 4).then(|| digits.parse().ok()).flatten()
    };
    let year = |t: &str| -> Option<i32> {
        let all_digits = t.chars().all(|c| c.is_ascii_digit());
        match (t.len(), all_digits) {
            (4, true) => t.parse().ok(),
            (2, true) => t.parse::<i32>().ok().map(|y| if y < 70 { 2000 + y } else { 1900 + y }),
            _ => None,
        }
    };
    let month_name = |t: &str| -> Option<u32> {
        let t = t.to_lowercase();
        const MONTHS: [&str; 12] =
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
        if t.len() < 3 {
            return None;
        }
        let position = MONTHS.iter().position(|m| t.starts_with(m))?;
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ][position];
        (full.starts_with(&t) || t == "sept").then_some(position as u32 + 1)
    };
    let (y, m, d) = match tokens.as_slice() {
        [a, b, c, ..] if a.len() == 4 && a.chars().all(|c| c.is_ascii_digit()) => {
            (year(a)?, num(b).or_else(|| month_name(b))?, num(c)?)
        }
        [a, b, c, ..] if a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit()) => {
            let (a, b) = (num(a)?, num(b)?);
            let day_first = text.contains('.') || a > 12;
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
