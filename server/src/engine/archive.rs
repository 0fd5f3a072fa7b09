//! The ZIP container of DOCX and XLSX files, opened defensively. A ZIP can declare a tiny
//! compressed size for an enormous entry (a "ZIP bomb"), so nothing here trusts the archive:
//! it refuses archives with too many entries, entries whose declared compression ratio no
//! real Office XML reaches, and stops reading once the uncompressed bytes read from the whole
//! archive pass a budget, whatever the entries declared.
//!
//! It also reads the package's relationships (the `.rels` parts), which say where each part
//! a reader needs is: a document's main part, a sheet, a header.

use std::io::{Cursor, Read};

use super::xml::walk;
use super::EngineError;

/// The bounds one archive is read within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Entries in the central directory (a large workbook has a few hundred).
    pub max_entries: usize,
    /// Uncompressed bytes read from all entries together.
    pub max_total_bytes: u64,
    /// Uncompressed over compressed size, checked for entries larger than `ratio_from_bytes`.
    /// Office XML compresses 5-30×; Apache POI refuses past 100× as well.
    pub max_ratio: u64,
    /// Small entries are exempt from the ratio check: a few KB of repeated markup can
    /// legitimately compress 200×, and cannot hurt.
    pub ratio_from_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 10_000, max_total_bytes: 200 << 20, max_ratio: 100, ratio_from_bytes: 1 << 20 }
    }
}

pub struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    names: Vec<String>,
    limits: Limits,
    /// Uncompressed bytes read so far, against `limits.max_total_bytes`.
    read: u64,
    /// "DOCX" or "XLSX", for messages.
    format: &'static str,
}

impl<'a> Archive<'a> {
    pub fn open(bytes: &'a [u8], format: &'static str, limits: Limits) -> Result<Archive<'a>, EngineError> {
        let malformed = |cause: String| EngineError::Malformed { format, cause };
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| malformed(not_opened(e)))?;
        if zip.len() > limits.max_entries {
            return Err(EngineError::Refused(format!(
                "the {format} archive has {} entries, more than the {} allowed",
                zip.len(),
                limits.max_entries
            )));
        }
        let names = zip
            .file_names()
            .map(|name| name.map(|n| n.into_owned()))
            .collect::<Result<Vec<String>, _>>()
            .map_err(|e| malformed(format!("an entry name cannot be read ({e})")))?;
        Ok(Archive { zip, names, limits, read: 0, format })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.stored_name(name).is_some()
    }

    /// How the archive stores part `name`. Part names compare without regard to ASCII case
    /// (ECMA-376 part 2), and some writers put `\` between folders.
    fn stored_name(&self, name: &str) -> Option<String> {
        let same = |stored: &&String| stored.replace('\\', "/").eq_ignore_ascii_case(name);
        self.names.iter().find(|stored| *stored == name).or_else(|| self.names.iter().find(same)).cloned()
    }

    /// The entry `name` as text, or `None` when the archive has no such entry.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, EngineError> {
        let Some(bytes) = self.bytes(name)? else { return Ok(None) };
        let malformed =
            EngineError::Malformed { format: self.format, cause: format!("{name} is not UTF-8 XML") };
        String::from_utf8(bytes).map(Some).map_err(|_| malformed)
    }

    /// The entry `name`, or `None` when the archive has no such entry.
    pub fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, EngineError> {
        let Some(stored) = self.stored_name(name) else { return Ok(None) };
        let (format, limits) = (self.format, self.limits);
        let malformed = |cause: String| EngineError::Malformed { format, cause };
        let entry = self.zip.by_name(&stored).map_err(|e| malformed(format!("{name}: {e}")))?;
        let (declared, compressed) = (entry.size(), entry.compressed_size());
        if declared > limits.ratio_from_bytes && declared / compressed.max(1) > limits.max_ratio {
            return Err(EngineError::Refused(format!(
                "{name} in the {format} declares {declared} bytes compressed into {compressed} \
                 (more than {}:1): refused as a possible ZIP bomb",
                limits.max_ratio
            )));
        }
        let budget = limits.max_total_bytes - self.read;
        if declared > budget {
            return Err(too_much(format, limits));
        }
        // Read one byte past what the entry may hold, so a size that lies is caught too.
        let mut bytes = Vec::with_capacity(declared.min(budget) as usize);
        entry
            .take(budget + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| malformed(format!("{name} cannot be decompressed ({e})")))?;
        if bytes.len() as u64 > budget {
            return Err(too_much(format, limits));
        }
        self.read += bytes.len() as u64;
        Ok(Some(bytes))
    }
}

/// One relationship of a part: its id, its kind and the part it points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub id: String,
    /// The last segment of its type URI: `officeDocument`, `worksheet`, `header`, `footer`.
    pub kind: String,
    /// The part's name in the archive.
    pub target: String,
}

impl Relationship {
    /// The target of the first of `relationships` of `kind`.
    pub fn of_kind<'r>(relationships: &'r [Relationship], kind: &str) -> Option<&'r str> {
        relationships.iter().find(|r| r.kind == kind).map(|r| r.target.as_str())
    }

    /// The target of relationship `id` among `relationships`.
    pub fn by_id<'r>(relationships: &'r [Relationship], id: &str) -> Option<&'r str> {
        relationships.iter().find(|r| r.id == id).map(|r| r.target.as_str())
    }
}

impl Archive<'_> {
    /// The package's main part, as its `officeDocument` relationship names it; None when the
    /// package does not say.
    pub fn main_part(&mut self) -> Result<Option<String>, EngineError> {
        Ok(Relationship::of_kind(&self.relationships("")?, "officeDocument").map(str::to_owned))
    }

    /// The content type `[Content_Types].xml` gives part `name`, where it names the part itself
    /// (the main part of a package always is: `…spreadsheetml.sheet.main+xml`).
    pub fn content_type(&mut self, name: &str) -> Result<Option<String>, EngineError> {
        let Some(types) = self.text("[Content_Types].xml")? else { return Ok(None) };
        let part = format!("/{}", name.trim_start_matches('/'));
        let mut found = None;
        walk(&types, "[Content_Types].xml", |node| {
            if found.is_none() && node.attr("PartName").is_some_and(|named| named.eq_ignore_ascii_case(&part))
            {
                found = node.attr("ContentType").map(str::to_owned);
            }
        })?;
        Ok(found)
    }

    /// The relationships of part `source` ("" for the package itself), from its `.rels` part
    /// (`word/_rels/document.xml.rels` for `word/document.xml`); none when it has no such part.
    /// Links outside the package (`TargetMode="External"`) are left out.
    pub fn relationships(&mut self, source: &str) -> Result<Vec<Relationship>, EngineError> {
        let (folder, file) = source.rsplit_once('/').unwrap_or(("", source));
        let rels_name = match folder {
            "" => format!("_rels/{file}.rels"),
            folder => format!("{folder}/_rels/{file}.rels"),
        };
        let Some(rels) = self.text(&rels_name)? else { return Ok(Vec::new()) };
        let mut relationships = Vec::new();
        walk(&rels, &rels_name, |node| {
            let (Some(id), Some(target)) = (node.attr("Id"), node.attr("Target")) else { return };
            if node.attr("TargetMode") != Some("External") {
                let kind = node.attr("Type").unwrap_or_default();
                let kind = kind.rsplit('/').next().unwrap_or(kind).to_owned();
                relationships.push(Relationship { id: id.to_owned(), kind, target: resolve(folder, target) });
            }
        })?;
        Ok(relationships)
    }
}

/// A relationship's `target` as a part name: absolute in the package (`/xl/a.xml`), or
/// relative to `folder`, the folder of the part the relationship belongs to (`../b.xml`).
fn resolve(folder: &str, target: &str) -> String {
    let mut path: Vec<&str> = match target.strip_prefix('/') {
        Some(_) => Vec::new(),
        None => folder.split('/').filter(|s| !s.is_empty()).collect(),
    };
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => drop(path.pop()),
            segment => path.push(segment),
        }
    }
    path.join("/")
}

fn too_much(format: &str, limits: Limits) -> EngineError {
    let limit = match limits.max_total_bytes {
        n if n >= 1 << 20 => format!("{} MB", n >> 20),
        n => format!("{n} bytes"),
    };
    EngineError::Refused(format!(
        "the {format} decompresses to more than {limit}: refused as a possible ZIP bomb"
    ))
}

/// Whether the bytes start like a ZIP archive (a local file header).
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Builds a ZIP from `(name, contents)` pairs, deflated: for tests of the readers.
/// Why a ZIP archive did not open, in words: the zip crate's message names a Rust type where a
/// truncated file ends early ("Unexpected end of zip::format::blocks::Zip32CDEBlock").
fn not_opened(e: zip::result::ZipError) -> String {
    match e {
        zip::result::ZipError::InvalidArchive(why) => {
            let words =
                why.split_whitespace().map(|word| if word.contains("::") { "a ZIP record" } else { word });
            let why = words.collect::<Vec<_>>().join(" ");
            format!("not a ZIP archive, or a damaged or truncated one ({why})")
        }
        e => format!("not a ZIP archive, or one this reader cannot open ({e})"),
    }
}

#[cfg(test)]
pub fn build(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(contents).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(result: Result<impl std::fmt::Debug, EngineError>) -> String {
        match result {
            Err(EngineError::Refused(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn entries_are_read_as_text() {
        let bytes = build(&[("a.xml", b"<a/>"), ("dir/b.xml", b"<b>\xc3\xa9</b>")]);
        let mut archive = Archive::open(&bytes, "DOCX", Limits::default()).unwrap();
        assert_eq!(archive.text("a.xml").unwrap().as_deref(), Some("<a/>"));
        assert_eq!(archive.text("dir/b.xml").unwrap().as_deref(), Some("<b>é</b>"));
        assert_eq!(archive.text("missing.xml").unwrap(), None);
    }

    #[test]
    fn a_highly_compressed_entry_is_refused() {
        let zeros = vec![b'0'; 4 << 20];
        let bytes = build(&[("word/document.xml", &zeros)]);
        let mut archive = Archive::open(&bytes, "DOCX", Limits::default()).unwrap();
        let why = refused(archive.text("word/document.xml"));
        assert!(why.contains("ZIP bomb") && why.contains("100:1"), "{why}");
    }

    #[test]
    fn the_total_read_is_capped_and_so_are_the_entries() {
        let chunk = vec![b'x'; 600];
        let bytes = build(&[("a", &chunk), ("b", &chunk)]);
        let limits = Limits { max_total_bytes: 1000, ..Limits::default() };
        let mut archive = Archive::open(&bytes, "XLSX", limits).unwrap();
        assert!(archive.text("a").unwrap().is_some());
        assert!(refused(archive.text("b")).contains("more than 1000 bytes"));

        let many: Vec<(String, &[u8])> = (0..5).map(|i| (format!("e{i}"), &b"x"[..])).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let limits = Limits { max_entries: 4, ..Limits::default() };
        let why = refused(Archive::open(&build(&many), "XLSX", limits).map(|_| ()));
        assert!(why.contains("5 entries"), "{why}");
    }

    #[test]
    fn part_names_match_whatever_their_case_and_folder_separator() {
        let bytes = build(&[("XL\\Workbook.xml", b"<w/>")]);
        let mut archive = Archive::open(&bytes, "XLSX", Limits::default()).unwrap();
        assert!(archive.contains("xl/workbook.xml"));
        assert_eq!(archive.text("xl/workbook.xml").unwrap().as_deref(), Some("<w/>"));
        assert!(!archive.contains("xl/workbook.xml.rels"));
    }

    #[test]
    fn relationships_resolve_their_targets_against_their_part() {
        let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
            <Relationship Id="rId2" Type="http://x/relationships/footer" Target="../common/footer.xml"/>
            <Relationship Id="rId3" Type="http://x/relationships/styles" Target="/word/styles.xml"/>
            <Relationship Id="rId4" Type="http://x/relationships/hyperlink" Target="https://example.com" TargetMode="External"/>
        </Relationships>"#;
        let bytes = build(&[("word/_rels/document2.xml.rels", rels)]);
        let mut archive = Archive::open(&bytes, "DOCX", Limits::default()).unwrap();
        let found = archive.relationships("word/document2.xml").unwrap();
        let found: Vec<(&str, &str, &str)> =
            found.iter().map(|r| (r.id.as_str(), r.kind.as_str(), r.target.as_str())).collect();
        assert_eq!(
            found,
            [
                ("rId1", "header", "word/header1.xml"),
                ("rId2", "footer", "common/footer.xml"),
                ("rId3", "styles", "word/styles.xml"),
            ]
        );
        assert_eq!(archive.relationships("word/other.xml").unwrap(), []);
    }

    #[test]
    fn garbage_is_malformed() {
        let err = Archive::open(b"PK\x03\x04 not really", "DOCX", Limits::default()).err().unwrap();
        assert!(matches!(err, EngineError::Malformed { format: "DOCX", .. }), "{err:?}");
        // Cut inside its central directory: said in words, with no Rust type in them.
        let whole = build(&[("word/document.xml", b"<w:document/>")]);
        for cut in [whole.len() - 30, whole.len() / 2] {
            let err = Archive::open(&whole[..cut], "DOCX", Limits::default()).err().unwrap().to_string();
            assert!(err.contains("not a ZIP archive, or a damaged or truncated one"), "{err}");
            assert!(!err.contains("::"), "{err}");
        }
    }
}
