//! Where the files a job made are served: the one path and the one way their URLs are built.

/// The route that serves a job's artifacts (an edited PDF, a result too large to answer inline).
pub const DOWNLOAD_PATH: &str = "/download";

/// The URL of the artifact `token` on the server reached at `base` (scheme and host, no slash).
pub fn download_url(base: &str, token: &str) -> String {
    format!("{base}{DOWNLOAD_PATH}/{token}")
}
