//! What the command line sets: every flag's value, with the defaults the binary starts with.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything the command line sets. Its `Debug` shows no key (see [`ApiKey`]).
#[derive(Debug, Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub api_keys: Vec<ApiKey>,
    /// Origins besides loopback ones whose pages may call a keyless server (`--allow-origin`).
    pub allow_origins: Vec<String>,
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub max_upload_mb: u64,
    /// The largest presigned (PUT) upload.
    pub max_presigned_mb: u64,
    /// The largest document the engine reads into memory; a larger upload is refused unread.
    pub max_document_mb: u64,
    /// How long a presigned upload URL, and an edited PDF's download URL, stays valid.
    pub presigned_ttl: Duration,
    /// Parse results larger than this many MB are answered as a URL.
    pub inline_result_limit_mb: f64,
    /// Jobs that run at once; `None` means one per CPU.
    pub workers: Option<usize>,
    /// Jobs that may wait for a worker; past it, new jobs get a 429.
    pub max_queued_jobs: usize,
    /// Requests served at once; more wait for a turn.
    pub max_concurrent_requests: usize,
    /// How long a request's headers may take to arrive, and how long its body may go without
    /// sending a byte, before the connection or the request fails.
    pub read_timeout: Duration,
    /// The grace a request body has to arrive, on top of one second per
    /// [`crate::intake::MIN_BODY_RATE`] bytes it sends (`--body-timeout-secs`).
    pub body_timeout: Duration,
    /// How long one job may spend on its document before it fails.
    pub parse_timeout: Duration,
    /// How long uploads, finished jobs' results and used presigned URLs are kept.
    pub retention: Duration,
    /// PEM certificate authorities that https URL inputs may also be signed by (an internal
    /// server's), besides Mozilla's roots.
    pub ca_cert: Option<PathBuf>,
    /// A reducto.pipelines.json to import at start (`--pipelines`).
    pub pipelines: Option<PathBuf>,
    /// Lets URL inputs reach loopback, private and link-local addresses (`--allow-private-urls`).
    pub allow_private_urls: bool,
    /// Mounts the fault-injection API ([`crate::faults`]); for tests, loopback only.
    pub enable_faults: bool,
    /// Stops when stdin closes (`--exit-with-parent`).
    pub exit_with_parent: bool,
}

/// Where a folder the server serves is when no flag names it: `dir` in the current directory,
/// else beside the binary (an installed package keeps `www/` and `pkg/` there), else up to two
/// folders above it (`target/release/` in a clone). `dir` itself when none exists, which the
/// start then reports.
pub fn beside_the_binary(dir: &Path) -> PathBuf {
    if dir.is_dir() {
        return dir.to_owned();
    }
    let exe = std::env::current_exe().ok().and_then(|exe| exe.canonicalize().ok());
    exe.iter()
        .flat_map(|exe| exe.ancestors().skip(1).take(3))
        .map(|folder| folder.join(dir))
        .find(|candidate| candidate.is_dir())
        .unwrap_or_else(|| dir.to_owned())
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            data_dir: PathBuf::from(".data"),
            api_keys: Vec::new(),
            allow_origins: Vec::new(),
            www: PathBuf::from("www"),
            pkg: PathBuf::from("pkg"),
            max_upload_mb: 100,
            max_presigned_mb: 5 * 1024,
            max_document_mb: 512,
            presigned_ttl: Duration::from_secs(3600),
            inline_result_limit_mb: 10.0,
            workers: None,
            max_queued_jobs: 1000,
            max_concurrent_requests: 256,
            read_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            parse_timeout: Duration::from_secs(120),
            retention: Duration::from_secs(7 * 24 * 3600),
            ca_cert: None,
            pipelines: None,
            allow_private_urls: false,
            enable_faults: false,
            exit_with_parent: false,
        }
    }
}

impl Config {
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb * 1024 * 1024
    }

    /// The largest request body a route accepts: a multipart upload of `--max-upload-mb` and
    /// its framing. (A presigned PUT, checked by its own limit, may be larger.)
    pub fn max_body_bytes(&self) -> u64 {
        self.max_upload_bytes() + MULTIPART_OVERHEAD
    }

    pub fn inline_result_limit_bytes(&self) -> u64 {
        (self.inline_result_limit_mb * 1024.0 * 1024.0) as u64
    }

    pub fn max_presigned_bytes(&self) -> u64 {
        self.max_presigned_mb * 1024 * 1024
    }

    /// `--workers`, or one per CPU.
    pub fn worker_count(&self) -> usize {
        self.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

/// Room for the multipart framing around a file of exactly `--max-upload-mb`; the file's own
/// size is checked exactly while it streams.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// An API key the server accepts. Its `Debug` shows none of it, so whatever logs a [`Config`]
/// logs no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// The key itself, for comparing with a request's.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> ApiKey {
        ApiKey(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> ApiKey {
        ApiKey(key.to_owned())
    }
}

impl PartialEq<&str> for ApiKey {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configs_debug_shows_no_api_key() {
        let config = Config { api_keys: vec!["secret-key-0123456789".into()], ..Config::default() };
        let shown = format!("{config:?}");
        assert!(shown.contains("api_keys: [ApiKey([redacted])]"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
