//! The `reducto-local` binary: parse the command line, bind, and hand over to
//! [`reducto_local::run`]. Usage mistakes exit with 2, runtime failures with 1.

use std::process::ExitCode;

use reducto_local::cli::{self, Command};

/// mimalloc instead of the system's: parsing allocates per glyph and span, and glibc's malloc
/// and free were a third of a parse's time under `perf`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let config = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(config)) => *config,
        Ok(Command::Help) => {
            print!("{}", cli::help());
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("reducto-local {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("reducto-local: {e}\nRun `reducto-local --help` for usage.");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await {
            Ok(listener) => listener,
            Err(e) => return fail(&format!("cannot listen on {}:{}: {e}", config.host, config.port)),
        };
        match reducto_local::run(listener, config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        }
    })
}

fn fail(message: &str) -> ExitCode {
    eprintln!("reducto-local: {message}");
    ExitCode::FAILURE
}
