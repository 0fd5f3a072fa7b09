//! The upload-progress path of the transport: `fetch` cannot report how much of a request body
//! was sent, so a request with an `onProgress` callback goes through XMLHttpRequest instead.
//! Everything else (headers, timeouts, retries, errors) stays in `transport`.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ProgressEvent, XmlHttpRequest};

use crate::transport::{Body, RawResponse};

/// Sends one request; `Err(())` when no response came (network error or abort).
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &Body,
    signal: &AbortSignal,
    on_progress: &Function,
    total: f64,
) -> Result<RawResponse, ()> {
    let xhr = XmlHttpRequest::new().map_err(drop)?;
    xhr.open_with_async(method, url, true).map_err(drop)?;
    for (name, value) in headers {
        xhr.set_request_header(name, value).map_err(drop)?;
    }
    let finished = Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    // The callback sees bytes of the file, not of the multipart envelope around it.
    let on_progress = on_progress.clone();
    let report = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        let progress = Object::new();
        let _ = Reflect::set(&progress, &"loaded".into(), &event.loaded().min(total).into());
        let _ = Reflect::set(&progress, &"total".into(), &total.into());
        let _ = on_progress.call1(&JsValue::NULL, &progress);
    });
    let upload = xhr.upload().map_err(drop)?;
    upload.set_onprogress(Some(report.as_ref().unchecked_ref()));
    let abort: Function = Reflect::get(&xhr, &"abort".into()).map_err(drop)?.unchecked_into::<Function>();
    let abort: Function = abort.bind0(&xhr).unchecked_into();
    let _ = signal.add_event_listener_with_callback("abort", &abort);

    let sent = match body {
        Body::Empty => xhr.send(),
        Body::Json(json) => xhr.send_with_opt_str(Some(json)),
        Body::Form(form) => xhr.send_with_opt_form_data(Some(form)),
        Body::Blob(blob) => xhr.send_with_opt_blob(Some(blob)),
    };
    let outcome = match sent {
        Ok(()) => JsFuture::from(finished).await.map(drop).map_err(drop),
        Err(_) => Err(()),
    };
    let _ = signal.remove_event_listener_with_callback("abort", &abort);
    upload.set_onprogress(None);
    outcome?;

    let headers = xhr
        .get_all_response_headers()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Ok(RawResponse {
        status: xhr.status().unwrap_or(0),
        status_text: xhr.status_text().unwrap_or_default(),
        headers,
        text: xhr.response_text().ok().flatten().unwrap_or_default(),
    })
}
