//! Every request that leaves the machine goes through here: the HTTP clients for URL inputs
//! and for webhooks, and the guard that keeps them off private networks.
//!
//! A keyless `reducto-local` runs on the developer's laptop, inside their network, so a URL
//! input must not become a way to reach what only that laptop can reach. Unless started with
//! `--allow-private-urls`, addresses that are loopback, private (RFC 1918, fc00::/7),
//! link-local (169.254/16, fe80::/10, cloud metadata included), shared (100.64/10), multicast,
//! broadcast or unspecified are refused: a host name when it resolves (the check is in the
//! client's resolver, so it holds at connect time and for every redirect's new host), an
//! address literal before the request and at every redirect. At most 5 redirects are followed.
//!
//! Webhook deliveries ([`webhook_client`]) go through the same guard, except that loopback is
//! allowed: a developer's own receiver on their laptop is the usual webhook target locally.
//!
//! Neither client uses a proxy, whatever `HTTP_PROXY`, `HTTPS_PROXY` or `ALL_PROXY` say: a proxy
//! resolves host names itself, out of the guard's sight.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::{Attempt, Policy};

/// How long fetching a URL input may take, and connecting to its server.
const URL_FETCH_TIMEOUT: Duration = Duration::from_secs(60);
const URL_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REDIRECTS: usize = 5;

/// The client for URL inputs: Mozilla's roots, plus the certificate authorities in the PEM
/// file `ca_cert` (`--ca-cert`), read once at start so a bad file stops the server at once;
/// with the private-address guard unless `allow_private` (`--allow-private-urls`).
pub fn url_client(ca_cert: Option<&std::path::Path>, allow_private: bool) -> Result<reqwest::Client, String> {
    let mut builder =
        reqwest::Client::builder().no_proxy().timeout(URL_FETCH_TIMEOUT).connect_timeout(URL_CONNECT_TIMEOUT);
    if let Some(path) = ca_cert {
        let bad = |why: String| format!("--ca-cert {}: {why}", path.display());
        let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| bad(e.to_string()))?;
        if roots.is_empty() {
            return Err(bad("no PEM certificate in it".into()));
        }
        for root in roots {
            builder = builder.add_root_certificate(root);
        }
    }
    builder = if allow_private {
        builder.redirect(Policy::limited(MAX_REDIRECTS))
    } else {
        builder
            .dns_resolver(Arc::new(PublicOnly { loopback: false }))
            .redirect(Policy::custom(guarded_redirect))
    };
    builder.build().map_err(|e| format!("cannot build the URL client: {e}"))
}

/// How long one webhook delivery may take.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// The client for webhook deliveries: loopback receivers are allowed, other non-public
/// addresses only with `allow_private`; redirects are not followed (a receiver answers).
pub fn webhook_client(allow_private: bool) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .timeout(WEBHOOK_TIMEOUT)
        .connect_timeout(URL_CONNECT_TIMEOUT)
        .redirect(Policy::none());
    if !allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly { loopback: true }));
    }
    builder.build().map_err(|e| format!("cannot build the webhook client: {e}"))
}

/// Refuses a URL whose host is an address literal that is not public (a name is checked when
/// it resolves), loopback aside if `loopback` is allowed. Used for the input itself (and a
/// webhook's URL) when the guard is on.
pub fn check_literal_host(url: &reqwest::Url, loopback: bool) -> Result<(), String> {
    let host = url.host_str().unwrap_or_default();
    let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() else {
        return Ok(());
    };
    match refused(ip, loopback) {
        Some(kind) => Err(refusal(&ip.to_string(), ip, kind)),
        None => Ok(()),
    }
}

fn refusal(host: &str, ip: IpAddr, kind: &str) -> String {
    format!(
        "{host} is a {kind} address ({ip}): reducto-local does not connect to private, link-local \
         or other non-public addresses; start it with --allow-private-urls to reach internal servers"
    )
}

fn guarded_redirect(attempt: Attempt) -> reqwest::redirect::Action {
    match redirect_verdict(attempt.url(), attempt.previous().len()) {
        Ok(()) => attempt.follow(),
        Err(refused) => attempt.error(refused),
    }
}

/// Whether to follow a redirect to `to`, after `followed` of them.
fn redirect_verdict(to: &reqwest::Url, followed: usize) -> Result<(), String> {
    if followed >= MAX_REDIRECTS {
        return Err(format!("more than {MAX_REDIRECTS} redirects"));
    }
    check_literal_host(to, false).map_err(|refused| format!("redirected to {to}: {refused}"))
}

/// The resolver of the guarded clients: a name's addresses, refused when one is not public
/// (loopback aside, if allowed).
struct PublicOnly {
    loopback: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let loopback = self.loopback;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            // All or nothing: a name with one private address among public ones is refused, so
            // the connection cannot be steered to the private one.
            if let Some((ip, kind)) =
                resolved.iter().find_map(|addr| refused(addr.ip(), loopback).map(|kind| (addr.ip(), kind)))
            {
                return Err(refusal(&host, ip, kind).into());
            }
            let addrs: Addrs = Box::new(resolved.into_iter());
            Ok(addrs)
        })
    }
}

/// Why `ip` is refused (the kind of non-public address it is), or `None`.
fn refused(ip: IpAddr, loopback: bool) -> Option<&'static str> {
    non_public(ip).filter(|kind| !(loopback && *kind == "loopback"))
}

/// What kind of non-public address `ip` is, or `None` for a public one.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => non_public_v4(ip),
        IpAddr::V6(ip) => match embedded_v4(ip) {
            Some(v4) => non_public_v4(v4),
            None => non_public_v6(ip),
        },
    }
}

/// The IPv4 address an IPv6 address stands for, where the network carries it to that IPv4 host:
/// IPv4-mapped (`::ffff:0:0/96`), IPv4-compatible (`::/96`, deprecated but still routed by some
/// stacks), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`, the address in its second and third
/// groups). `::` and `::1` are IPv6's own.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let last_two = || Ipv4Addr::from(((s[6] as u32) << 16) | s[7] as u32);
    match s {
        [0, 0, 0, 0, 0, 0xffff, ..] => Some(last_two()),
        [0, 0, 0, 0, 0, 0, 0, 0 | 1] => None,
        [0, 0, 0, 0, 0, 0, ..] | [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(last_two()),
        [0x2002, high, low, ..] => Some(Ipv4Addr::from(((high as u32) << 16) | low as u32)),
        _ => None,
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (carrier-grade NAT)")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if a == 0 {
        Some("unspecified")
    } else {
        None
    }
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if first & 0xfe00 == 0xfc00 {
        Some("private (unique local)")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

/// An error and its causes, "error sending request: … : invalid peer certificate: UnknownIssuer",
/// so a refused certificate (or a refused address) says so.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_cert_file_that_holds_no_certificate_stops_the_server() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "not a certificate").unwrap();
        let error = url_client(Some(file.path()), false).unwrap_err();
        assert!(error.starts_with("--ca-cert ") && error.contains("no PEM certificate"), "{error}");
        let missing = url_client(Some(std::path::Path::new("/nonexistent/ca.pem")), false).unwrap_err();
        assert!(missing.contains("/nonexistent/ca.pem"), "{missing}");
        assert!(url_client(None, false).is_ok());
    }

    #[test]
    fn non_public_addresses_are_named_by_kind() {
        for (ip, kind) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "link-local"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("0.0.0.0", "unspecified"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd00::1", "private (unique local)"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::127.0.0.1", "loopback"),
            ("::7f00:1", "loopback"),
            ("::a00:1", "private"),
            ("64:ff9b::127.0.0.1", "loopback"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("64:ff9b::192.168.0.1", "private"),
            ("2002:7f00:1::", "loopback"),
            ("2002:a00:1::1", "private"),
            ("2002:a9fe:a9fe::", "link-local"),
            ("::0.0.0.2", "unspecified"),
        ] {
            assert_eq!(non_public(ip.parse().unwrap()), Some(kind), "{ip}");
        }
        for ip in [
            "93.184.215.14",
            "1.1.1.1",
            "100.128.0.1",
            "2606:4700::1111",
            "64:ff9b::1.1.1.1",
            "2002:101:101::1",
            "::8.8.8.8",
        ] {
            assert_eq!(non_public(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn address_literals_are_refused_before_any_request() {
        let refused = check_literal_host(&"http://169.254.169.254/latest/meta-data".parse().unwrap(), false)
            .unwrap_err();
        assert!(refused.contains("link-local") && refused.contains("--allow-private-urls"), "{refused}");
        assert!(check_literal_host(&"http://[::1]:8080/a.pdf".parse().unwrap(), false).is_err());
        assert!(
            check_literal_host(&"http://127.0.0.1:9/hook".parse().unwrap(), true).is_ok(),
            "loopback webhooks"
        );
        assert!(check_literal_host(&"http://10.0.0.7/hook".parse().unwrap(), true).is_err());
        assert!(check_literal_host(&"https://example.com/a.pdf".parse().unwrap(), false).is_ok());
    }

    #[test]
    fn redirects_are_checked_again_and_counted() {
        let private = "http://10.0.0.7/internal.pdf".parse().unwrap();
        let refused = redirect_verdict(&private, 1).unwrap_err();
        assert!(
            refused.starts_with("redirected to http://10.0.0.7/internal.pdf") && refused.contains("private")
        );
        let public = "https://example.com/a.pdf".parse().unwrap();
        assert!(redirect_verdict(&public, 4).is_ok());
        assert!(redirect_verdict(&public, 5).unwrap_err().contains("more than 5 redirects"));
    }
}
