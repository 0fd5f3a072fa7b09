//! Pure client configuration: where requests go and the limits they run under.
//!
//! No JS here, so the rules (environment → base URL, defaults, URL joining) have native tests.

use alloc::{string::String, vec::Vec};

use crate::ascii;

/// Reducto's regional deployments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Production,
    Eu,
    Au,
}

impl Environment {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "production" => Some(Self::Production),
            "eu" => Some(Self::Eu),
            "au" => Some(Self::Au),
            _ => None,
        }
    }

    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => "https://platform.reducto.ai",
            Self::Eu => "https://eu.platform.reducto.ai",
            Self::Au => "https://au.platform.reducto.ai",
        }
    }
}

/// Per attempt, as in the official SDKs: an hour, because large documents take long.
pub const DEFAULT_TIMEOUT_MS: f64 = 3_600_000.0;
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Everything a client needs to send requests; fixed when the client is made.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    pub base_url: String,
    pub api_key: Option<String>,
    pub timeout_ms: f64,
    pub max_retries: u32,
    pub default_headers: Vec<(String, String)>,
}

/// `baseURL` wins over `environment`; with neither, Reducto's production cloud.
pub fn resolve_base_url(base_url: Option<&str>, environment: Option<Environment>) -> String {
    let url = base_url.unwrap_or_else(|| environment.unwrap_or(Environment::Production).base_url());
    ascii::trim_end(url, b'/').into()
}

/// Joins the base URL and an API path ("/pipeline") without doubling or losing a slash.
pub fn endpoint(base_url: &str, path: &str) -> String {
    text!(ascii::trim_end(base_url, b'/'), "/", ascii::trim_start(path, b'/'))
}

/// Whether `base_url` points at Reducto's cloud, where a browser must not send a key by accident.
pub fn is_reducto_host(base_url: &str) -> bool {
    // "https://host:port/path" → "host"; a URL without a scheme reads from its start.
    let after_scheme =
        ascii::split_once(base_url, b':').and_then(|(_, rest)| rest.strip_prefix("//")).unwrap_or(base_url);
    let host = ascii::until(after_scheme, |b| matches!(b, b'/' | b':' | b'?' | b'#')).to_ascii_lowercase();
    host == "reducto.ai" || host.ends_with(".reducto.ai")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_name_reductos_regions() {
        assert_eq!(resolve_base_url(None, None), "https://platform.reducto.ai");
        assert_eq!(resolve_base_url(None, Environment::parse("eu")), "https://eu.platform.reducto.ai");
        assert_eq!(resolve_base_url(None, Environment::parse("au")), "https://au.platform.reducto.ai");
        assert_eq!(Environment::parse("mars"), None);
    }

    #[test]
    fn base_url_wins_over_environment() {
        let url = resolve_base_url(Some("http://127.0.0.1:8080/"), Some(Environment::Eu));
        assert_eq!(url, "http://127.0.0.1:8080");
    }

    #[test]
    fn endpoints_join_with_one_slash() {
        assert_eq!(endpoint("http://h:1", "/upload"), "http://h:1/upload");
        assert_eq!(endpoint("http://h:1/api/", "upload"), "http://h:1/api/upload");
    }

    #[test]
    fn reducto_hosts_are_recognised() {
        assert!(is_reducto_host("https://platform.reducto.ai"));
        assert!(is_reducto_host("https://EU.platform.reducto.ai/"));
        assert!(!is_reducto_host("http://127.0.0.1:8080"));
        assert!(!is_reducto_host("https://reducto.ai.evil.example"));
        assert!(!is_reducto_host("https://notreducto.ai"));
    }
}
