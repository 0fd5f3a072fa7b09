//! Pipelines as a file (reducto.pipelines.json): export, import into an empty server with the
//! same IDs, versions, names and live version, a second import that changes nothing, bad files
//! refused whole with each problem's path, and `--pipelines` at start.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{config_in, Server};

/// A pipeline with two versions, a rolled-back live version and a saved draft.
async fn pipeline_with_history(s: &Server) -> String {
    let id = s.create(json!({"parse": {"options": {"chunking": {"chunk_mode": "page"}}}})).await;
    s.deploy(&id).await.expect(StatusCode::OK);
    let draft = json!({"steps": {"extract": {"schema": {"type": "object", "properties": {"total": {"type": "number"}}}}}});
    s.json(Method::PUT, &format!("/studio/pipelines/{id}/draft"), draft).await.expect(StatusCode::OK);
    s.post(&format!("/studio/pipelines/{id}/deploy"), json!({"version_name": "with totals"}))
        .await
        .expect(StatusCode::OK);
    s.post(&format!("/studio/pipelines/{id}/rollback"), json!({"version": 1})).await.expect(StatusCode::OK);
    id
}

#[tokio::test]
async fn an_export_imports_into_an_empty_server_as_it_was_and_twice_changes_nothing() {
    let source = Server::new().await;
    let first = pipeline_with_history(&source).await;
    let second = source.create(json!({})).await;
    let exported = source.get("/studio/pipelines/export").await;
    exported.expect(StatusCode::OK);
    let file = exported.body.clone();
    assert_eq!(file["pipelines"].as_array().unwrap().len(), 2);
    assert_eq!(file["pipelines"][0]["id"], first.as_str(), "oldest first");
    assert_eq!(file["pipelines"][0]["live_version"], 1);
    assert_eq!(file["pipelines"][0]["versions"][1]["name"], "with totals");
    assert_eq!(file["pipelines"][1]["live_version"], Value::Null);

    let target = Server::new().await;
    let imported = target.post("/studio/pipelines/import", file.clone()).await;
    imported.expect(StatusCode::OK);
    assert_eq!(imported.body["imported"], json!([first, second]));
    assert_eq!(target.get("/studio/pipelines/export").await.body, file, "every field round-trips");
    // As the Studio shows them: all but the pipeline's own times, which the file does not hold
    // (each version's time it does).
    let studio_view = |mut view: Value| {
        let object = view.as_object_mut().unwrap();
        object.remove("created_at");
        object.remove("updated_at");
        view
    };
    for id in [&first, &second] {
        let path = format!("/studio/pipelines/{id}");
        assert_eq!(
            studio_view(target.get(&path).await.body),
            studio_view(source.get(&path).await.body),
            "{id}"
        );
    }

    let path = format!("/studio/pipelines/{first}");
    let before = target.get(&path).await.body;
    target.post("/studio/pipelines/import", file.clone()).await.expect(StatusCode::OK);
    assert_eq!(target.get(&path).await.body, before, "a second import changes nothing, not even a time");
    assert_eq!(target.get("/studio/pipelines").await.body.as_array().unwrap().len(), 2);

    // The imported ID runs its live version (v1: parse only), as callers of the app would.
    let file_id = target.upload_fixture("minimal-document.pdf").await;
    let run = target.run(&first, json!(file_id)).await;
    run.expect(StatusCode::OK);
    assert_eq!(run.header("x-pipeline-version"), "1");
}

#[tokio::test]
async fn an_id_from_reductos_studio_is_taken_as_it_is_and_a_reimport_updates_it() {
    let s = Server::new().await;
    let id = "k9Xw-Invoices_2026";
    let file = |live: i64, versions: Value| json!({"pipelines": [{"id": id, "name": "Invoices", "live_version": live, "versions": versions}]});
    let v1 = json!({"version": 1, "steps": {"parse": {}}});
    s.post("/studio/pipelines/import", file(1, json!([v1]))).await.expect(StatusCode::OK);
    let file_id = s.upload_fixture("minimal-document.pdf").await;
    assert_eq!(s.run(id, json!(file_id)).await.header("x-pipeline-version"), "1");

    let v2 = json!({"version": 2, "name": "split", "deployed_at": "2026-11-30T10:00:00Z",
        "steps": {"split": {"categories": [{"name": "Invoice", "description": "an invoice"}]}}});
    s.post("/studio/pipelines/import", file(2, json!([v1, v2]))).await.expect(StatusCode::OK);
    let run = s.run(id, json!(file_id)).await;
    assert_eq!(run.header("x-pipeline-version"), "2", "the file's live version is what callers get");
    assert!(run.body["result"]["split"].is_object(), "{}", run.body);
    let versions = s.get(&format!("/studio/pipelines/{id}/versions")).await;
    assert_eq!(versions.body.as_array().unwrap().len(), 2, "{}", versions.body);
    assert_eq!(versions.body[1]["deployed_at"], "2026-11-30T10:00:00Z");
}

#[tokio::test]
async fn a_bad_file_is_refused_whole_naming_each_problems_path() {
    let s = Server::new().await;
    let bad = json!({"pipelines": [
        {"id": "good", "name": "Good", "versions": [{"version": 1, "steps": {}}], "live_version": 1},
        {"id": "has space", "name": "Bad", "live_version": 2, "versions": [{"version": 1, "steps": {}}]},
    ]});
    let refused = s.post("/studio/pipelines/import", bad).await;
    refused.expect(StatusCode::UNPROCESSABLE_ENTITY);
    let places: Vec<&Value> = refused.body["detail"].as_array().unwrap().iter().map(|e| &e["loc"]).collect();
    assert_eq!(
        places,
        [&json!(["body", "pipelines", 1, "id"]), &json!(["body", "pipelines", 1, "live_version"])],
        "{}",
        refused.body
    );
    assert_eq!(s.get("/studio/pipelines/good").await.status, StatusCode::NOT_FOUND, "nothing was imported");

    let shape = json!({"pipelines": [{"id": "a", "name": "A", "versions": [{"version": 1, "steps": {"split": ["x"]}}]}]});
    let refused = s.post("/studio/pipelines/import", shape).await;
    refused.expect(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.validation()["loc"],
        json!(["body", "pipelines", 0, "versions", 0, "steps", "split"]),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn a_pipelines_file_is_imported_at_every_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reducto.pipelines.json");
    let file = json!({"pipelines": [{"id": "from-the-app", "name": "App", "live_version": 1,
        "versions": [{"version": 1, "steps": {"parse": {}}}]}]});
    std::fs::write(&path, file.to_string()).unwrap();
    let data = tempfile::tempdir().unwrap();
    let with_file = |config: &mut reducto_local::config::Config| config.pipelines = Some(path.clone());
    let s = Server::over(data, with_file).await;
    assert_eq!(s.get("/studio/pipelines/from-the-app").await.body["deployed"]["version"], 1);
    let data = s.shut_down().await;
    let s = Server::over(data, with_file).await;
    let listed = s.get("/studio/pipelines").await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "a restart duplicates nothing");

    std::fs::write(
        &path,
        r#"{"pipelines": [{"id": "x", "name": "X", "versions": [{"version": 0, "steps": {}}]}]}"#,
    )
    .unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let config = config_in(&fresh, with_file);
    let refused =
        reducto_local::state::AppState::open(config).await.err().expect("a bad file stops the start");
    assert!(refused.contains("pipelines.0.versions.0.version: versions are numbered from 1"), "{refused}");
}

#[tokio::test]
async fn an_export_never_holds_a_document_password_and_importing_it_back_keeps_the_one_saved() {
    let s = Server::new().await;
    let id = s.create(json!({"parse": {"options": {"settings": {"document_password": "s3cret-pw"}}}})).await;
    s.deploy(&id).await.expect(StatusCode::OK);
    let file = s.get(&format!("/studio/pipelines/{id}/export")).await;
    file.expect(StatusCode::OK);
    assert!(!file.body.to_string().contains("s3cret-pw"), "{}", file.body);
    assert_eq!(file.body["pipelines"].as_array().unwrap().len(), 1);
    s.post("/studio/pipelines/import", file.body.clone()).await.expect(StatusCode::OK);
    let saved = s.state.store.get_pipeline(&id).unwrap().unwrap();
    assert!(serde_json::to_string(&saved.draft).unwrap().contains("s3cret-pw"), "the saved password stays");
    let live = s.state.store.versions(&id).unwrap();
    assert!(serde_json::to_string(&live[0].steps).unwrap().contains("s3cret-pw"));
    assert_eq!(s.get("/studio/pipelines/nope/export").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_files_it_writes_and_the_example_meet_the_published_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/reducto.pipelines.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let s = Server::new().await;
    pipeline_with_history(&s).await;
    let split = json!({"split": {"categories": [{"name": "Invoice", "description": "an invoice", "partition_key": "number"}]}});
    s.create(split).await;
    let exported = s.get("/studio/pipelines/export").await.body;
    let example: Value =
        serde_json::from_str(include_str!("../../../tests/local-package/reducto.pipelines.json")).unwrap();
    for file in [&exported, &example] {
        let errors: Vec<String> =
            validator.iter_errors(file).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:?}\n{file}");
    }
    for refused in [
        json!({"pipelines": [{"id": "has space", "name": "X"}]}),
        json!({"pipelines": [{"id": "export", "name": "X"}]}),
        json!({"pipelines": [{"id": "a", "name": "A", "versions": [{"version": 1, "steps": {"split": ["x"]}}]}]}),
    ] {
        assert!(!validator.is_valid(&refused), "the schema refuses what the server refuses: {refused}");
        s.post("/studio/pipelines/import", refused).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    }
}
