//! Why a job did not complete, and what each reason becomes: the status a sync caller gets
//! and the reason `GET /job/{id}` shows.

/// The reason a cancelled job reports.
pub const CANCELLED: &str = "Cancelled by the user";

/// Why a job did not complete, and which status a sync caller gets for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: FailureKind,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The document cannot be processed (corrupt, no text layer, wrong password): 422.
    Document,
    /// An input vanished between submission and run: 404.
    Missing,
    /// Cancelled by a `POST /cancel`: 409 for a sync caller.
    Cancelled,
    /// The engine was told to stop; the runner knows whether by a cancel or a shutdown.
    Stopped,
    /// The server is shutting down; the job stays queued for the next start: 503.
    Interrupted,
    /// A bug or an I/O error; logged, and reported generically: 500.
    Internal,
}

impl Failure {
    pub fn document(reason: String) -> Failure {
        Failure { kind: FailureKind::Document, reason }
    }

    pub fn missing(reason: impl std::fmt::Display) -> Failure {
        Failure { kind: FailureKind::Missing, reason: reason.to_string() }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Failure {
        Failure { kind: FailureKind::Internal, reason: cause.to_string() }
    }

    pub(super) fn stopped() -> Failure {
        Failure { kind: FailureKind::Stopped, reason: "stopped".into() }
    }

    pub(super) fn cancelled() -> Failure {
        Failure { kind: FailureKind::Cancelled, reason: CANCELLED.into() }
    }

    pub(super) fn interrupted() -> Failure {
        Failure { kind: FailureKind::Interrupted, reason: "The server is shutting down".into() }
    }

    /// The reason recorded in the store and shown by `GET /job/{id}`.
    pub(super) fn public_reason(&self) -> String {
        match self.kind {
            FailureKind::Internal => "Internal server error (details are in the server log)".into(),
            _ => self.reason.clone(),
        }
    }
}
