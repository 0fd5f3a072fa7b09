//! How a request's body comes in: the outermost layer wraps every body so that
//!
//! - **it must keep coming.** A body has `--body-timeout-secs` to arrive, plus one second for
//!   each [`MIN_BODY_RATE`] bytes it has sent: a real upload at any ordinary speed never meets
//!   the limit, while a sender that trickles a byte now and then loses its request when the
//!   grace is spent, instead of holding one of the `--max-concurrent-requests` slots for as
//!   long as it likes (hyper's idle timeout alone would never fire for it).
//! - **an early refusal is still an answer.** A request refused before its body is read (a
//!   wrong key, a foreign origin, too large, the wrong type) leaves the client still sending.
//!   Were the server to close the connection then, the client's next write would meet a reset
//!   and it would report a network failure, not the 401. So a body dropped unread is read to
//!   its end in the background and discarded, up to the largest body the server accepts, under
//!   the same rate rule and while it keeps coming (a client that stopped sending has read the
//!   answer, and its connection is let go after [`DRAIN_IDLE`]). A client that
//!   asked `Expect: 100-continue` was never told to send, so nothing is read for it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, EXPECT};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::time::{Instant, Sleep};

use crate::state::AppState;

/// The slowest average rate, in bytes per second, at which a body may arrive once its grace
/// (`--body-timeout-secs`) is spent: 64 KB/s, a slow mobile uplink.
pub const MIN_BODY_RATE: u64 = 64 * 1024;

/// How long a refused body being drained may send nothing before its connection is let go.
const DRAIN_IDLE: Duration = Duration::from_secs(2);

/// Wraps the request's body in an [`Intake`].
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let config = &state.config;
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let waits_for_continue =
        req.headers().get(EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    // A body larger than any the server accepts is not worth reading only to discard it.
    let drain_limit = config.max_body_bytes();
    let drain = !waits_for_continue && declared.is_none_or(|length| length <= drain_limit);
    let (parts, body) = req.into_parts();
    let intake = Intake::new(body, config.body_timeout, drain.then_some(drain_limit));
    next.run(Request::from_parts(parts, Body::new(intake))).await
}

/// A request body under the rate rule, drained when dropped unread.
struct Intake {
    /// `None` once given to the drain.
    inner: Option<Body>,
    started: Instant,
    received: u64,
    grace: Duration,
    /// Wakes the body's reader when the deadline passes, so a silent sender is noticed.
    alarm: Pin<Box<Sleep>>,
    /// How much of a dropped body to read and discard, if any.
    drain_limit: Option<u64>,
    ended: bool,
}

/// The body did not arrive as fast as the rate rule asks.
#[derive(Debug)]
pub struct TooSlow {
    received: u64,
    seconds: u64,
}

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the request body arrived too slowly ({} bytes in {} s; after --body-timeout-secs, \
             a body must keep an average of {} KB/s)",
            self.received,
            self.seconds,
            MIN_BODY_RATE / 1024
        )
    }
}

impl std::error::Error for TooSlow {}

impl Intake {
    fn new(inner: Body, grace: Duration, drain_limit: Option<u64>) -> Intake {
        let started = Instant::now();
        Intake {
            inner: Some(inner),
            started,
            received: 0,
            grace,
            alarm: Box::pin(tokio::time::sleep_until(started + grace)),
            drain_limit,
            ended: false,
        }
    }

    fn deadline(&self) -> Instant {
        self.started + self.grace + Duration::from_secs_f64(self.received as f64 / MIN_BODY_RATE as f64)
    }
}

impl HttpBody for Intake {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let Some(inner) = this.inner.as_mut() else { return Poll::Ready(None) };
        match Pin::new(inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => {
                this.ended = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Pending => {
                let deadline = this.deadline();
                this.alarm.as_mut().reset(deadline);
                match this.alarm.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        let seconds = this.started.elapsed().as_secs();
                        Poll::Ready(Some(Err(axum::Error::new(TooSlow { received: this.received, seconds }))))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended || self.inner.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.as_ref().map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for Intake {
    fn drop(&mut self) {
        let Some(limit) = self.drain_limit else { return };
        if self.is_end_stream() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let rest = Intake {
            inner: self.inner.take(),
            started: self.started,
            received: self.received,
            grace: self.grace,
            alarm: Box::pin(tokio::time::sleep_until(self.deadline())),
            drain_limit: None,
            ended: false,
        };
        runtime.spawn(async move {
            let mut rest = rest;
            // Ends at the body's end, an error (a reset, or too slow), a pause, or the limit.
            while let Ok(Some(Ok(_))) = tokio::time::timeout(DRAIN_IDLE, rest.frame()).await {
                if rest.received > limit {
                    break;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    #[tokio::test(start_paused = true)]
    async fn a_trickling_body_fails_once_its_grace_is_spent() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
        let body = Body::from_stream(tokio_stream_of(rx));
        let mut intake = Intake::new(body, Duration::from_secs(5), None);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(2)).await;
                if tx.send(Ok(Bytes::from_static(b"x"))).await.is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let error = loop {
            match intake.frame().await {
                Some(Ok(_)) => continue,
                Some(Err(e)) => break e,
                None => panic!("the body ended"),
            }
        };
        assert!(error.to_string().contains("arrived too slowly (2 bytes in 5 s"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(6));
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_at_the_minimum_rate_is_never_cut_off() {
        let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![0u8; MIN_BODY_RATE as usize])));
        let paced = stream::iter(chunks).then(|chunk| async move {
            tokio::time::sleep(Duration::from_millis(990)).await;
            chunk
        });
        let body = Body::from_stream(paced);
        let mut intake = Intake::new(body, Duration::from_secs(1), None);
        let mut received = 0;
        while let Some(frame) = intake.frame().await {
            received += frame.unwrap().into_data().unwrap().len() as u64;
        }
        assert_eq!(received, 20 * MIN_BODY_RATE);
    }

    fn tokio_stream_of(
        mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
        stream::poll_fn(move |cx| rx.poll_recv(cx))
    }

    use futures_util::StreamExt;
}
