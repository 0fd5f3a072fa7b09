//! The upload-progress path of the transport: `fetch` cannot report how much of a request body
//! was sent, so a request with an `onProgress` callback goes through XMLHttpRequest instead.
//! Everything else (headers, timeouts, retries, errors) stays in `transport`.

use alloc::string::String;

use js_sys::futures::JsFuture;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, ProgressEvent, XmlHttpRequest};

use crate::transport::RawResponse;

const NO_CONNECTION: &str = "the connection failed";

/// Sends one request; `Err` when no response came (network error or abort).
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &JsValue,
    signal: &AbortSignal,
    on_progress: &Function,
    total: f64,
) -> Result<RawResponse, String> {
    let failed = |_| String::from(NO_CONNECTION);
    let xhr = XmlHttpRequest::new().map_err(failed)?;
    xhr.open_with_async(method, url, true).map_err(failed)?;
    for (name, value) in headers {
        xhr.set_request_header(name, value).map_err(failed)?;
    }
    // `loadend` follows every outcome: load, error and abort.
    let finished = Promise::new(&mut |resolve, _| {
        let _ = xhr.add_event_listener_with_callback("loadend", &resolve);
    });
    // The callback sees bytes of the file, not of the multipart envelope around it.
    let on_progress = on_progress.clone();
    let report = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        let progress = Object::new();
        let _ = Reflect::set(&progress, &"loaded".into(), &event.loaded().min(total).into());
        let _ = Reflect::set(&progress, &"total".into(), &total.into());
        let _ = on_progress.call1(&JsValue::NULL, &progress);
    });
    let upload = xhr.upload().map_err(failed)?;
    let _ = upload.add_event_listener_with_callback("progress", report.as_ref().unchecked_ref());
    let abort: Function = Reflect::get(&xhr, &"abort".into()).map_err(failed)?.unchecked_into();
    let abort: Function = abort.bind0(&xhr).unchecked_into();
    let _ = signal.add_event_listener_with_callback("abort", &abort);

    // `send` takes every kind of body (string, FormData, Blob, none) through one call.
    let send: Function = Reflect::get(&xhr, &"send".into()).map_err(failed)?.unchecked_into();
    let sent = send.call1(&xhr, body);
    if sent.is_ok() {
        let _ = JsFuture::from(finished).await;
    }
    let _ = signal.remove_event_listener_with_callback("abort", &abort);
    let _ = upload.remove_event_listener_with_callback("progress", report.as_ref().unchecked_ref());
    // Status 0: no response came (network error or abort).
    let status = xhr.status().unwrap_or(0);
    if sent.is_err() || status == 0 {
        return Err(NO_CONNECTION.into());
    }
    let headers = xhr
        .get_all_response_headers()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().into()))
        .collect();
    Ok(RawResponse {
        status,
        status_text: xhr.status_text().unwrap_or_default(),
        headers,
        text: xhr.response_text().ok().flatten().unwrap_or_default(),
    })
}
