//! Reducto's `ParseOptions` as the local engine reads them. The same object arrives in three
//! places (a Studio step's `parse.options`, the body of `POST /parse`, and `parsing` in
//! extract and split requests); this module reads it into [`ParseSettings`] and reports bad
//! values as FastAPI validation errors located where they sit in the request.
//!
//! Every field the spec documents is checked against its type and allowed values, so a
//! misspelt format or a string where a number goes is a 422 naming the field, as from the
//! real API; unknown fields are ignored, as FastAPI ignores them. The engine honours chunking,
//! `filter_blocks`, the table format, `merge_tables`, page markers, the page range, the
//! password, OCR-only extraction, a DOCX's comments, hidden spreadsheet parts left out, the
//! rows per table, the timeout, `return_ocr_data` and `force_url_result`; the rest (the OCR system,
//! figure summaries, agentic passes, spreadsheet clustering, ...) needs models or services the
//! local engine does not have, and is accepted and ignored.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::{BlockType, Chunking, PageRange, Presentation, SkipHidden, TableFormat, TABLE_ROWS};
use crate::error::{Loc, ValidationError};

/// What the engine takes from `ParseOptions`. Serialized with a queued job.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParseSettings {
    pub chunking: Chunking,
    /// `settings.document_password`: opens encrypted PDFs. Held in memory while the job runs
    /// and never serialized, so it never reaches the database.
    #[serde(skip)]
    pub password: Option<String>,
    /// In a stored job: it had a password, which was not stored. A restart cannot run it again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_withheld: bool,
    /// `settings.page_range`: the pages (or sheets) read; all when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageRange>,
    /// `settings.extraction_mode: "ocr"`: a PDF's pages are OCR'd, their text layer ignored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr_only: bool,
    /// `formatting.include: ["comments"]`: a DOCX's comments read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub comments: bool,
    /// `spreadsheet.exclude`: hidden sheets, rows or columns left out of an XLSX.
    #[serde(default)]
    pub skip_hidden: SkipHidden,
    /// `settings.timeout`: the most seconds the job may take (the server's own limit holds too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<f64>,
    /// How the result is written out.
    #[serde(default)]
    pub presentation: Presentation,
}

/// Reads `options`, located at `at` in the request. Chunking is `retrieval.chunking` as in the
/// spec; a top-level `chunking` (the short form Studio steps may use) wins over it.
pub fn read(options: &Map<String, Value>, at: Vec<Loc>) -> Result<ParseSettings, Vec<ValidationError>> {
    let mut check = Checker { errors: Vec::new() };
    let here = |rest: &[&str]| -> Vec<Loc> {
        at.iter().cloned().chain(rest.iter().map(|&k| Loc::from(k))).collect()
    };

    let retrieval = check.object(Some(options), "retrieval", &at);
    let chunking = match (options.get("chunking"), retrieval.and_then(|r| r.get("chunking"))) {
        (Some(c), _) => chunking(c, here(&["chunking"])),
        (None, Some(c)) => chunking(c, here(&["retrieval", "chunking"])),
        (None, None) => Ok(Chunking::Disabled),
    }
    .unwrap_or_else(|e| {
        check.errors.push(e);
        Chunking::Disabled
    });
    let filter_blocks = check.choices(retrieval, "filter_blocks", &BLOCK_TYPES, &here(&["retrieval"]));
    check.boolean(retrieval, "embedding_optimized", &here(&["retrieval"]));

    let formatting = check.object(Some(options), "formatting", &at);
    let on = here(&["formatting"]);
    let page_markers = check.boolean(formatting, "add_page_markers", &on);
    let tables = check.choice(formatting, "table_output_format", &TableFormat::NAMES, &on);
    let merge_tables = check.boolean(formatting, "merge_tables", &on);
    let included = check.choices(formatting, "include", &FORMATTING_INCLUDES, &on).unwrap_or_default();

    let settings = check.object(Some(options), "settings", &at);
    let on = here(&["settings"]);
    check.choice(settings, "ocr_system", &["standard", "legacy"], &on);
    let extraction_mode = check.choice(settings, "extraction_mode", &["ocr", "hybrid"], &on);
    let url_result = check.boolean(settings, "force_url_result", &on);
    check.string(settings, "force_file_extension", &on);
    let ocr_data = check.boolean(settings, "return_ocr_data", &on);
    check.choices(settings, "return_images", &["figure", "table", "page"], &on);
    check.boolean(settings, "embed_pdf_metadata", &on);
    check.integer(settings, "embed_pdf_metadata_dpi", 50..=250, &on);
    check.boolean(settings, "persist_results", &on);
    check.object(settings, "tenant_throttling", &on);
    check.object(settings, "hybrid_vpc", &on);
    let timeout_secs = check.seconds(settings, "timeout", &on);
    let password = check.string(settings, "document_password", &on).map(str::to_owned);
    let pages = match settings.and_then(|s| s.get("page_range")) {
        Some(range) => {
            page_range(range, here(&["settings", "page_range"]), Sheets::Allowed).unwrap_or_else(|e| {
                check.errors.push(e);
                None
            })
        }
        None => None,
    };

    let enhance = check.object(Some(options), "enhance", &at);
    check.boolean(enhance, "summarize_figures", &here(&["enhance"]));
    check.boolean(enhance, "intelligent_ordering", &here(&["enhance"]));
    check.list(enhance, "agentic", &here(&["enhance"]));

    let spreadsheet = check.object(Some(options), "spreadsheet", &at);
    let on = here(&["spreadsheet"]);
    check.choices(spreadsheet, "include", &["cell_colors", "formula", "dropdowns"], &on);
    check.choice(spreadsheet, "clustering", &["accurate", "fast", "disabled"], &on);
    let excluded = check.choices(spreadsheet, "exclude", &SPREADSHEET_EXCLUDES, &on).unwrap_or_default();
    check.integer(spreadsheet, "max_cell_count", 1..=i64::MAX, &on);
    let table_rows = check.object(spreadsheet, "split_large_tables", &on).and_then(|split| {
        split_large_tables(&mut check, split, &here(&["spreadsheet", "split_large_tables"]))
    });

    if !check.errors.is_empty() {
        return Err(check.errors);
    }
    let presentation = Presentation {
        tables: tables.and_then(TableFormat::from_name).unwrap_or_default(),
        merge_tables: merge_tables.unwrap_or(false),
        table_rows,
        page_markers: page_markers.unwrap_or(false),
        // Types the engine never makes (figures, signatures, ...) filter nothing.
        filter_blocks: filter_blocks
            .unwrap_or_default()
            .into_iter()
            .filter_map(|name| serde_json::from_value::<BlockType>(Value::from(name)).ok())
            .collect(),
        ocr_data: ocr_data.unwrap_or(false),
        url_result: url_result.unwrap_or(false),
    };
    Ok(ParseSettings {
        chunking,
        password,
        password_withheld: false,
        pages,
        ocr_only: extraction_mode == Some("ocr"),
        comments: included.contains(&"comments"),
        skip_hidden: SkipHidden {
            sheets: excluded.contains(&"hidden_sheets"),
            rows: excluded.contains(&"hidden_rows"),
            columns: excluded.contains(&"hidden_cols"),
        },
        timeout_secs,
        presentation,
    })
}

/// The rows per table `split_large_tables` asks for (at `at`): `None` for Reducto's default
/// (50, the engine's own cut), 0 for none (`enabled: false`, or `size: {row: null}`). A
/// `size.column` is checked and not applied: the engine cuts tables by rows only.
fn split_large_tables(check: &mut Checker, split: &Map<String, Value>, at: &[Loc]) -> Option<usize> {
    let enabled = check.boolean(Some(split), "enabled", at);
    let positive = 1..=i64::from(u32::MAX);
    let rows = match split.get("size") {
        None | Some(Value::Null) => None,
        Some(Value::Object(size)) => {
            let at: Vec<Loc> = at.iter().cloned().chain([Loc::from("size")]).collect();
            check.integer(Some(size), "column", positive.clone(), &at);
            Some(check.integer(Some(size), "row", positive, &at).unwrap_or(0))
        }
        Some(_) => check.integer(Some(split), "size", positive, at),
    };
    match (enabled, rows) {
        (Some(false), _) => Some(0),
        (_, Some(rows)) if rows as usize == TABLE_ROWS => None,
        (_, rows) => rows.map(|rows| rows as usize),
    }
}

/// Reducto's block types, as `filter_blocks` names them.
const BLOCK_TYPES: [&str; 12] = [
    "Header",
    "Footer",
    "Title",
    "Section Header",
    "Page Number",
    "List Item",
    "Figure",
    "Table",
    "Key Value",
    "Text",
    "Comment",
    "Signature",
];

const FORMATTING_INCLUDES: [&str; 6] =
    ["change_tracking", "highlight", "comments", "hyperlinks", "signatures", "ignore_watermarks"];

const SPREADSHEET_EXCLUDES: [&str; 5] =
    ["hidden_sheets", "hidden_rows", "hidden_cols", "styling", "spreadsheet_images"];

/// Whether a `page_range` may name spreadsheet sheets (parse's may, classify's may not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheets {
    Allowed,
    NotAllowed,
}

/// A `page_range` (at `at`): a `{start, end}`, a list of them or of page numbers (the two may
/// be mixed), or, where `sheets` allows, a list of sheet names. `null` is no range.
pub fn page_range(value: &Value, at: Vec<Loc>, sheets: Sheets) -> Result<Option<PageRange>, ValidationError> {
    let fail = |msg: String, kind: &str| ValidationError::new(at.clone(), msg, kind);
    let page = |value: Option<&Value>, what: &str| match value {
        None | Some(Value::Null) => Ok(None),
        Some(n) => match n.as_u64().filter(|n| (1..=u32::MAX as u64).contains(n)) {
            Some(n) => Ok(Some(n as u32)),
            None => Err(fail(format!("{what} must be a page number (1 or more), not {n}"), "value_error")),
        },
    };
    let span = |value: &Value| match value {
        Value::Object(range) => {
            let start = page(range.get("start"), "start")?;
            let end = page(range.get("end"), "end")?;
            match (start, end) {
                (Some(s), Some(e)) if s > e => {
                    Err(fail(format!("start ({s}) is after end ({e})"), "value_error"))
                }
                _ => Ok((start, end)),
            }
        }
        number => page(Some(number), "a page").map(|n| (n, n)),
    };
    let expected = match sheets {
        Sheets::Allowed => "{start, end}, a list of them, a list of page numbers or a list of sheet names",
        Sheets::NotAllowed => "{start, end}, a list of them or a list of page numbers",
    };
    match value {
        Value::Null => Ok(None),
        range @ Value::Object(_) => Ok(Some(PageRange::Spans(vec![span(range)?]))),
        Value::Array(items)
            if sheets == Sheets::Allowed && !items.is_empty() && items.iter().all(Value::is_string) =>
        {
            let names = items.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            Ok(Some(PageRange::Sheets(names)))
        }
        Value::Array(items) => {
            items.iter().map(span).collect::<Result<_, _>>().map(|s| Some(PageRange::Spans(s)))
        }
        other => Err(fail(format!("page_range must be {expected}, not {other}"), "type_error")),
    }
}

/// Checks fields of one object against the spec's types, collecting every problem.
struct Checker {
    errors: Vec<ValidationError>,
}

impl Checker {
    fn fail(&mut self, at: &[Loc], key: &str, msg: String, kind: &str) {
        let loc = at.iter().cloned().chain([Loc::from(key)]).collect();
        self.errors.push(ValidationError::new(loc, msg, kind));
    }

    /// `parent[key]`, unless absent or `null` (the spec's defaults then hold).
    fn field<'v>(parent: Option<&'v Map<String, Value>>, key: &str) -> Option<&'v Value> {
        parent?.get(key).filter(|value| !value.is_null())
    }

    fn object<'v>(
        &mut self,
        parent: Option<&'v Map<String, Value>>,
        key: &str,
        at: &[Loc],
    ) -> Option<&'v Map<String, Value>> {
        match Checker::field(parent, key)? {
            Value::Object(object) => Some(object),
            other => {
                self.fail(at, key, format!("{key} must be an object, got {other}"), "model_type");
                None
            }
        }
    }

    /// A boolean, read as pydantic reads one: `true`/`false`, 0 and 1, and their usual words.
    fn boolean(&mut self, parent: Option<&Map<String, Value>>, key: &str, at: &[Loc]) -> Option<bool> {
        let value = Checker::field(parent, key)?;
        let read = match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_f64() {
                Some(0.0) => Some(false),
                Some(1.0) => Some(true),
                _ => None,
            },
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "y" | "on" | "t" => Some(true),
                "false" | "0" | "no" | "n" | "off" | "f" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if read.is_none() {
            self.fail(at, key, format!("{key} must be true or false, got {value}"), "bool_parsing");
        }
        read
    }

    fn string<'v>(
        &mut self,
        parent: Option<&'v Map<String, Value>>,
        key: &str,
        at: &[Loc],
    ) -> Option<&'v str> {
        let value = Checker::field(parent, key)?;
        if value.as_str().is_none() {
            self.fail(at, key, format!("{key} must be a string, got {value}"), "string_type");
        }
        value.as_str()
    }

    /// One of `allowed`.
    fn choice<'v>(
        &mut self,
        parent: Option<&'v Map<String, Value>>,
        key: &str,
        allowed: &[&str],
        at: &[Loc],
    ) -> Option<&'v str> {
        let value = Checker::field(parent, key)?;
        match value.as_str() {
            Some(name) if allowed.contains(&name) => Some(name),
            _ => {
                self.fail(at, key, format!("{key} must be one of {}, got {value}", listed(allowed)), "enum");
                None
            }
        }
    }

    /// A list, each item one of `allowed`.
    fn choices<'v>(
        &mut self,
        parent: Option<&'v Map<String, Value>>,
        key: &str,
        allowed: &[&str],
        at: &[Loc],
    ) -> Option<Vec<&'v str>> {
        let items = self.list(parent, key, at)?;
        let mut names = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(name) if allowed.contains(&name) => names.push(name),
                _ => {
                    let loc: Vec<Loc> = at.iter().cloned().chain([Loc::from(key), Loc::from(i)]).collect();
                    let msg = format!("{key}[{i}] must be one of {}, got {item}", listed(allowed));
                    self.errors.push(ValidationError::new(loc, msg, "enum"));
                }
            }
        }
        Some(names)
    }

    fn list<'v>(
        &mut self,
        parent: Option<&'v Map<String, Value>>,
        key: &str,
        at: &[Loc],
    ) -> Option<&'v Vec<Value>> {
        match Checker::field(parent, key)? {
            Value::Array(items) => Some(items),
            other => {
                self.fail(at, key, format!("{key} must be a list, got {other}"), "list_type");
                None
            }
        }
    }

    /// A whole number within `range` (a float without a fraction counts, as pydantic takes it).
    fn integer(
        &mut self,
        parent: Option<&Map<String, Value>>,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        at: &[Loc],
    ) -> Option<i64> {
        let value = Checker::field(parent, key)?;
        let whole = value.as_i64().or_else(|| value.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64));
        match whole {
            Some(n) if range.contains(&n) => Some(n),
            Some(n) => {
                let (min, max) = (range.start(), range.end());
                let bounds =
                    if *max == i64::MAX { format!("at least {min}") } else { format!("from {min} to {max}") };
                self.fail(at, key, format!("{key} must be {bounds}, got {n}"), "value_error");
                None
            }
            None => {
                self.fail(at, key, format!("{key} must be a whole number, got {value}"), "int_type");
                None
            }
        }
    }

    /// A positive number of seconds.
    fn seconds(&mut self, parent: Option<&Map<String, Value>>, key: &str, at: &[Loc]) -> Option<f64> {
        let value = Checker::field(parent, key)?;
        match value.as_f64() {
            Some(secs) if secs > 0.0 => Some(secs),
            _ => {
                self.fail(
                    at,
                    key,
                    format!("{key} must be a number of seconds above 0, got {value}"),
                    "value_error",
                );
                None
            }
        }
    }
}

/// `'a', 'b' or 'c'`, for messages.
fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

const DEFAULT_CHUNK_SIZE: usize = 1000;

/// A `Chunking` object into the engine's mode; `path` is where the object sits.
fn chunking(value: &Value, path: Vec<Loc>) -> Result<Chunking, ValidationError> {
    let fail = |field: &str, msg: String, kind: &str| {
        let mut loc = path.clone();
        if !field.is_empty() {
            loc.push(Loc::Key(field.into()));
        }
        ValidationError::new(loc, msg, kind)
    };
    if value.is_null() {
        return Ok(Chunking::Disabled);
    }
    let Some(obj) = value.as_object() else {
        return Err(fail(
            "",
            "chunking must be an object such as {\"chunk_mode\": \"page\"}".into(),
            "model_type",
        ));
    };
    let mode = match obj.get("chunk_mode") {
        None | Some(Value::Null) => "disabled",
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(fail(
                "chunk_mode",
                format!("chunk_mode must be a string, got {other}"),
                "string_type",
            ))
        }
    };
    let size = match obj.get("chunk_size") {
        None | Some(Value::Null) => DEFAULT_CHUNK_SIZE,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => n as usize,
            _ => {
                return Err(fail(
                    "chunk_size",
                    format!("chunk_size must be a positive integer, got {v}"),
                    "value_error",
                ))
            }
        },
    };
    match mode {
        "disabled" => Ok(Chunking::Disabled),
        "page" => Ok(Chunking::Page),
        "section" => Ok(Chunking::Section),
        "variable" => Ok(Chunking::Variable { size }),
        other => Err(fail(
            "chunk_mode",
            format!(
                "chunk_mode '{other}' is not supported by the local engine \
                 (supported: 'disabled', 'page', 'section', 'variable')"
            ),
            "value_error",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loc;
    use serde_json::json;

    fn settings(options: Value) -> Result<ParseSettings, Vec<ValidationError>> {
        read(options.as_object().unwrap(), loc!["body"])
    }

    #[test]
    fn spec_and_short_spellings() {
        assert_eq!(settings(json!({})).unwrap(), ParseSettings::default());
        let spec = json!({"retrieval": {"chunking": {"chunk_mode": "variable", "chunk_size": 200}}});
        assert_eq!(settings(spec).unwrap().chunking, Chunking::Variable { size: 200 });
        let both =
            json!({"chunking": {"chunk_mode": "page"}, "retrieval": {"chunking": {"chunk_mode": "section"}}});
        assert_eq!(settings(both).unwrap().chunking, Chunking::Page, "the short form wins");
        let locked = json!({"settings": {"document_password": "pw", "ocr_system": "standard"}});
        assert_eq!(settings(locked).unwrap().password.as_deref(), Some("pw"));
    }

    #[test]
    fn every_problem_is_reported_where_it_is() {
        let bad = json!({
            "retrieval": {"chunking": {"chunk_mode": "page_sections"}},
            "settings": {"document_password": 42}
        });
        let errors = settings(bad).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].loc, loc!["body", "retrieval", "chunking", "chunk_mode"]);
        assert!(errors[0].msg.contains("'page_sections'"), "{}", errors[0].msg);
        assert_eq!(errors[1].loc, loc!["body", "settings", "document_password"]);
        let size = settings(json!({"chunking": {"chunk_mode": "variable", "chunk_size": 0}})).unwrap_err();
        assert_eq!(size[0].loc, loc!["body", "chunking", "chunk_size"]);
    }
}
