//! The state every handler shares: the configuration, the store, the job runner, the fault
//! script and the webhook deliverer, opened once at start.

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::error::AppError;
use crate::faults::Faults;
use crate::jobs::{self, Runner};
use crate::pipelines_file::{self, PipelinesFile};
use crate::store::{self, Store};
use crate::webhooks::Deliverer;

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<Store>,
    pub runner: Arc<Runner>,
    pub faults: Arc<Faults>,
    /// Fetches URL inputs (its trusted roots include `--ca-cert`'s).
    pub url_client: reqwest::Client,
    /// Sends and records the webhooks of async jobs.
    pub deliverer: Arc<Deliverer>,
}

impl AppState {
    /// Opens the data directory (creating and migrating it if needed) and queues the jobs a
    /// previous run left unfinished. Needs a tokio runtime: the workers start here.
    pub async fn open(config: Config) -> Result<AppState, String> {
        let store = Arc::new(Store::open(&config.data_dir)?);
        if let Some(path) = &config.pipelines {
            let ids = import_pipelines_file(&store, path)?;
            eprintln!("reducto-local: imported {} pipeline(s) from {}", ids.len(), path.display());
        }
        let url_client = crate::outbound::url_client(config.ca_cert.as_deref(), config.allow_private_urls)?;
        let config = Arc::new(config);
        let faults = Arc::new(Faults::default());
        let deliverer = Deliverer::new(store.clone(), config.allow_private_urls)?;
        let runner = Runner::new(jobs::Needs {
            config: config.clone(),
            store: store.clone(),
            url_client: url_client.clone(),
            faults: faults.clone(),
            deliverer: deliverer.clone(),
        });
        let state = AppState { config, store, runner, faults, url_client, deliverer };
        state.runner.resume()?;
        state.deliverer.resume()?;
        tokio::spawn(sweep_every_hour(state.store.clone(), state.config.retention));
        Ok(state)
    }
}

/// Imports the pipelines file at `path` (`--pipelines`); a file that cannot be read or checked
/// stops the start, each problem named by its path in the file.
fn import_pipelines_file(store: &Store, path: &std::path::Path) -> Result<Vec<String>, String> {
    let refuse = |why: String| format!("--pipelines {}: {why}", path.display());
    let refused = |error: AppError| match error {
        AppError::Validation(problems) => refuse(pipelines_file::describe(&problems)),
        other => refuse(other.to_string()),
    };
    let bytes = std::fs::read(path).map_err(|e| refuse(e.to_string()))?;
    let file: PipelinesFile = crate::body::parse_json(&bytes).map_err(refused)?;
    pipelines_file::import(store, &file, Vec::new()).map_err(refused)
}

/// Removes what is older than `retention`, at start and then every hour, for as long as the
/// runtime runs.
async fn sweep_every_hour(store: Arc<Store>, retention: Duration) {
    let mut hourly = tokio::time::interval(Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        let store = store.clone();
        match tokio::task::spawn_blocking(move || store.sweep(retention)).await {
            Ok(Ok(swept)) if swept != store::Swept::default() => eprintln!(
                "reducto-local: removed {} upload(s), {} job(s), {} presigned URL(s) and {} served file(s) \
                 past their retention or expiry",
                swept.uploads, swept.jobs, swept.presigned, swept.artifacts
            ),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => eprintln!("reducto-local: the retention sweep failed: {e}"),
            Err(e) => eprintln!("reducto-local: the retention sweep failed: {e}"),
        }
    }
}

/// The fault script's handlers need only it.
impl axum::extract::FromRef<AppState> for Arc<Faults> {
    fn from_ref(state: &AppState) -> Self {
        state.faults.clone()
    }
}
