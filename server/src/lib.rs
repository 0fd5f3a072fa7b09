//! `reducto-local`: an offline stand-in for Reducto's REST API and Studio, so the pipeline
//! story (design → deploy → run by Pipeline ID) works on one machine with no cloud.
//!
//! Module map (data flows one way: route → runner → engine, with the store on the side):
//!
//! - [`cli`]: command-line flags into a [`Config`] ([`config`]); [`state`]: the [`AppState`]
//!   every handler shares, opened once at start.
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
//!   cancel, and resume after a restart; [`outbound`]: the one way a request leaves the machine
//!   (URL inputs, webhooks), behind the private-network guard.
//! - [`engine`]: pure document parsing, chunking, split, classify, extract and form filling
//!   (no HTTP, no SQL).
//! - [`store`]: SQLite and the files directory; the only SQL (`store/db.rs` holds the
//!   connection and migrations, each other file one kind of record).
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
pub mod clock;
pub mod config;
pub mod engine;
pub mod error;
pub mod faults;
pub mod ids;
pub mod intake;
pub mod jobs;
pub mod links;
pub mod options;
pub mod origins;
pub mod outbound;
pub mod pipelines_file;
pub mod routes;
pub mod secrets;
pub mod state;
pub mod steps;
pub mod store;
pub mod webhooks;

use std::future::Future;
use std::io::Write;
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

pub use crate::config::Config;
use crate::error::AppError;
pub use crate::state::AppState;

/// Headers a browser page may read from responses (the client's retry logic needs them).
const EXPOSED_HEADERS: [&str; 5] =
    ["x-pipeline-version", "retry-after", "retry-after-ms", "x-should-retry", "x-request-id"];

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
        .merge(routes::public())
        // In the API's error shape, as FastAPI answers it, where axum's own 405 has no body;
        // set last, so that every route has it.
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed });
    if config.enable_faults {
        // Around the API only, so a scripted response never stands in for a page of `--www`;
        // outside the key check, so a scripted 401 or 503 needs no key.
        api = api.layer(axum::middleware::from_fn_with_state(state.faults.clone(), faults::layer));
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
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
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
    let exit_with_parent = config.exit_with_parent;
    say_what_is_served(&config);
    let missing = engine::ocr::missing_programs();
    if !missing.is_empty() {
        let programs: Vec<&str> = missing.iter().map(|(program, _)| *program).collect();
        let packages: Vec<&str> = missing.iter().map(|(_, package)| *package).collect();
        eprintln!(
            "reducto-local: OCR is off: {} not found on the PATH (Debian: apt-get install {}); \
             scans and images get a 422 that says so",
            programs.join(" and "),
            packages.join(" ")
        );
    }
    let state = AppState::open(config).await?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the bound address: {e}"))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{addr}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(stdout);
    serve(listener, state, shutdown_signal(exit_with_parent)).await
}

/// Says which pages and which client the server serves, or that it serves none: started from
/// another folder without `--www`, `/` would otherwise be a 404 with no word why.
fn say_what_is_served(config: &Config) {
    let served = [
        ("pages", "no pages", &config.www, "--www"),
        ("the client package", "no client package", &config.pkg, "--pkg"),
    ];
    for (what, nothing, dir, flag) in served {
        if dir.is_dir() {
            eprintln!("reducto-local: serving {what} from {}", dir.display());
        } else {
            eprintln!(
                "reducto-local: serving {nothing}: {} does not exist (name the folder with {flag})",
                dir.display()
            );
        }
    }
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

/// Resolves at Ctrl-C or SIGTERM, or, with `exit_with_parent`, when stdin closes.
async fn shutdown_signal(exit_with_parent: bool) {
    let stdin_closed = async {
        if !exit_with_parent {
            return std::future::pending().await;
        }
        // Reading blocks, so on a thread of its own, left to the process's exit (a runtime
        // would wait for it); EOF, or an error, means the parent is gone.
        let (closed, on_close) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            let _ = closed.send(());
        });
        let _ = on_close.await;
    };
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
        () = stdin_closed => {},
    }
}
