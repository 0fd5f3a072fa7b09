//! Timers that work in pages, workers and Node.js: an abortable `sleep` for retry waits and
//! job polling, and the raw `setTimeout` used for per-attempt timeouts.

use js_sys::futures::JsFuture;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);
}

/// `setTimeout` fires at once for delays beyond 2^31 - 1 ms; clamp so a huge timeout means "never".
pub fn clamp_delay(ms: f64) -> f64 {
    ms.clamp(0.0, i32::MAX as f64)
}

/// Waits `ms`; resolves early with `Err(())` when `signal` aborts.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), ()> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(());
    }
    let (mut timer, mut on_abort) = (JsValue::UNDEFINED, None);
    let done = Promise::new(&mut |resolve, reject| {
        timer = set_timeout(&resolve, clamp_delay(ms));
        if let Some(signal) = signal {
            let _ = signal.add_event_listener_with_callback("abort", &reject);
            on_abort = Some(reject);
        }
    });
    let outcome = JsFuture::from(done).await;
    clear_timeout(&timer);
    if let (Some(signal), Some(on_abort)) = (signal, on_abort) {
        let _ = signal.remove_event_listener_with_callback("abort", &on_abort);
    }
    outcome.map(drop).map_err(drop)
}
