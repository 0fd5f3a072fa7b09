//! Pure client configuration: where requests go and the limits they run under.
//!
//! No JS here, so the rules (environment → base URL, defaults, URL joining) have native tests.

use std::collections::BTreeMap;

use serde::Deserialize;
use tsify::Tsify;

/// Reducto's regional deployments: platform, eu.platform and au.platform .reducto.ai.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Production,
    Eu,
    Au,
}

impl Environment {
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
    pub default_headers: BTreeMap<String, String>,
}

/// `baseURL` wins over `environment`; with neither, Reducto's production cloud.
pub fn resolve_base_url(base_url: Option<&str>, environment: Option<Environment>) -> String {
    let url = base_url.unwrap_or_else(|| environment.unwrap_or(Environment::Production).base_url());
    url.trim_end_matches('/').into()
}

/// Joins the base URL and an API path ("/pipeline") without doubling or losing a slash.
pub fn endpoint(base_url: &str, path: &str) -> String {
    format!("{}/{}", base_url.trim_end_matches('/'), path.trim_start_matches('/'))
}

/// Whether `base_url` points at Reducto's cloud, where a browser must not send a key by accident.
pub fn is_reducto_host(base_url: &str) -> bool {
    // "https://host:port/path" → "host"; a URL without a scheme reads from its start.
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let host = after_scheme.split(['/', ':', '?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    host == "reducto.ai" || host.ends_with(".reducto.ai")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_name_reductos_regions() {
        assert_eq!(resolve_base_url(None, None), "https://platform.reducto.ai");
        assert_eq!(resolve_base_url(None, Some(Environment::Eu)), "https://eu.platform.reducto.ai");
        assert_eq!(resolve_base_url(None, Some(Environment::Au)), "https://au.platform.reducto.ai");
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
