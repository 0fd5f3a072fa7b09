//! The command line: every flag and its help in one definition (clap's derive), read into a
//! [`Config`] whose defaults are the help's. Every mistake is a [`CliError`] that names the
//! flag; the binary prints it and exits with status 2.

use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

use crate::config::{self, Config};
use crate::origins::{is_loopback_name, normalize_origin};

/// What the flags say, as clap reads them; [`parse_with`] makes it a [`Config`].
#[derive(Debug, Parser)]
#[command(
    name = "reducto-local",
    version,
    about = "reducto-local: an offline Reducto API and Studio server",
    after_help = "The first line on stdout is `listening on http://HOST:PORT` once the server accepts \
                  requests. SIGTERM or Ctrl-C stops it after in-flight requests finish."
)]
struct Flags {
    /// Port to listen on; 0 picks a free one
    #[arg(long, value_name = "N", default_value_t = defaults().port)]
    port: u16,
    /// Address to bind; without --api-key only loopback is allowed
    #[arg(long, default_value_t = defaults().host)]
    host: String,
    /// SQLite database and uploaded files
    #[arg(long, value_name = "DIR", default_value_os_t = defaults().data_dir)]
    data_dir: PathBuf,
    /// Require 'Authorization: Bearer KEY' on every API call; repeat to accept several keys; at
    /// least 16 characters. Visible to other users in `ps`: prefer --api-key-file or the variable
    /// REDUCTO_LOCAL_API_KEY, which adds one more key
    #[arg(long, value_name = "KEY")]
    api_key: Vec<String>,
    /// The same, one key per line ('#' starts a comment)
    #[arg(long, value_name = "FILE")]
    api_key_file: Vec<String>,
    /// Without --api-key, also answer pages of this origin (e.g. https://app.example.com:8443);
    /// repeatable. Pages on localhost are always answered; other sites never are
    #[arg(long, value_name = "ORIGIN", value_parser = normalize_origin)]
    allow_origin: Vec<String>,
    /// Static files served at / [default: www in the current directory, else beside the binary]
    #[arg(long, value_name = "DIR")]
    www: Option<PathBuf>,
    /// The built wasm package served at /pkg/ [default: pkg, found as www is]
    #[arg(long, value_name = "DIR")]
    pkg: Option<PathBuf>,
    /// Largest multipart upload, in MB
    #[arg(long, value_name = "N", default_value_t = defaults().max_upload_mb,
          value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_upload_mb: u64,
    /// Largest presigned (PUT) upload, in MB
    #[arg(long, value_name = "N", default_value_t = defaults().max_presigned_mb,
          value_parser = clap::value_parser!(u64).range(1..=1 << 24))]
    max_presigned_mb: u64,
    /// Largest document the engine reads; larger ones get a 422
    #[arg(long, value_name = "N", default_value_t = defaults().max_document_mb,
          value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_document_mb: u64,
    /// How long a presigned upload URL, and an edited PDF's download URL, is valid
    #[arg(long, value_name = "N", default_value_t = defaults().presigned_ttl.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=7 * 24 * 3600))]
    presigned_ttl_secs: u64,
    /// Parse results larger than this are answered as a URL (fractions allowed: 0.5)
    #[arg(long, value_name = "N", default_value_t = defaults().inline_result_limit_mb, value_parser = megabytes)]
    inline_result_limit_mb: f64,
    /// Jobs that run at once [default: one per CPU]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    workers: Option<u64>,
    /// Longest a job may spend reading its document
    #[arg(long, value_name = "N", default_value_t = defaults().parse_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=24 * 3600))]
    parse_timeout_secs: u64,
    /// Keep uploads, job results and used presigned URLs this long
    #[arg(long, value_name = "N", default_value_t = defaults().retention.as_secs() / DAY,
          value_parser = clap::value_parser!(u64).range(1..=36_500))]
    retention_days: u64,
    /// Jobs that may wait for a worker; more get 429
    #[arg(long, value_name = "N", default_value_t = defaults().max_queued_jobs as u64,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_queued_jobs: u64,
    /// Requests served at once; more wait
    #[arg(long, value_name = "N", default_value_t = defaults().max_concurrent_requests as u64,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    max_concurrent_requests: u64,
    /// Longest a request's headers may take, and its body may send nothing
    #[arg(long, value_name = "N", default_value_t = defaults().read_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    read_timeout_secs: u64,
    /// A request body must arrive within N seconds plus one second per 64 KB it sends (slow
    /// senders lose it)
    #[arg(long, value_name = "N", default_value_t = defaults().body_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_timeout_secs: u64,
    /// Also trust these PEM certificate authorities for https URL inputs
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Import the pipelines of a reducto.pipelines.json at start, with their own IDs (again at
    /// every start: an ID already there gets the file's versions, nothing is duplicated)
    #[arg(long, value_name = "FILE")]
    pipelines: Option<PathBuf>,
    /// Let URL inputs reach loopback, private and link-local addresses (refused by default: a
    /// URL input must not probe your network)
    #[arg(long)]
    allow_private_urls: bool,
    /// Mount the fault-injection API at /_faults (for tests; loopback only)
    #[arg(long)]
    enable_faults: bool,
    /// Stop when standard input closes: a test runner that starts the server with a pipe as its
    /// stdin takes it down with it, even when the runner crashes
    #[arg(long)]
    exit_with_parent: bool,
}

const DAY: u64 = 24 * 3600;

/// The defaults of every flag: [`Config::default`]'s.
fn defaults() -> Config {
    Config::default()
}

/// `--inline-result-limit-mb`: a number of MB above 0 and at most 4096.
fn megabytes(raw: &str) -> Result<f64, String> {
    raw.parse::<f64>()
        .ok()
        .filter(|mb| mb.is_finite() && *mb > 0.0 && *mb <= 4096.0)
        .ok_or_else(|| format!("expects a number of MB above 0 and at most 4096, got '{raw}'"))
}

/// The help, as `--help` prints it.
pub fn help() -> String {
    Flags::command().render_long_help().to_string()
}

#[derive(Debug)]
pub enum Command {
    // Boxed: a Config is large beside the two empty variants.
    Run(Box<Config>),
    Help,
    Version,
}

#[derive(Debug, PartialEq, Eq)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shortest API key accepted: a short key can be guessed.
pub const MIN_KEY_CHARS: usize = 16;

/// Parses the arguments after the program name, with the key in `REDUCTO_LOCAL_API_KEY` if it
/// is set. Accepts `--flag value` and `--flag=value`.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, CliError> {
    parse_with(args, std::env::var("REDUCTO_LOCAL_API_KEY").ok().filter(|key| !key.is_empty()))
}

/// [`parse`], with the environment's key given.
pub fn parse_with<I: IntoIterator<Item = String>>(
    args: I,
    env_key: Option<String>,
) -> Result<Command, CliError> {
    let program = std::iter::once("reducto-local".to_owned());
    let flags = match Flags::try_parse_from(program.chain(args)) {
        Ok(flags) => flags,
        Err(e) if e.kind() == ErrorKind::DisplayHelp => return Ok(Command::Help),
        Err(e) if e.kind() == ErrorKind::DisplayVersion => return Ok(Command::Version),
        // clap's first line names the flag and the mistake; its usage hint is main's to give.
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or_default();
            return Err(CliError(first.trim_start_matches("error: ").to_owned()));
        }
    };
    let mut keys: Vec<(String, String)> =
        flags.api_key.iter().map(|key| ("--api-key".into(), key.clone())).collect();
    for path in &flags.api_key_file {
        let text =
            std::fs::read_to_string(path).map_err(|e| CliError(format!("--api-key-file {path}: {e}")))?;
        let lines = text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'));
        keys.extend(lines.map(|key| (format!("--api-key-file {path}"), key.to_owned())));
    }
    keys.extend(env_key.map(|key| ("REDUCTO_LOCAL_API_KEY".to_owned(), key)));
    let mut config = Config {
        // `[::1]` as in a URL; binding wants the bare address.
        host: flags.host.trim_start_matches('[').trim_end_matches(']').to_owned(),
        port: flags.port,
        data_dir: flags.data_dir,
        allow_origins: flags.allow_origin,
        www: flags.www.unwrap_or_else(|| config::beside_the_binary(&defaults().www)),
        pkg: flags.pkg.unwrap_or_else(|| config::beside_the_binary(&defaults().pkg)),
        max_upload_mb: flags.max_upload_mb,
        max_presigned_mb: flags.max_presigned_mb,
        max_document_mb: flags.max_document_mb,
        presigned_ttl: Duration::from_secs(flags.presigned_ttl_secs),
        inline_result_limit_mb: flags.inline_result_limit_mb,
        workers: flags.workers.map(|n| n as usize),
        parse_timeout: Duration::from_secs(flags.parse_timeout_secs),
        retention: Duration::from_secs(flags.retention_days * DAY),
        max_queued_jobs: flags.max_queued_jobs as usize,
        max_concurrent_requests: flags.max_concurrent_requests as usize,
        read_timeout: Duration::from_secs(flags.read_timeout_secs),
        body_timeout: Duration::from_secs(flags.body_timeout_secs),
        ca_cert: flags.ca_cert,
        pipelines: flags.pipelines,
        allow_private_urls: flags.allow_private_urls,
        enable_faults: flags.enable_faults,
        exit_with_parent: flags.exit_with_parent,
        ..Config::default()
    };
    for (source, key) in keys {
        if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(CliError(format!("{source}: an API key must not contain spaces")));
        }
        let length = key.chars().count();
        if length < MIN_KEY_CHARS {
            return Err(CliError(format!(
                "{source}: an API key must be at least {MIN_KEY_CHARS} characters, this one has {length}: \
                 a short key can be guessed"
            )));
        }
        config.api_keys.push(key.into());
    }
    if config.enable_faults && !is_loopback_name(&config.host) {
        return Err(CliError(format!(
            "refusing --enable-faults with --host {}: it lets any caller script this server's \
             responses; it is for tests on loopback only",
            config.host
        )));
    }
    if config.api_keys.is_empty() && !is_loopback_name(&config.host) {
        return Err(CliError(format!(
            "refusing --host {} without --api-key: anyone who can reach it could use this \
             server; pass --api-key KEY or keep the default --host 127.0.0.1",
            config.host
        )));
    }
    Ok(Command::Run(Box::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, CliError> {
        match parse_with(args.iter().map(|s| s.to_string()), None)? {
            Command::Run(config) => Ok(*config),
            other => panic!("expected a run command, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let c = run(&[]).unwrap();
        assert_eq!((c.host.as_str(), c.port, c.max_upload_mb), ("127.0.0.1", 8080, 100));
        assert_eq!(c.data_dir, PathBuf::from(".data"));
        assert_eq!((c.www.clone(), c.pkg.clone()), (PathBuf::from("www"), PathBuf::from("pkg")));
        assert!(c.api_keys.is_empty());
    }

    #[test]
    fn all_flags_in_both_spellings() {
        let c = run(&[
            "--port=0",
            "--data-dir",
            "/tmp/d",
            "--api-key",
            "first-key-0123456",
            "--api-key=second-key-0123456",
            "--host",
            "0.0.0.0",
            "--www",
            "site",
            "--pkg=out",
            "--max-upload-mb",
            "5",
            "--workers",
            "3",
            "--max-presigned-mb=7",
            "--presigned-ttl-secs",
            "60",
            "--parse-timeout-secs=9",
            "--ca-cert",
            "internal-ca.pem",
            "--allow-origin",
            "https://App.example.com/",
        ])
        .unwrap();
        assert_eq!(c.port, 0);
        assert_eq!(c.api_keys, ["first-key-0123456", "second-key-0123456"]);
        assert_eq!((c.max_upload_mb, c.workers, c.enable_faults), (5, Some(3), false));
        assert_eq!((c.max_presigned_mb, c.presigned_ttl), (7, Duration::from_secs(60)));
        assert_eq!(c.parse_timeout, Duration::from_secs(9));
        assert_eq!(c.ca_cert, Some(PathBuf::from("internal-ca.pem")));
        assert_eq!(c.allow_origins, ["https://app.example.com"]);
        assert!(run(&["--enable-faults"]).unwrap().enable_faults);
    }

    #[test]
    fn mistakes_name_the_flag() {
        for (args, expected) in [
            (&["--port", "99999"][..], "--port"),
            (&["--port"][..], "a value is required for '--port"),
            (&["--max-upload-mb", "lots"][..], "--max-upload-mb"),
            (&["--frobnicate"][..], "'--frobnicate'"),
            (&["--host", "0.0.0.0"][..], "--api-key"),
            (
                &["--host", "0.0.0.0", "--api-key", "a-key-of-16-chars", "--enable-faults"][..],
                "loopback only",
            ),
            (&["--api-key", "short"][..], "at least 16 characters, this one has 5"),
            (&["--api-key", "has a space in it!"][..], "must not contain spaces"),
            (&["--api-key-file", "/nonexistent/keys"][..], "--api-key-file /nonexistent/keys"),
            (&["--workers", "0"][..], "--workers"),
            (&["--parse-timeout-secs", "0"][..], "--parse-timeout-secs"),
            (&["--allow-origin", "example.com"][..], "--allow-origin"),
        ] {
            let err = run(args).unwrap_err();
            assert!(err.0.contains(expected), "{args:?}: {err}");
        }
    }

    #[test]
    fn keys_come_from_flags_a_file_and_the_environment() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "# team keys\nfile-key-0123456789\n\n").unwrap();
        let args = ["--api-key", "flag-key-0123456789", "--api-key-file", file.path().to_str().unwrap()];
        let config = match parse_with(args.iter().map(|s| s.to_string()), Some("env-key-0123456789".into())) {
            Ok(Command::Run(config)) => config,
            other => panic!("{other:?}"),
        };
        assert_eq!(config.api_keys, ["flag-key-0123456789", "file-key-0123456789", "env-key-0123456789"]);
        let short = parse_with(std::iter::empty(), Some("short".into())).unwrap_err();
        assert!(short.0.starts_with("REDUCTO_LOCAL_API_KEY: an API key must be at least 16"), "{short}");
    }

    #[test]
    fn loopback_hosts_need_no_key() {
        for host in ["localhost", "127.0.0.1", "::1", "[::1]"] {
            assert!(run(&["--host", host]).is_ok(), "{host}");
        }
    }

    #[test]
    fn help_and_version() {
        assert!(matches!(parse(["--help".to_string()]), Ok(Command::Help)));
        assert!(matches!(parse(["-V".to_string()]), Ok(Command::Version)));
    }

    #[test]
    fn the_docs_list_the_flags_help_lists_with_its_defaults() {
        let help = help();
        let flags_in = |text: &str| -> std::collections::BTreeSet<String> {
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|word| word.starts_with("--") && word.len() > 2)
                .map(str::to_owned)
                .collect()
        };
        let mut in_help = flags_in(&help);
        in_help.remove("--help");
        in_help.remove("--version");
        for (doc, text) in [
            ("README.md", include_str!("../../README.md")),
            ("docs/server.md", include_str!("../../docs/server.md")),
        ] {
            // The synopsis: the block that starts with the binary's path.
            let start = text.find("target/release/reducto-local --port 8080 --data-dir").expect("a synopsis");
            let synopsis = &text[start..start + text[start..].find("```").expect("its block ends")];
            assert_eq!(flags_in(synopsis), in_help, "{doc}'s synopsis and --help list the same flags");
            // "[--max-upload-mb 100]": the default --help gives.
            for entry in synopsis.split('[').skip(1) {
                let entry = entry.split(']').next().unwrap_or_default();
                if let Some((flag, value)) = entry.split_once(' ') {
                    if value.chars().all(|c| c.is_ascii_digit()) {
                        let described = &help[help.find(&format!("{flag} <")).expect(flag)..];
                        let described = &described[..described.find("\n  -").unwrap_or(described.len())];
                        assert!(described.contains(&format!("[default: {value}]")), "{doc}: {flag} {value}");
                    }
                }
            }
        }
    }
}
