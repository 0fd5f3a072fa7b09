//! The number formats of a workbook's styles part, as far as they change how a number reads:
//! a date or time format turns Excel's serial number into ISO 8601, a percentage format writes a
//! percentage; every other number is written as short as it reads back the same.

use std::collections::HashMap;

use super::super::xml::{walk, Node};
use super::super::EngineError;

/// What a date or time number format shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum DateKind {
    Date,
    DateTime,
    Time,
}

/// How a number format shows a number, where it is not as the number itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Shown {
    Date(DateKind),
    /// A percentage with this many decimals (`0.0%`).
    Percent(usize),
}

/// How each cell style's number format shows a number, and the workbook's date system.
#[derive(Debug, Default)]
pub(super) struct NumberFormats {
    /// By cell style index (`s`): how its number format shows a number, if not as itself.
    shown: Vec<Option<Shown>>,
    /// Serial 0 is 1904-01-01 instead of 1899-12-31 (old Mac workbooks).
    pub(super) from_1904: bool,
}

impl NumberFormats {
    pub(super) fn shown(&self, style: usize) -> Option<Shown> {
        self.shown.get(style).copied().flatten()
    }

    /// A number cell's text (`raw`, as stored) as its format shows it: a date or time in ISO
    /// 8601, a percentage, else the number as short as it reads back the same (Excel stores
    /// 17 digits: 0.99399999999999999 is 0.994). What is not a number stays as stored, and so
    /// does a number too large or too small to write out in full.
    pub(super) fn display(&self, raw: String, shown: Option<Shown>) -> String {
        let number = match raw.trim().parse::<f64>() {
            Ok(number) if number.is_finite() => number,
            _ => return raw,
        };
        match shown {
            Some(Shown::Date(kind)) => self.iso(number, kind).unwrap_or(raw),
            Some(Shown::Percent(decimals)) => format!("{:.*}%", decimals, number * 100.0),
            // Adding 0.0 makes a negative zero 0, as Excel shows it.
            None if number == 0.0 || (1e-9..1e15).contains(&number.abs()) => (number + 0.0).to_string(),
            None => raw,
        }
    }

    /// A serial date in ISO 8601, or None when it is out of any calendar Excel shows.
    fn iso(&self, serial: f64, kind: DateKind) -> Option<String> {
        if !(0.0..2_958_466.0).contains(&serial) {
            return None; // Excel's dates end on 9999-12-31
        }
        // Rounded to the second first, so 23:59:59.6 is the next day's 00:00.
        let total_seconds = (serial * 86_400.0).round() as i64;
        let (mut days, seconds) = (total_seconds / 86_400, total_seconds % 86_400);
        // The 1900 system counts a 29 February 1900 that never was (serial 60), as Lotus did.
        let epoch = if self.from_1904 {
            days_from_civil(1904, 1, 1)
        } else {
            if days < 60 {
                days += 1;
            }
            days_from_civil(1899, 12, 30)
        };
        let (year, month, day) = civil_from_days(epoch + days);
        let (hours, minutes, secs) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        let time = if secs == 0 {
            format!("{hours:02}:{minutes:02}")
        } else {
            format!("{hours:02}:{minutes:02}:{secs:02}")
        };
        let date = format!("{year:04}-{month:02}-{day:02}");
        Some(match kind {
            DateKind::Date => date,
            DateKind::DateTime => format!("{date} {time}"),
            DateKind::Time => time,
        })
    }
}

/// The cell styles of xl/styles.xml (`cellXfs`) whose number format is a date or time.
pub(super) fn number_formats(xml: &str) -> Result<NumberFormats, EngineError> {
    let mut custom: HashMap<u32, String> = HashMap::new();
    let mut style_formats: Vec<u32> = Vec::new();
    let mut in_cell_xfs = false;
    walk(xml, "styles.xml", |node| match &node {
        Node::Open { name, empty, .. } => match name.as_str() {
            "numFmt" => {
                if let (Some(id), Some(code)) =
                    (node.attr("numFmtId").and_then(|id| id.parse().ok()), node.attr("formatCode"))
                {
                    custom.insert(id, code.to_owned());
                }
            }
            "cellXfs" => in_cell_xfs = !empty,
            "xf" if in_cell_xfs => {
                style_formats.push(node.attr("numFmtId").and_then(|id| id.parse().ok()).unwrap_or(0))
            }
            _ => {}
        },
        Node::Close { name } if name == "cellXfs" => in_cell_xfs = false,
        _ => {}
    })?;
    let shown = style_formats
        .into_iter()
        .map(|id| match custom.get(&id) {
            Some(code) => date_kind_of_code(code)
                .map(Shown::Date)
                .or_else(|| percent_decimals(code).map(Shown::Percent)),
            None => builtin_date_kind(id).map(Shown::Date).or(match id {
                9 => Some(Shown::Percent(0)),
                10 => Some(Shown::Percent(2)),
                _ => None,
            }),
        })
        .collect();
    Ok(NumberFormats { shown, from_1904: false })
}

/// Excel's built-in formats that show dates or times (ECMA-376 §18.8.30).
fn builtin_date_kind(id: u32) -> Option<DateKind> {
    match id {
        14..=17 => Some(DateKind::Date),
        22 => Some(DateKind::DateTime),
        18..=21 | 45..=47 => Some(DateKind::Time),
        _ => None,
    }
}

/// Whether a custom format code shows a date, a time or both: its y/d (date) and h/s (time)
/// tokens outside quoted text, escapes and `[...]` sections (colours, conditions, locales;
/// except elapsed time, `[h]`); `m` alone means months.
/// The decimals of a percentage format code (`0.00%` has 2), or None when the code shows no
/// percentage. Quoted text and bracketed colours or conditions are not the format.
fn percent_decimals(code: &str) -> Option<usize> {
    let section = code.split(';').next().unwrap_or_default();
    let (mut percent, mut decimals, mut after_point) = (false, 0, false);
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => while chars.next().is_some_and(|q| q != '"') {},
            '[' => while chars.next().is_some_and(|q| q != ']') {},
            '\\' | '_' | '*' => {
                chars.next();
            }
            '%' => percent = true,
            '.' => after_point = true,
            '0' | '#' | '?' if after_point => decimals += 1,
            _ => {}
        }
    }
    percent.then_some(decimals)
}

fn date_kind_of_code(code: &str) -> Option<DateKind> {
    let section = code.split(';').next().unwrap_or_default();
    let (mut date, mut time, mut months) = (false, false, false);
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        match c.to_ascii_lowercase() {
            '"' => while chars.next().is_some_and(|q| q != '"') {},
            '[' => {
                let inside: String = chars.by_ref().take_while(|&b| b != ']').collect();
                time |= !inside.is_empty()
                    && inside.chars().all(|t| matches!(t.to_ascii_lowercase(), 'h' | 'm' | 's'));
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            'y' | 'd' => date = true,
            'h' | 's' => time = true,
            'm' => months = true,
            _ => {}
        }
    }
    let date = date || (months && !time);
    match (date, time) {
        (true, true) => Some(DateKind::DateTime),
        (true, false) => Some(DateKind::Date),
        (false, true) => Some(DateKind::Time),
        (false, false) => None,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    era * 146_097 + year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_read_in_either_date_system() {
        let mac = NumberFormats { from_1904: true, ..NumberFormats::default() };
        assert_eq!(mac.iso(0.0, DateKind::Date).as_deref(), Some("1904-01-01"));
        let pc = NumberFormats::default();
        assert_eq!(pc.iso(1.0, DateKind::Date).as_deref(), Some("1900-01-01"));
        assert_eq!(pc.iso(61.0, DateKind::Date).as_deref(), Some("1900-03-01"));
        assert_eq!(pc.iso(45_366.999_999_9, DateKind::DateTime).as_deref(), Some("2024-03-16 00:00"));
        assert_eq!(pc.iso(3e6, DateKind::Date), None, "past 9999-12-31");
    }

    #[test]
    fn format_codes_tell_dates_from_times_and_numbers() {
        assert_eq!(date_kind_of_code("yyyy-mm-dd"), Some(DateKind::Date));
        assert_eq!(date_kind_of_code("mmm-yy"), Some(DateKind::Date));
        assert_eq!(date_kind_of_code("m/d/yy h:mm"), Some(DateKind::DateTime));
        assert_eq!(date_kind_of_code("h:mm:ss AM/PM"), Some(DateKind::Time));
        assert_eq!(date_kind_of_code("[h]:mm"), Some(DateKind::Time));
        assert_eq!(date_kind_of_code("[Red]#,##0.00"), None);
        assert_eq!(date_kind_of_code("\"Days: \"0"), None);
        assert_eq!(date_kind_of_code("0.00;[Red]-0.00"), None);
    }
}
