//! Jobs: every parse and pipeline run, sync or async, is a job that a bounded pool of workers
//! runs. A job's life, one noun for each thing it is on the way:
//!
//! 1. a route describes it as a [`Submission`]: its kind, the request as sent (for `GET /job`'s
//!    `raw_config`) and its [`JobSpec`], what to do ([`Task`]) to which documents;
//! 2. [`Runner::submit`] records it `Pending` first, so it is never lost, and answers
//!    [`Submitted`]: its id, and the end to await ([`Submitted::finished`]) for a sync route;
//!    an async route answers with the id at once;
//! 3. it waits for one of `--workers` slots; a worker runs it ([`work::execute`]), which gives
//!    the job's [`Answer`] and page count ([`work::Done`]) or a [`Failure`];
//! 4. that end, the job's outcome, is recorded in the store (`Completed` with its answer,
//!    `Failed`, `Cancelled`, or back to `Pending` at a shutdown) and handed to whoever awaits
//!    it. The routes shape an answer into Reducto's response (`routes::respond`).
//!
//! - Progress lives in memory while a job runs (pages done / pages, over all of a
//!   multi-document input's documents), read by `GET /job/{id}`.
//! - A job reading its document for longer than `--parse-timeout-secs` is stopped at the next
//!   page boundary and fails with that reason (a 422 for a sync caller).
//! - Cancel marks the job `Cancelled` in the store at once and raises its flag; the engine
//!   stops at the next page boundary and the slot is freed.
//! - When a job that asked for a webhook ends (completed, failed or cancelled), the
//!   [`Deliverer`] announces it.
//! - Shutdown stops running jobs the same way but puts them back to `Pending`, and a start
//!   [`Runner::resume`]s every `Pending` job; a job a crash interrupted is run again too,
//!   unless crashes have interrupted it [`MAX_ATTEMPTS`] times (then it is marked `Failed`).
//!
//! The engine runs on a thread of its own per job (parsing is CPU work that must not stall the
//! async workers), with a stack of [`engine::STACK_BYTES`]; the slots bound how many run at
//! once. A long PDF's pages are read by as many threads as there are CPUs within that.

pub mod answer;
mod failure;
pub mod fetch;
pub mod input;
pub mod work;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};
use tokio_util::task::TaskTracker;

pub use self::answer::Answer;
pub use self::failure::{Failure, FailureKind, CANCELLED};
use crate::clock::now_ms;
use crate::config::Config;
use crate::engine::{self, Stopped};
use crate::faults::Faults;
use crate::ids;
use crate::secrets;
use crate::store::{JobKind, NewJob};
use crate::store::{Store, StoreError};
use crate::webhooks::Deliverer;
pub use work::{JobSpec, Task};

/// Why a job with a document password fails after a restart.
pub const PASSWORD_NOT_KEPT: &str =
    "The server restarted before this job finished, and document passwords are \
    never stored: send the request again with settings.document_password";

/// How often a crash may interrupt one job before a restart gives up on it: a document that
/// stopped the server twice is not run a third time.
pub const MAX_ATTEMPTS: u32 = 2;

/// How a job ended: its answer, or why it has none.
pub type Outcome = Result<Completed, Failure>;

/// A completed job's answer, and the length of the JSON the store keeps of it (a part of the
/// answer is never longer, which tells whether any may be over the inline limit).
pub struct Completed {
    pub answer: Answer,
    pub stored_len: usize,
}

/// A new job, as a route describes it.
pub struct Submission<'a> {
    pub kind: JobKind,
    pub pipeline_id: Option<&'a str>,
    pub pipeline_version: Option<i64>,
    /// The request body as received (it becomes `raw_config`, secrets masked).
    pub request: &'a Value,
    pub spec: JobSpec,
}

/// A queued job; await [`Submitted::finished`] for its result, or just report `job_id`.
pub struct Submitted {
    pub job_id: String,
    done: oneshot::Receiver<Outcome>,
}

impl Submitted {
    /// The job's result, or the error a sync caller should see.
    pub async fn finished(self) -> Outcome {
        self.done.await.unwrap_or_else(|_| Err(Failure::interrupted()))
    }
}

/// Why [`Runner::submit`] did not take a job.
#[derive(Debug)]
pub enum Refused {
    /// The server is shutting down.
    ShuttingDown,
    /// `waiting` jobs wait for a worker already, `limit` (`--max-queued-jobs`) at most.
    Full { waiting: usize, limit: usize },
    /// The job could not be recorded.
    Internal(String),
}

/// What the runner and a job's worker share while the job is queued or running: its progress
/// and why it was told to stop. (A pipeline's deployed version is `store::Deployed`.)
#[derive(Default)]
struct Running {
    /// Fraction of pages done, 0..1.
    progress: Mutex<f64>,
    /// The last page report: (pages done, pages).
    pages: Mutex<(u32, u32)>,
    /// Why the run was told to stop, recorded by whoever stopped it; the first reason wins.
    stop: Mutex<Option<StopReason>>,
}

/// Why a run stopped before its document was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StopReason {
    /// `POST /cancel`: the job ends `Cancelled`.
    Cancelled,
    /// `--parse-timeout-secs` passed: the job fails on its document, saying so.
    Deadline,
    /// The server is shutting down: the job goes back to `Pending` for the next start.
    Shutdown,
}

impl Running {
    fn stop(&self, reason: StopReason) {
        self.stop.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(reason);
    }

    fn stopped(&self) -> Option<StopReason> {
        *self.stop.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the workers use of the rest of the server.
#[derive(Clone)]
pub struct Needs {
    pub config: Arc<Config>,
    pub store: Arc<Store>,
    /// Fetches URL inputs, with its guard.
    pub url_client: reqwest::Client,
    /// The page delay tests set (`--enable-faults`).
    pub faults: Arc<Faults>,
    pub deliverer: Arc<Deliverer>,
}

pub struct Runner {
    needs: Needs,
    /// One permit per worker.
    slots: Arc<Semaphore>,
    workers: usize,
    tasks: TaskTracker,
    running: Mutex<HashMap<String, Arc<Running>>>,
    stopping: AtomicBool,
}

impl Runner {
    pub fn new(needs: Needs) -> Arc<Runner> {
        let workers = needs.config.worker_count().max(1);
        Arc::new(Runner {
            needs,
            slots: Arc::new(Semaphore::new(workers)),
            workers,
            tasks: TaskTracker::new(),
            running: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
        })
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Running>>> {
        self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a new `Pending` job and queues it.
    pub fn submit(self: &Arc<Self>, job: Submission) -> Result<Submitted, Refused> {
        let Needs { config, store, .. } = &self.needs;
        if self.stopping.load(Ordering::SeqCst) {
            return Err(Refused::ShuttingDown);
        }
        let waiting = self.running().len().saturating_sub(self.workers);
        if waiting >= config.max_queued_jobs {
            return Err(Refused::Full { waiting, limit: config.max_queued_jobs });
        }
        let id = ids::new_job_id();
        let input = to_json(job.request.get("input").unwrap_or(&Value::Null))?;
        let config = to_json(&secrets::mask(job.request))?;
        // The stored copy keeps no password: not the request's, not one a pipeline's steps hold.
        let mut stored = job.spec.clone();
        stored.parse.password_withheld = stored.parse.password.is_some();
        let stored = serde_json::to_value(&stored).map_err(|e| Refused::Internal(e.to_string()))?;
        let spec = to_json(&secrets::mask(&stored))?;
        store
            .insert_job(&NewJob {
                id: &id,
                kind: job.kind,
                pipeline_id: job.pipeline_id,
                pipeline_version: job.pipeline_version,
                input: &input,
                config: &config,
                spec: &spec,
            })
            .map_err(|e| Refused::Internal(e.to_string()))?;
        let (tx, rx) = oneshot::channel();
        self.spawn(id.clone(), job.spec, Some(tx));
        Ok(Submitted { job_id: id, done: rx })
    }

    /// Queues every job a previous run left unfinished. Called once, at start.
    pub fn resume(self: &Arc<Self>) -> Result<(), String> {
        let store = &self.needs.store;
        let recovery =
            store.recover(MAX_ATTEMPTS).map_err(|e| format!("cannot recover unfinished jobs: {e}"))?;
        if recovery.failed > 0 {
            eprintln!(
                "reducto-local: {} interrupted job(s) marked Failed after repeated crashes",
                recovery.failed
            );
        }
        for (id, spec) in recovery.resume {
            match serde_json::from_str::<JobSpec>(&spec) {
                Ok(spec) if spec.parse.password_withheld => {
                    store.fail_job(&id, PASSWORD_NOT_KEPT, None).map_err(|e| e.to_string())?;
                }
                Ok(spec) => self.spawn(id, spec, None),
                Err(e) => {
                    let reason =
                        format!("The job could not be resumed: its stored description is unreadable ({e})");
                    store.fail_job(&id, &reason, None).map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(())
    }

    fn spawn(self: &Arc<Self>, id: String, spec: JobSpec, notify: Option<oneshot::Sender<Outcome>>) {
        let running = Arc::new(Running::default());
        self.running().insert(id.clone(), running.clone());
        let runner = self.clone();
        self.tasks.spawn(async move {
            let webhook = spec.webhook.clone();
            let outcome = match runner.slots.clone().acquire_owned().await {
                Ok(permit) => run(&runner, &id, spec, &running, permit).await,
                // Closed by a shutdown: the job stays Pending for the next start.
                Err(_) => Err(Failure::interrupted()),
            };
            runner.running().remove(&id);
            if let Err(failure) = &outcome {
                if failure.kind == FailureKind::Internal {
                    eprintln!("reducto-local: job {id} failed: {}", failure.reason);
                }
            }
            // A job put back for the next start has not ended.
            let ended = match &outcome {
                Ok(_) => Some("Completed"),
                Err(f) if matches!(f.kind, FailureKind::Interrupted | FailureKind::Stopped) => None,
                Err(_) => Some("Failed"),
            };
            if let (Some(status), Some(webhook)) = (ended, &webhook) {
                runner.needs.deliverer.job_ended(&id, status, webhook);
            }
            if let Some(tx) = notify {
                // The sync caller may have gone away; the job is recorded either way.
                let _ = tx.send(outcome);
            }
        });
    }

    /// How far a queued or running job has got (0..1), if it is one.
    pub fn progress(&self, id: &str) -> Option<f64> {
        let running = self.running().get(id).cloned()?;
        let progress = *running.progress.lock().unwrap_or_else(|p| p.into_inner());
        Some(progress)
    }

    /// Cancels a queued or running job: `Cancelled` in the store now, and the worker stops
    /// at the next page. `false` if the job had already finished (or does not exist).
    pub fn cancel(&self, id: &str) -> Result<bool, StoreError> {
        let cancelled = self.needs.store.cancel_job(id, CANCELLED)?;
        if cancelled {
            if let Some(running) = self.running().get(id) {
                running.stop(StopReason::Cancelled);
            }
        }
        Ok(cancelled)
    }

    /// Deletes a job and its result, cancelling it first if it is queued or running; `false`
    /// if there is no such job.
    pub fn delete(&self, id: &str) -> Result<bool, StoreError> {
        self.cancel(id)?;
        self.needs.store.delete_job(id)
    }

    /// Stops taking jobs, stops the running ones at their next page (they go back to
    /// `Pending`, to resume at the next start) and waits for the workers to finish.
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        for running in self.running().values() {
            running.stop(StopReason::Shutdown);
        }
        self.slots.close();
        self.tasks.close();
        self.tasks.wait().await;
    }
}

/// One job on one worker slot: start it, run the engine, record the outcome.
/// `permit` is the job's worker slot: it goes to the engine's thread and is given back when
/// that thread ends, not when the job's deadline passes, so a runaway page cannot take a
/// worker's CPU while a new job takes its slot.
async fn run(
    runner: &Arc<Runner>,
    id: &str,
    spec: JobSpec,
    running: &Arc<Running>,
    permit: OwnedSemaphorePermit,
) -> Outcome {
    let Needs { config, store, .. } = &runner.needs;
    if runner.stopping.load(Ordering::SeqCst) {
        return Err(Failure::interrupted());
    }
    if !store.start_job(id).map_err(Failure::internal)? {
        return Err(Failure::cancelled());
    }
    let started = Instant::now();
    let limit = TimeLimit::of(&spec, config);
    let executed = within_deadline(runner, id, spec, running, permit, started + limit.after).await;
    record(runner, id, running, executed, &limit, started.elapsed().as_secs_f64())
}

/// How long a job may run: the server's `--parse-timeout-secs`, or the caller's
/// `settings.timeout` when that is shorter.
struct TimeLimit {
    after: Duration,
    /// Who set it, for the failure's message.
    set_by: &'static str,
}

impl TimeLimit {
    fn of(spec: &JobSpec, config: &Config) -> TimeLimit {
        let asked = spec.parse.timeout_secs.and_then(|secs| Duration::try_from_secs_f64(secs).ok());
        match asked {
            Some(asked) if asked < config.parse_timeout => {
                TimeLimit { after: asked, set_by: "settings.timeout asks for" }
            }
            _ => {
                TimeLimit { after: config.parse_timeout, set_by: "the server allows (--parse-timeout-secs)" }
            }
        }
    }
}

/// Runs the job before `deadline`: URL inputs are fetched first, asynchronously; then the
/// engine reads the documents on a blocking thread. The deadline holds for both, even for a
/// fetch or a page that does not end: the job fails on time, and the engine's thread stops at
/// its next page, its result unused.
async fn within_deadline(
    runner: &Arc<Runner>,
    id: &str,
    spec: JobSpec,
    running: &Arc<Running>,
    permit: OwnedSemaphorePermit,
    deadline: Instant,
) -> Result<work::Done, Failure> {
    let work = {
        let (runner, id, running) = (runner.clone(), id.to_owned(), running.clone());
        async move {
            let Needs { config, url_client, .. } = &runner.needs;
            let fetch = fetch::Fetch {
                client: url_client.clone(),
                max_bytes: config.max_upload_mb << 20,
                private_allowed: config.allow_private_urls,
            };
            let fetched = fetch::prefetch(&spec.input, &fetch).await?;
            let engine = on_engine_thread(move || {
                let _slot = permit;
                let mut on_page = |done: u32, total: u32| page_done(&runner, &running, deadline, done, total);
                let keep_going =
                    || if should_stop(&runner, &running, deadline) { Err(Stopped) } else { Ok(()) };
                let Needs { store, config, .. } = &runner.needs;
                let context = work::Context {
                    store,
                    job_id: &id,
                    now_ms: now_ms(),
                    fetched: &fetched,
                    max_document_bytes: config.max_document_mb << 20,
                    link_ttl: config.presigned_ttl,
                    keep_going: &keep_going,
                };
                work::execute(&context, &spec, &mut on_page)
            });
            engine.await?
        }
    };
    match tokio::time::timeout_at(deadline.into(), work).await {
        Ok(executed) => executed,
        Err(_) => {
            running.stop(StopReason::Deadline);
            Err(Failure::stopped())
        }
    }
}

/// Records how the job ended, `duration` seconds after it started: a stopped run as the reason
/// it was stopped for (the deadline, a cancel, or a shutdown that queues it again), and a
/// result or a failure unless a cancel got there first.
fn record(
    runner: &Runner,
    id: &str,
    running: &Running,
    executed: Result<work::Done, Failure>,
    limit: &TimeLimit,
    duration: f64,
) -> Outcome {
    let Needs { store, .. } = &runner.needs;
    let stopped = match &executed {
        Err(f) if f.kind == FailureKind::Stopped => running.stopped(),
        _ => None,
    };
    let executed = match stopped {
        Some(StopReason::Deadline) => {
            let (done, total) = *running.pages.lock().unwrap_or_else(|p| p.into_inner());
            let stopped = match total {
                0 => "before its first page".to_owned(),
                _ if done == total => format!("after reading all {total} pages"),
                _ => format!("after {done} of {total} pages"),
            };
            Err(Failure::document(format!(
                "Processing the document took longer than the {} s {}; it was stopped {stopped}",
                limit.after.as_secs_f64(),
                limit.set_by
            )))
        }
        _ => executed,
    };
    match executed {
        Ok(done) => {
            let stored = serde_json::to_string(&done.answer).map_err(Failure::internal)?;
            if store.complete_job(id, &stored, done.num_pages, duration).map_err(Failure::internal)? {
                Ok(Completed { answer: done.answer, stored_len: stored.len() })
            } else {
                Err(Failure::cancelled())
            }
        }
        Err(_) if stopped == Some(StopReason::Cancelled) => Err(Failure::cancelled()),
        Err(_) if stopped == Some(StopReason::Shutdown) => {
            store.requeue_job(id).map_err(Failure::internal)?;
            Err(Failure::interrupted())
        }
        Err(failure) => {
            if store.fail_job(id, &failure.public_reason(), Some(duration)).map_err(Failure::internal)? {
                Err(failure)
            } else {
                Err(Failure::cancelled())
            }
        }
    }
}

/// Runs `work` on a new thread with a stack of [`engine::STACK_BYTES`]; its result, or an
/// internal failure if the thread could not start or panicked.
async fn on_engine_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("reducto-engine".into())
        .stack_size(engine::STACK_BYTES)
        .spawn(move || {
            let _ = tx.send(work());
        })
        .map_err(|e| Failure::internal(format!("cannot start an engine thread: {e}")))?;
    rx.await.map_err(|_| Failure::internal("the engine thread panicked"))
}

/// The engine's page callback: the fault-injection delay (so tests can watch progress and
/// cancel mid-job), then progress, then whether to stop (a cancel, a shutdown, or the
/// `deadline` passed).
fn page_done(
    runner: &Runner,
    running: &Running,
    deadline: Instant,
    done: u32,
    total: u32,
) -> Result<(), Stopped> {
    *running.pages.lock().unwrap_or_else(|p| p.into_inner()) = (done, total);
    let should_stop = || should_stop(runner, running, deadline);
    let delay = runner.needs.faults.page_delay();
    let until = Instant::now() + delay;
    // Sleep in slices, so a cancel during a long delay is still prompt.
    while !should_stop() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(10)));
    }
    // Never backwards: over several documents `total` is an estimate until the last is read.
    let mut progress = running.progress.lock().unwrap_or_else(|p| p.into_inner());
    *progress = progress.max(f64::from(done) / f64::from(total.max(1)));
    drop(progress);
    if should_stop() {
        Err(Stopped)
    } else {
        Ok(())
    }
}

/// Whether a run must stop: cancelled, the server shutting down, or past its `deadline`
/// (recorded as the reason if it is the first).
fn should_stop(runner: &Runner, running: &Running, deadline: Instant) -> bool {
    if Instant::now() >= deadline {
        running.stop(StopReason::Deadline);
    } else if runner.stopping.load(Ordering::SeqCst) {
        running.stop(StopReason::Shutdown);
    }
    running.stopped().is_some()
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Refused> {
    serde_json::to_string(value).map_err(|e| Refused::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_failures_reason_is_not_shown() {
        assert!(!Failure::internal("secret path").public_reason().contains("secret"));
    }
}
