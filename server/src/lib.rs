//! `reducto-local`: an offline stand-in for Reducto's REST API and Studio, so the pipeline
//! story (design → deploy → run by Pipeline ID) works on one machine with no cloud.
//!
//! Module map (data flows one way: route → runner → engine, with the store on the side):
//!
//! - [`cli`]: command-line flags into a [`Config`].
//! - [`routes`]: HTTP handlers, one module per API group (files, parse, extract, split,
//!   classify, edit, pipeline, jobs, downloads, studio, meta).
//! - [`origins`]: which pages and `Host`s a keyless server answers (outermost layer);
//!   [`auth`]: the `Authorization: Bearer` check in front of every API route.
//! - [`intake`]: every request body must keep arriving, and one refused unread is still
//!   drained, so its client gets the answer;
//! - [`body`]: the JSON body extractors that turn bad bodies into FastAPI-style 422s.
//! - [`api`]: Reducto's wire types; [`steps`]: a pipeline's configuration and its validation;
//!   [`options`]: the `ParseOptions` the engine honours.
//! - [`jobs`]: the bounded worker pool every run goes through (sync or async), with progress,
//!   cancel, and resume after a restart; its `fetch` is the one client for URL inputs.
//! - [`engine`]: pure document parsing, chunking, split, classify, extract and form filling
//!   (no HTTP, no SQL).
//! - [`store`]: SQLite and the files directory; the only SQL.
//! - [`faults`]: scripted failures for tests (`--enable-faults` only).
//! - [`secrets`]: masking the document passwords inside JSON the server shows.
//! - [`webhooks`]: announcing the end of async jobs to their webhook URLs.
//! - [`error`]: the one error type and its JSON shapes; [`ids`]: random and parsed ids.
//!
//! [`app`] builds the router without a socket (tests drive it with `oneshot`); [`serve`] runs
//! it on a listener until a shutdown future resolves, and [`run`] is what the binary does:
//! open the data dir, announce the address, serve until SIGTERM or Ctrl-C.

pub mod api;
pub mod auth;
pub mod body;
pub mod cli;
pub mod engine;
pub mod error;
pub mod faults;
pub mod ids;
pub mod intake;
pub mod jobs;
pub mod options;
pub mod origins;
pub mod routes;
pub mod secrets;
pub mod steps;
pub mod store;
pub mod webhooks;

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderName, Method};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::error::AppError;
use crate::faults::Faults;
use crate::jobs::Runner;
use crate::store::Store;
use crate::webhooks::Deliverer;

/// Everything the command line sets. `Debug` leaves the API keys out.
#[derive(Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub api_keys: Vec<String>,
    /// Origins besides loopback ones whose pages may call a keyless server (`--allow-origin`).
    pub allow_origins: Vec<String>,
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub max_upload_mb: u64,
    /// The largest presigned (PUT) upload.
    pub max_presigned_mb: u64,
    /// The largest document the engine reads into memory; a larger upload is refused unread.
    pub max_document_mb: u64,
    /// How long a presigned upload URL, and an edited PDF's download URL, stays valid.
    pub presigned_ttl: Duration,
    /// Parse results larger than this many MB are answered as a URL.
    pub inline_result_limit_mb: f64,
    /// Jobs that run at once; `None` means one per CPU.
    pub workers: Option<usize>,
    /// Jobs that may wait for a worker; past it, new jobs get a 429.
    pub max_queued_jobs: usize,
    /// Requests served at once; more wait for a turn.
    pub max_concurrent_requests: usize,
    /// How long a request's headers may take to arrive, and how long its body may go without
    /// sending a byte, before the connection or the request fails.
    pub read_timeout: Duration,
    /// The grace a request body has to arrive, on top of one second per
    /// [`intake::MIN_BODY_RATE`] bytes it sends (`--body-timeout-secs`).
    pub body_timeout: Duration,
    /// How long one job may spend on its document before it fails.
    pub parse_timeout: Duration,
    /// How long uploads, finished jobs' results and used presigned URLs are kept.
    pub retention: Duration,
    /// PEM certificate authorities that https URL inputs may also be signed by (an internal
    /// server's), besides Mozilla's roots.
    pub ca_cert: Option<PathBuf>,
    /// Lets URL inputs reach loopback, private and link-local addresses (`--allow-private-urls`).
    pub allow_private_urls: bool,
    /// Mounts the fault-injection API ([`faults`]); for tests, loopback only.
    pub enable_faults: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            data_dir: PathBuf::from(".data"),
            api_keys: Vec::new(),
            allow_origins: Vec::new(),
            www: PathBuf::from("www"),
            pkg: PathBuf::from("pkg"),
            max_upload_mb: 100,
            max_presigned_mb: 5 * 1024,
            max_document_mb: 512,
            presigned_ttl: Duration::from_secs(3600),
            inline_result_limit_mb: 10.0,
            workers: None,
            max_queued_jobs: 1000,
            max_concurrent_requests: 256,
            read_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            parse_timeout: Duration::from_secs(120),
            retention: Duration::from_secs(7 * 24 * 3600),
            ca_cert: None,
            allow_private_urls: false,
            enable_faults: false,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("data_dir", &self.data_dir)
            .field("api_keys", &format_args!("[{} redacted]", self.api_keys.len()))
            .field("allow_origins", &self.allow_origins)
            .field("www", &self.www)
            .field("pkg", &self.pkg)
            .field("max_upload_mb", &self.max_upload_mb)
            .field("max_presigned_mb", &self.max_presigned_mb)
            .field("max_document_mb", &self.max_document_mb)
            .field("presigned_ttl", &self.presigned_ttl)
            .field("inline_result_limit_mb", &self.inline_result_limit_mb)
            .field("workers", &self.workers)
            .field("max_queued_jobs", &self.max_queued_jobs)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("read_timeout", &self.read_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("parse_timeout", &self.parse_timeout)
            .field("retention", &self.retention)
            .field("ca_cert", &self.ca_cert)
            .field("allow_private_urls", &self.allow_private_urls)
            .field("enable_faults", &self.enable_faults)
            .finish()
    }
}

impl Config {
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_mb * 1024 * 1024
    }

    /// The largest request body a route accepts: a multipart upload of `--max-upload-mb` and
    /// its framing. (A presigned PUT, checked by its own limit, may be larger.)
    pub fn max_body_bytes(&self) -> u64 {
        self.max_upload_bytes() + MULTIPART_OVERHEAD
    }

    pub fn inline_result_limit_bytes(&self) -> u64 {
        (self.inline_result_limit_mb * 1024.0 * 1024.0) as u64
    }

    pub fn max_presigned_bytes(&self) -> u64 {
        self.max_presigned_mb * 1024 * 1024
    }

    /// `--workers`, or one per CPU.
    pub fn worker_count(&self) -> usize {
        self.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

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
        let url_client = jobs::fetch::url_client(config.ca_cert.as_deref(), config.allow_private_urls)?;
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

/// Headers a browser page may read from responses (the client's retry logic needs them).
const EXPOSED_HEADERS: [&str; 5] =
    ["x-pipeline-version", "retry-after", "retry-after-ms", "x-should-retry", "x-request-id"];

/// Room for the multipart framing around a file of exactly `--max-upload-mb`; the file's own
/// size is checked exactly while it streams.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

pub fn app(state: AppState) -> Router {
    let config = &state.config;
    let mut api = routes::api();
    if config.enable_faults {
        // Behind the key like every API route: scripting the server is a caller's power.
        api = api.merge(faults::routes());
    }
    let mut api = api
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_key))
        .layer(DefaultBodyLimit::max(config.max_body_bytes() as usize))
        .merge(routes::public());
    if config.enable_faults {
        // Around the API only, so a scripted response never stands in for a page of `--www`;
        // outside the key check, so a scripted 401 or 503 needs no key.
        api = api.layer(axum::middleware::from_fn_with_state(state.clone(), faults::layer));
    }
    let not_found = (|| async { AppError::NotFound("Not Found".into()) }).into_service();
    let static_files = Router::new()
        .nest_service("/pkg", ServeDir::new(&config.pkg))
        // Unknown paths are a JSON 404 whatever the method (ServeDir alone answers 405 to a
        // POST), as the real API does.
        .fallback_service(
            ServeDir::new(&config.www).call_fallback_on_method_not_allowed(true).fallback(not_found),
        );
    // CORS grants what `origins::guard`, outside it, let through: any origin with a key, and
    // without one only loopback pages and `--allow-origin`'s; but with a key, no page is
    // granted the fault API. Requested headers are mirrored because a `*` would not cover
    // `Authorization`.
    let keyed = !config.api_keys.is_empty();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |_, request| {
            !(keyed && faults::is_control_path(request.uri.path()))
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::OPTIONS])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
        .max_age(Duration::from_secs(600));
    let router = api.merge(static_files).with_state(state.clone());
    let bounds = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(state.clone(), intake::layer))
        .layer(GlobalConcurrencyLimitLayer::new(config.max_concurrent_requests))
        .layer(RequestBodyTimeoutLayer::new(config.read_timeout));
    router
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(state.clone(), origins::guard))
        .layer(bounds)
}

/// Opens the store, announces the address on stdout (first line, flushed: test harnesses
/// wait for it), and serves until SIGTERM or Ctrl-C.
pub async fn run(listener: TcpListener, config: Config) -> Result<(), String> {
    let state = AppState::open(config).await?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the bound address: {e}"))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{addr}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(stdout);
    serve(listener, state, shutdown_signal()).await
}

/// Serves `state` on `listener` until `shutdown` resolves. Then the running jobs are stopped
/// first (at their next page; they resume at the next start), which also answers sync callers
/// waiting on them, and in-flight requests are let finish.
///
/// The connection loop is hyper's own, not `axum::serve`, because only with a timer can hyper
/// close a connection whose request headers do not arrive in `--read-timeout-secs`.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let app = app(state.clone());
    let read_timeout = state.config.read_timeout;
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let socket = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => socket,
                Err(e) => {
                    // Out of file descriptors, say: wait, rather than spin, and go on.
                    eprintln!("reducto-local: cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let watcher = connections.watcher();
        tokio::spawn(async move {
            let mut builder = ConnectionBuilder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(read_timeout);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(socket), service);
            // A connection that ends in an error (a client gone, headers too slow) is that
            // client's business.
            let _ = watcher.watch(connection).await;
        });
    }
    drop(listener);
    state.runner.shutdown().await;
    connections.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
