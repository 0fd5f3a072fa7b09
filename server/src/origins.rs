//! Which callers a keyless server answers. It holds the documents on the machine it runs on and
//! fetches URLs for whoever reaches it, and every page the developer visits can reach loopback.
//! So without `--api-key` it answers only:
//!
//! - requests with no `Origin` (curl, scripts, the SDKs) and its own pages;
//! - pages on loopback origins (`http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`);
//! - origins named by `--allow-origin`;
//!
//! and only under a `Host` that is a loopback name or the configured host, which defeats DNS
//! rebinding (a foreign name that resolves to 127.0.0.1 keeps that name in `Host`). A refused
//! request gets 403 on every route, preflights and simple requests alike, before CORS could
//! grant it anything. With a key, any origin may call, as on Reducto's cloud: the key is the
//! credential.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::header::{HeaderName, HOST, ORIGIN};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;
use crate::state::AppState;

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Result<Response, AppError> {
    let config = &state.config;
    if !config.api_keys.is_empty() {
        return Ok(next.run(req).await);
    }
    let (host, origin) = (header_text(&req, HOST), header_text(&req, ORIGIN));
    // Browsers always send Host; a request without one is not a browser's.
    if let Some(host) = &host {
        let name = host_name(host);
        if !is_loopback_name(&name) && !name.eq_ignore_ascii_case(&config.host) {
            return Err(AppError::Forbidden(format!(
                "Host '{host}' is not this server: a keyless reducto-local answers only under \
                 localhost, a loopback address or its --host"
            )));
        }
    }
    if let Some(origin) = origin {
        // The server's own pages are on a loopback origin too: it only binds to loopback.
        let allowed = is_loopback_origin(&origin)
            || config.allow_origins.iter().any(|allowed| allowed.eq_ignore_ascii_case(&origin));
        if !allowed {
            return Err(AppError::Forbidden(format!(
                "Origin '{origin}' may not call this server: without --api-key, reducto-local \
                 answers only its own pages, pages on localhost and the origins named by \
                 --allow-origin"
            )));
        }
    }
    Ok(next.run(req).await)
}

fn header_text(req: &Request, name: HeaderName) -> Option<String> {
    req.headers().get(name).map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The name of a `Host` header or an origin's authority, without its port or brackets.
fn host_name(authority: &str) -> String {
    let name = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(name, _port)| name),
    };
    name.to_ascii_lowercase()
}

/// `localhost`, a name under `.localhost` (RFC 6761: browsers resolve them to loopback
/// themselves), or a loopback address; in any case. The one definition: `--host` is checked by
/// it too.
pub fn is_loopback_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `http(s)://` and a loopback name, with any port. `null` (a sandboxed page, a file) is not.
fn is_loopback_origin(origin: &str) -> bool {
    let origin = origin.to_ascii_lowercase();
    let Some(authority) = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) else {
        return false;
    };
    !authority.contains('/') && is_loopback_name(&host_name(authority))
}

/// An `--allow-origin` value as browsers send it in `Origin`: `scheme://host[:port]`, lower case.
pub fn normalize_origin(origin: &str) -> Result<String, String> {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let authority = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
    match authority {
        Some(authority) if !authority.is_empty() && !authority.contains(['/', '?', '#', '@']) => Ok(origin),
        _ => Err(format!(
            "--allow-origin expects an origin such as https://app.example.com:8443, got '{origin}'"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_are_recognised() {
        for origin in
            ["http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000", "https://app.localhost"]
        {
            assert!(is_loopback_origin(origin), "{origin}");
        }
        for origin in [
            "null",
            "https://evil.example",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "file://",
        ] {
            assert!(!is_loopback_origin(origin), "{origin}");
        }
    }

    #[test]
    fn host_names_lose_their_ports() {
        assert_eq!(host_name("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("LocalHost"), "localhost");
        assert!(!is_loopback_name(&host_name("rebind.evil.example:8080")));
    }

    #[test]
    fn allowed_origins_are_checked_and_normalized() {
        assert_eq!(
            normalize_origin("https://App.Example.com:8443/").unwrap(),
            "https://app.example.com:8443"
        );
        assert!(normalize_origin("app.example.com").is_err());
        assert!(normalize_origin("https://app.example.com/path").is_err());
    }

    #[test]
    fn loopback_names_are_localhost_its_subdomains_and_loopback_addresses() {
        for (name, loopback) in [
            ("localhost", true),
            ("LOCALHOST", true),
            ("app.localhost", true),
            ("127.0.0.1", true),
            ("127.0.0.2", true),
            ("::1", true),
            ("0.0.0.0", false),
            ("192.168.1.2", false),
            ("localhost.example.com", false),
            ("evil-localhost", false),
            ("", false),
        ] {
            assert_eq!(is_loopback_name(name), loopback, "{name:?}");
        }
    }
}
