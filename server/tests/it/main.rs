//! The server's integration tests, as one test crate so they link once: each module drives
//! `app()`, a live socket or the `reducto-local` binary (see `common`) for one part of the
//! surface.

mod common;

mod api;
mod documents;
mod engine;
mod faults;
mod formats;
mod hostile;
mod jobs;
mod ocr;
mod parse_options;
mod pipelines_file;
mod resources;
mod schemas;
mod snippets;
mod start;
mod turned;
mod uploads;
mod urls;
