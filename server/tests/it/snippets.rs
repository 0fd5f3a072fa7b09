//! `GET /studio/pipelines/{id}/snippets`: the three snippets name the pipeline and the address
//! the caller used, and the curl one really runs the pipeline (executed here with `sh`).

use crate::common::{fixture, Live, Server};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn snippets_use_the_callers_host_and_the_pipeline_id() {
    // Keyed, so that any Host is served (a keyless server answers only under loopback names).
    let mut s = Server::with(|c| c.api_keys = vec!["snippets-test-key-0001".into()]).await;
    s.key = Some("snippets-test-key-0001");
    let id = s.create(json!({})).await;
    let req = Request::get(format!("/studio/pipelines/{id}/snippets"))
        .header(header::HOST, "studio.local:9999")
        .body(Body::empty())
        .unwrap();
    let reply = s.send(req).await;
    reply.expect(StatusCode::OK);
    let text = |key: &str| reply.body[key].as_str().unwrap().to_owned();
    let python = text("python");
    for expected in [
        "from reducto import Reducto",
        "client = Reducto(base_url=\"http://studio.local:9999\"",
        "upload = client.upload(file=Path(\"document.pdf\"))",
        &format!("client.pipeline.run(input=upload.file_id, pipeline_id=\"{id}\")"),
    ] {
        assert!(python.contains(expected), "{expected} not in\n{python}");
    }
    let typescript = text("typescript");
    for expected in [
        "import { Reducto } from \"reducto-wasm\";",
        "new Reducto({ baseURL: \"http://studio.local:9999\"",
        "const upload = await client.upload(file);",
        &format!("client.pipeline.run({{ input: upload, pipeline_id: \"{id}\" }})"),
    ] {
        assert!(typescript.contains(expected), "{expected} not in\n{typescript}");
    }
    let rest = text("rest");
    assert!(rest.contains("BASE_URL=\"http://studio.local:9999\""), "{rest}");
    assert!(rest.contains("-H \"Authorization: Bearer $REDUCTO_API_KEY\""), "{rest}");
    assert!(rest.contains(&format!("\\\"pipeline_id\\\": \\\"{id}\\\"")), "{rest}");

    // A Host that could break out of the quotes is not pasted into code.
    let req = Request::get(format!("/studio/pipelines/{id}/snippets"))
        .header(header::HOST, "x\"$(reboot)")
        .body(Body::empty())
        .unwrap();
    let reply = s.send(req).await;
    assert!(!reply.body["rest"].as_str().unwrap().contains("reboot"));
    s.get("/studio/pipelines/nosuchpipeline/snippets").await.expect(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_curl_snippet_runs_the_deployed_pipeline() {
    // The bootstrap installs curl; without it this test fails rather than passing unrun.
    std::process::Command::new("curl")
        .arg("--version")
        .output()
        .expect("curl runs (scripts/bootstrap.sh installs it)");
    let live = Live::start(|c| c.api_keys = vec!["snippet-key".into()]).await;
    let http = reqwest::Client::new();
    let call =
        |method: reqwest::Method, path: &str| http.request(method, live.at(path)).bearer_auth("snippet-key");
    let created: Value = call(reqwest::Method::POST, "/studio/pipelines")
        .json(&json!({"name": "Pasted", "steps": {}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    call(reqwest::Method::POST, &format!("/studio/pipelines/{id}/deploy")).send().await.unwrap();
    let snippets: Value = call(reqwest::Method::GET, &format!("/studio/pipelines/{id}/snippets"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(snippets["typescript"].as_str().unwrap().contains("apiKey"));
    let rest = snippets["rest"].as_str().unwrap().to_owned();

    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("document.pdf"), fixture("pdflatex-4-pages.pdf")).unwrap();
    let cwd = work.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(&rest)
            .current_dir(cwd)
            .env("REDUCTO_API_KEY", "snippet-key")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    assert_eq!(result["response_type"], "pipeline", "{result}");
    assert_eq!(result["usage"]["num_pages"], 4);
    live.stop().await;
}
