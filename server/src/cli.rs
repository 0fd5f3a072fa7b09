//! Command-line parsing, by hand (a dozen flags do not need a framework). Every mistake is a
//! [`CliError`] that names the flag; the binary prints it and exits with status 2.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::Config;
use crate::origins::is_loopback_name;

pub const USAGE: &str = "\
reducto-local: an offline Reducto API and Studio server

USAGE:
    reducto-local [OPTIONS]

OPTIONS:
    --port N             port to listen on; 0 picks a free one        [default: 8080]
    --host HOST          address to bind                              [default: 127.0.0.1]
                         without --api-key only loopback is allowed
    --data-dir DIR       SQLite database and uploaded files           [default: .data]
    --api-key KEY        require 'Authorization: Bearer KEY' on every API call;
                         repeat to accept several keys; at least 16 characters.
                         Visible to other users in `ps`: prefer one of the next two
    --api-key-file FILE  the same, one key per line ('#' starts a comment)
                         The variable REDUCTO_LOCAL_API_KEY adds one more key
    --allow-origin ORIGIN  without --api-key, also answer pages of this origin
                         (e.g. https://app.example.com:8443); repeatable. Pages on
                         localhost are always answered; other sites never are
    --www DIR            static files served at /                     [default: www]
    --pkg DIR            the built wasm package served at /pkg/       [default: pkg]
    --max-upload-mb N    largest multipart upload, in MB              [default: 100]
    --max-presigned-mb N largest presigned (PUT) upload, in MB        [default: 5120]
    --max-document-mb N  largest document the engine reads; larger ones get a 422 [default: 512]
    --presigned-ttl-secs N  how long a presigned upload URL, and an edited PDF's
                         download URL, is valid                         [default: 3600]
    --inline-result-limit-mb N  parse results larger than this are answered as a URL
                         (fractions allowed: 0.5)                       [default: 10]
    --workers N          jobs that run at once                        [default: one per CPU]
    --parse-timeout-secs N  longest a job may spend reading its document [default: 120]
    --retention-days N   keep uploads, job results and used presigned URLs this long [default: 7]
    --max-queued-jobs N  jobs that may wait for a worker; more get 429  [default: 1000]
    --max-concurrent-requests N  requests served at once; more wait     [default: 256]
    --read-timeout-secs N  longest a request's headers may take, and its body may
                         send nothing                                   [default: 30]
    --body-timeout-secs N  a request body must arrive within N seconds plus one
                         second per 64 KB it sends (slow senders lose it) [default: 30]
    --ca-cert FILE       also trust these PEM certificate authorities for https URL inputs
    --allow-private-urls let URL inputs reach loopback, private and link-local addresses
                         (refused by default: a URL input must not probe your network)
    --enable-faults      mount the fault-injection API at /_faults (for tests; loopback only)
    -h, --help           print this help
    -V, --version        print the version

The first line on stdout is `listening on http://HOST:PORT` once the server accepts requests.
SIGTERM or Ctrl-C stops it after in-flight requests finish.
";

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
    let mut config = Config::default();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String, CliError> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(CliError(format!("{flag} needs a value"))),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--port" => config.port = number(&flag, &value()?, 0, u16::MAX as u64)? as u16,
            "--host" => {
                let host = value()?;
                // `[::1]` as in a URL; binding wants the bare address.
                config.host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
            }
            "--data-dir" => config.data_dir = PathBuf::from(value()?),
            "--api-key" => keys.push(("--api-key".into(), value()?)),
            "--api-key-file" => {
                let path = value()?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| CliError(format!("--api-key-file {path}: {e}")))?;
                let lines =
                    text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'));
                keys.extend(lines.map(|key| (format!("--api-key-file {path}"), key.to_owned())));
            }
            "--allow-origin" => {
                config.allow_origins.push(crate::origins::normalize_origin(&value()?).map_err(CliError)?)
            }
            "--www" => config.www = PathBuf::from(value()?),
            "--pkg" => config.pkg = PathBuf::from(value()?),
            "--max-upload-mb" => config.max_upload_mb = number(&flag, &value()?, 1, 1 << 20)?,
            "--max-presigned-mb" => config.max_presigned_mb = number(&flag, &value()?, 1, 1 << 24)?,
            "--max-document-mb" => config.max_document_mb = number(&flag, &value()?, 1, 1 << 20)?,
            "--inline-result-limit-mb" => {
                let raw = value()?;
                config.inline_result_limit_mb = raw
                    .parse::<f64>()
                    .ok()
                    .filter(|mb| mb.is_finite() && *mb > 0.0 && *mb <= 4096.0)
                    .ok_or_else(|| {
                        CliError(format!(
                            "{flag} expects a number of MB above 0 and at most 4096, got '{raw}'"
                        ))
                    })?
            }
            "--presigned-ttl-secs" => {
                config.presigned_ttl = Duration::from_secs(number(&flag, &value()?, 1, 7 * 24 * 3600)?)
            }
            "--workers" => config.workers = Some(number(&flag, &value()?, 1, 1024)? as usize),
            "--parse-timeout-secs" => {
                config.parse_timeout = Duration::from_secs(number(&flag, &value()?, 1, 24 * 3600)?)
            }
            "--ca-cert" => config.ca_cert = Some(PathBuf::from(value()?)),
            "--retention-days" => {
                config.retention = Duration::from_secs(number(&flag, &value()?, 1, 36_500)? * 24 * 3600)
            }
            "--max-queued-jobs" => config.max_queued_jobs = number(&flag, &value()?, 1, 1_000_000)? as usize,
            "--max-concurrent-requests" => {
                config.max_concurrent_requests = number(&flag, &value()?, 1, 100_000)? as usize
            }
            "--body-timeout-secs" => {
                config.body_timeout = Duration::from_secs(number(&flag, &value()?, 1, 3600)?)
            }
            "--read-timeout-secs" => {
                config.read_timeout = Duration::from_secs(number(&flag, &value()?, 1, 3600)?)
            }
            "--allow-private-urls" if inline.is_none() => config.allow_private_urls = true,
            "--enable-faults" if inline.is_none() => config.enable_faults = true,
            _ => return Err(CliError(format!("unknown option '{arg}'"))),
        }
    }
    keys.extend(env_key.map(|key| ("REDUCTO_LOCAL_API_KEY".to_owned(), key)));
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

fn number(flag: &str, raw: &str, min: u64, max: u64) -> Result<u64, CliError> {
    match raw.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(CliError(format!("{flag} expects a whole number from {min} to {max}, got '{raw}'"))),
    }
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
            (&["--port"][..], "--port needs a value"),
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
}
