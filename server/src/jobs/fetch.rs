//! Fetching a job's URL inputs ([`prefetch`]), asynchronously and before its blocking engine
//! work starts, within the job's deadline and its size limit, through the guarded client of
//! [`crate::outbound`].

use std::collections::HashMap;

use super::failure::Failure;
use super::input::{which, DocRef, Fetched};
use crate::outbound::{check_literal_host, error_chain};

/// How URL inputs are fetched: the client (its timeouts, trusted roots and guard) and how much
/// one may weigh.
#[derive(Debug, Clone)]
pub struct Fetch {
    pub client: reqwest::Client,
    pub max_bytes: u64,
    /// `--allow-private-urls`: the client was built without the guard.
    pub private_allowed: bool,
}

/// Fetches every URL among `docs`, one after the other; a failure names the document.
pub async fn prefetch(docs: &[DocRef], fetch: &Fetch) -> Result<HashMap<String, Fetched>, Failure> {
    let mut fetched = HashMap::new();
    for (index, doc) in docs.iter().enumerate() {
        if let DocRef::Url(url) = doc {
            if !fetched.contains_key(url) {
                let body = download(url, fetch)
                    .await
                    .map_err(|reason| Failure::document(format!("{}{reason}", which(docs, index))))?;
                fetched.insert(url.clone(), body);
            }
        }
    }
    Ok(fetched)
}

/// Downloads a URL input with the job's limits.
async fn download(url: &str, fetch: &Fetch) -> Result<Fetched, String> {
    if !fetch.private_allowed {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("Could not fetch {url}: {e}"))?;
        check_literal_host(&parsed, false).map_err(|refused| format!("Could not fetch {url}: {refused}"))?;
    }
    let failed = |e: reqwest::Error| format!("Could not fetch {url}: {}", error_chain(&e.without_url()));
    let mut response = fetch.client.get(url).send().await.map_err(failed)?;
    if !response.status().is_success() {
        return Err(format!("Could not fetch {url}: the server answered {}", response.status()));
    }
    let too_big = || format!("{url} is larger than the {} MB input limit", fetch.max_bytes >> 20);
    if response.content_length().is_some_and(|n| n > fetch.max_bytes) {
        return Err(too_big());
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if (bytes.len() + chunk.len()) as u64 > fetch.max_bytes {
            return Err(too_big());
        }
        bytes.extend_from_slice(&chunk);
    }
    let extension = extension_of(response.url().path(), content_type.as_deref());
    Ok(Fetched { bytes, extension })
}

/// `report.PDF` → `pdf`; else from the content type (`text/plain` → `txt`, ...).
fn extension_of(path: &str, content_type: Option<&str>) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or("");
    let from_path = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| (1..=8).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric()));
    from_path.or_else(|| {
        let ext = match content_type? {
            "application/pdf" => "pdf",
            "text/plain" => "txt",
            "text/markdown" => "md",
            "text/html" => "html",
            "text/csv" => "csv",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
            _ => return None,
        };
        Some(ext.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_extensions_come_from_the_path_or_the_content_type() {
        assert_eq!(extension_of("/files/Report.PDF", None).as_deref(), Some("pdf"));
        assert_eq!(extension_of("/download", Some("application/pdf")).as_deref(), Some("pdf"));
        assert_eq!(extension_of("/notes", Some("text/plain")).as_deref(), Some("txt"));
        assert_eq!(extension_of("/v1.2/", Some("image/png")), None);
        for (content_type, extension) in [
            ("text/markdown", "md"),
            ("text/html", "html"),
            ("text/csv", "csv"),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ] {
            assert_eq!(
                extension_of("/export", Some(content_type)).as_deref(),
                Some(extension),
                "{content_type}"
            );
        }
        // What follows the last dot is an extension only if it is short and plain.
        assert_eq!(extension_of("/report.tar-gz", Some("text/csv")).as_deref(), Some("csv"));
        assert_eq!(extension_of("/report.quarterly2024", Some("text/csv")).as_deref(), Some("csv"));
    }
}
