//! Time and cancellation, owned by Rust: the signal of one attempt (the caller's `AbortSignal`
//! joined with the attempt's own timeout) and waits that a signal cuts short. Timers are
//! gloo-timers' `Timeout`s, which clear themselves when dropped.

use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

/// The timer's delay in ms. setTimeout fires at once for delays beyond 2^31 - 1 ms, so a
/// longer timeout is clamped to that (about 25 days), which means never in practice.
fn timer_ms(ms: f64) -> u32 {
    ms.clamp(0.0, f64::from(i32::MAX)) as u32
}

/// Runs a callback when `signal` aborts, until dropped.
pub struct AbortListener {
    signal: AbortSignal,
    callback: Closure<dyn FnMut()>,
}

impl AbortListener {
    pub fn new(signal: &AbortSignal, on_abort: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(on_abort);
        // Adding a listener to an AbortSignal cannot fail.
        let _ = signal.add_event_listener_with_callback("abort", callback.as_ref().unchecked_ref());
        Self { signal: signal.clone(), callback }
    }
}

impl Drop for AbortListener {
    fn drop(&mut self) {
        let _ =
            self.signal.remove_event_listener_with_callback("abort", self.callback.as_ref().unchecked_ref());
    }
}

/// Why an attempt was stopped before it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The caller's signal aborted: never retried.
    Aborted,
    /// The attempt's timeout ran out: retried like a connection error.
    TimedOut,
}

/// The signal one attempt runs under: it aborts when the caller's signal does, or when the
/// attempt's timeout runs out. Dropping it clears the timer and stops listening to the caller.
pub struct AttemptSignal {
    controller: AbortController,
    caller: Option<AbortSignal>,
    _timer: Timeout,
    _forward: Option<AbortListener>,
}

impl AttemptSignal {
    pub fn new(timeout_ms: f64, caller: Option<&AbortSignal>) -> Result<Self, JsValue> {
        let controller = AbortController::new()?;
        let timer = Timeout::new(timer_ms(timeout_ms), {
            let controller = controller.clone();
            move || controller.abort()
        });
        let forward = caller.map(|caller| {
            let controller = controller.clone();
            AbortListener::new(caller, move || controller.abort())
        });
        if caller.is_some_and(AbortSignal::aborted) {
            controller.abort();
        }
        Ok(Self { controller, caller: caller.cloned(), _timer: timer, _forward: forward })
    }

    /// The signal to hand to fetch or XMLHttpRequest.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Whether, and why, the attempt has been stopped.
    pub fn stop(&self) -> Option<Stop> {
        if self.caller.as_ref().is_some_and(AbortSignal::aborted) {
            Some(Stop::Aborted)
        } else if self.controller.signal().aborted() {
            Some(Stop::TimedOut)
        } else {
            None
        }
    }
}

/// Waits `ms`, or less when `signal` aborts; says whether the whole wait passed.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> bool {
    if signal.is_some_and(AbortSignal::aborted) {
        return false;
    }
    let mut wake = None;
    let woken = Promise::new(&mut |resolve, _reject| wake = Some(resolve));
    let wake: Function = wake.expect("a Promise runs its executor at once");
    let wake_with = |wake: Function| move || drop(wake.call0(&JsValue::NULL));
    let _timer = Timeout::new(timer_ms(ms), wake_with(wake.clone()));
    let _listener = signal.map(|signal| AbortListener::new(signal, wake_with(wake.clone())));
    // The promise only resolves, so the result carries nothing.
    let _ = JsFuture::from(woken).await;
    !signal.is_some_and(AbortSignal::aborted)
}
