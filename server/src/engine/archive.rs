//! The ZIP container of DOCX and XLSX files, opened defensively. A ZIP can declare a tiny
//! compressed size for an enormous entry (a "ZIP bomb"), so nothing here trusts the archive:
//! it refuses archives with too many entries, entries whose declared compression ratio no
//! real Office XML reaches, and stops reading once the uncompressed bytes read from the whole
//! archive pass a budget, whatever the entries declared.

use std::io::{Cursor, Read};

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
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| malformed(format!("not a ZIP archive ({e})")))?;
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
        self.names.iter().any(|n| n == name)
    }

    /// The entry `name` as text, or `None` when the archive has no such entry.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, EngineError> {
        if !self.contains(name) {
            return Ok(None);
        }
        let (format, limits) = (self.format, self.limits);
        let malformed = |cause: String| EngineError::Malformed { format, cause };
        let entry = self.zip.by_name(name).map_err(|e| malformed(format!("{name}: {e}")))?;
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
        String::from_utf8(bytes).map(Some).map_err(|_| malformed(format!("{name} is not UTF-8 XML")))
    }
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
    fn garbage_is_malformed() {
        let err = Archive::open(b"PK\x03\x04 not really", "DOCX", Limits::default()).err().unwrap();
        assert!(matches!(err, EngineError::Malformed { format: "DOCX", .. }), "{err:?}");
    }
}
