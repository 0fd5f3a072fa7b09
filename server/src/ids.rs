//! Identifiers: random pipeline ids, file ids and job ids from the OS CSPRNG, and the strict
//! parser for `reducto://` file ids. A file id names a file on disk, so anything that does not
//! match the exact pattern is rejected before it gets near a path.

use std::fmt;

const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const TOKEN_LEN: usize = 32;
const MAX_EXT_LEN: usize = 10;

/// `len` random characters from `[a-z0-9]`, uniformly distributed.
fn random_alnum(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).expect("the OS random number generator failed");
        // 252 = 7 * 36: rejecting bytes above it keeps every character equally likely.
        for &b in buf.iter().filter(|&&b| b < 252) {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[(b % 36) as usize] as char);
        }
    }
    out
}

/// A new pipeline id: 32 lowercase letters and digits (about 165 bits of entropy).
pub fn new_pipeline_id() -> String {
    random_alnum(TOKEN_LEN)
}

/// Whether `s` has the shape of a pipeline id; anything else cannot exist in the store.
pub fn is_pipeline_id(s: &str) -> bool {
    is_token(s)
}

/// A new presigned upload credential: as unguessable as a pipeline id.
pub fn new_upload_token() -> String {
    random_alnum(TOKEN_LEN)
}

/// Whether `s` has the shape of an upload token (or any other 32-character id here).
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// A random RFC 4122 version 4 UUID, used as the job id.
pub fn new_job_id() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the OS random number generator failed");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Normalizes a file extension (`".PDF"` → `"pdf"`); `None` unless it is 1-10 ASCII
/// letters or digits, so it is always safe to embed in an id.
pub fn normalize_extension(raw: &str) -> Option<String> {
    let ext = raw.trim().trim_start_matches('.').to_ascii_lowercase();
    let ok = (1..=MAX_EXT_LEN).contains(&ext.len()) && ext.bytes().all(|b| ALPHABET.contains(&b));
    ok.then_some(ext)
}

/// An uploaded file's id, written `reducto://<token>.<ext>` (or without `.ext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId {
    pub token: String,
    pub extension: Option<String>,
}

impl FileId {
    pub const SCHEME: &'static str = "reducto://";

    pub fn new(extension: Option<String>) -> Self {
        FileId { token: random_alnum(TOKEN_LEN), extension }
    }

    /// Parses `reducto://<32 [a-z0-9]>[.<1-10 [a-z0-9]>]`; nothing else.
    pub fn parse(s: &str) -> Option<FileId> {
        let rest = s.strip_prefix(Self::SCHEME)?;
        let (token, extension) = match rest.split_once('.') {
            Some((token, ext)) => {
                let normalized = normalize_extension(ext)?;
                (normalized == ext).then_some(())?;
                (token, Some(normalized))
            }
            None => (rest, None),
        };
        is_token(token).then(|| FileId { token: token.to_owned(), extension })
    }
}

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.extension {
            Some(ext) => write!(f, "{}{}.{}", Self::SCHEME, self.token, ext),
            None => write!(f, "{}{}", Self::SCHEME, self.token),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_ids_are_32_alnum_and_distinct() {
        let a = new_pipeline_id();
        assert!(is_pipeline_id(&a), "{a}");
        assert_ne!(a, new_pipeline_id());
    }

    #[test]
    fn job_ids_are_v4_uuids() {
        let id = new_job_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }

    #[test]
    fn file_ids_round_trip() {
        let id = FileId::new(Some("pdf".into()));
        assert_eq!(FileId::parse(&id.to_string()), Some(id));
        let bare = FileId::new(None);
        assert_eq!(FileId::parse(&bare.to_string()), Some(bare));
    }

    #[test]
    fn file_ids_reject_anything_path_like() {
        let token = "a".repeat(32);
        for bad in [
            format!("reducto://{token}/../x"),
            format!("reducto://../{token}"),
            format!("reducto://{token}.PDF"),
            format!("reducto://{token}.p/f"),
            format!("reducto://{token}."),
            "reducto://short.pdf".to_owned(),
            format!("https://{token}.pdf"),
        ] {
            assert_eq!(FileId::parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn extensions_are_normalized_or_refused() {
        assert_eq!(normalize_extension(".PDF").as_deref(), Some("pdf"));
        assert_eq!(normalize_extension("../etc"), None);
        assert_eq!(normalize_extension(""), None);
    }
}
