//! `GET /studio/pipelines/{id}/snippets`: code that runs a pipeline against this server, ready
//! to paste — Python with Reducto's official `reductoai` package, TypeScript with
//! `reducto-wasm`, and curl. The base URL is the one the caller reached us at (its `Host`),
//! so the snippets work from wherever the Studio was opened.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::PathParam;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/studio/pipelines/{id}/snippets", get(snippets))
}

#[derive(Debug, Serialize)]
pub struct Snippets {
    pub python: String,
    pub typescript: String,
    pub rest: String,
}

async fn snippets(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> AppResult<Json<Snippets>> {
    state.store.get_pipeline(&id)?.ok_or_else(|| AppError::NotFound(format!("Pipeline '{id}' not found")))?;
    let fallback = format!("{}:{}", state.config.host, state.config.port);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| safe_host(h));
    let base_url = format!("http://{}", host.unwrap_or(&fallback));
    Ok(Json(write(&base_url, &id, !state.config.api_keys.is_empty())))
}

/// A host (and port) that can go into code and shell commands as is: it is pasted between
/// quotes, so nothing that could close them or start a command substitution gets in.
fn safe_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c))
}

/// The three snippets for pipeline `id` on the server at `base_url`; `needs_key` says whether
/// the server was started with `--api-key` (the snippets then send one).
pub fn write(base_url: &str, id: &str, needs_key: bool) -> Snippets {
    let python_key = if needs_key {
        "# REDUCTO_API_KEY must hold one of the server's --api-key values."
    } else {
        "# The SDK wants REDUCTO_API_KEY set; this server accepts any value (no --api-key)."
    };
    let python = format!(
        "# pip install reductoai\n\
         from pathlib import Path\n\
         \n\
         from reducto import Reducto\n\
         \n\
         {python_key}\n\
         client = Reducto(base_url=\"{base_url}\")\n\
         \n\
         upload = client.upload(file=Path(\"document.pdf\"))\n\
         result = client.pipeline.run(input=upload.file_id, pipeline_id=\"{id}\")\n\
         print(result.result)\n"
    );
    let ts_options = if needs_key {
        format!("{{ baseURL: \"{base_url}\", apiKey: \"YOUR_API_KEY\" }}")
    } else {
        format!("{{ baseURL: \"{base_url}\" }}")
    };
    let typescript = format!(
        "// npm install reducto-wasm\n\
         import {{ Reducto }} from \"reducto-wasm\";\n\
         \n\
         const client = new Reducto({ts_options});\n\
         // `file` is a File or Blob, e.g. from an <input type=\"file\">.\n\
         const upload = await client.upload(file);\n\
         const result = await client.pipeline.run({{ input: upload, pipeline_id: \"{id}\" }});\n\
         console.log(result.result);\n"
    );
    let auth = if needs_key { "" } else { "# Any key works: this server runs without --api-key.\n" };
    let rest = format!(
        "{auth}BASE_URL=\"{base_url}\"\n\
         FILE_ID=$(curl -sS -X POST \"$BASE_URL/upload\" \\\n  \
           -H \"Authorization: Bearer $REDUCTO_API_KEY\" \\\n  \
           -F \"file=@document.pdf\" | sed -E 's/.*\"file_id\": *\"([^\"]+)\".*/\\1/')\n\
         curl -sS -X POST \"$BASE_URL/pipeline\" \\\n  \
           -H \"Authorization: Bearer $REDUCTO_API_KEY\" \\\n  \
           -H \"Content-Type: application/json\" \\\n  \
           -d \"{{\\\"input\\\": \\\"$FILE_ID\\\", \\\"pipeline_id\\\": \\\"{id}\\\"}}\"\n"
    );
    Snippets { python, typescript, rest }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_that_could_break_out_of_quotes_are_refused() {
        assert!(safe_host("127.0.0.1:8080"));
        assert!(safe_host("[::1]:8080"));
        assert!(safe_host("studio.example"));
        for bad in ["", "a\"b", "x$(id)", "a b", "a;b", "a`b`"] {
            assert!(!safe_host(bad), "{bad}");
        }
    }
}
