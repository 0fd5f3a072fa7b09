// The platform side of reducto-wasm: the browser APIs that work through events and callbacks
// (fetch with an AbortController, XMLHttpRequest for upload progress, timers), reading a
// response body, and what the runtime says about itself (Node's environment, a page or not).
// They are a few lines here and would be kilobytes of bindings in wasm. Nothing here decides
// anything: what to send, whether to retry, how long to wait and which error to throw are
// decided in Rust (src/transport.rs, src/retry.rs, src/errors.rs).

/**
 * One HTTP attempt. With `onProgress`, it reports `{ loaded, total }` as the body is sent.
 * Resolves with `{ status, statusText, headers, text, body }` once the whole body is read
 * (`headers`: an object with lower-case names; `body`: the text parsed as JSON, the text itself
 * when it is not JSON, null when it is empty), or, when no response came, with
 * `{ failure, message }`: `failure` is "timeout" when `timeoutMs` ran out, "aborted" when the
 * caller's `signal` fired, "connection" otherwise. Never rejects.
 */
export async function attempt(method, url, headers, body, timeoutMs, signal, onProgress, total) {
  const controller = new AbortController();
  // setTimeout fires at once for delays beyond 2^31 - 1 ms: clamp, so a huge timeout means never.
  const timer = setTimeout(() => controller.abort("timeout"), Math.min(timeoutMs, 2 ** 31 - 1));
  const forward = () => controller.abort("aborted");
  signal?.addEventListener("abort", forward);
  if (signal?.aborted) forward();
  // Node.js has no XMLHttpRequest: there the body goes by fetch, and progress comes once, at the end.
  const send = onProgress && typeof XMLHttpRequest === "function" ? sendWithProgress : sendWithFetch;
  try {
    return await send(method, url, headers, body, controller.signal, onProgress, total);
  } catch (error) {
    const { aborted, reason } = controller.signal;
    return { failure: aborted ? reason : "connection", message: String(error?.message ?? error) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", forward);
  }
}

async function sendWithFetch(method, url, headers, body, signal, onProgress, total) {
  const response = await fetch(url, { method, headers, body, signal });
  onProgress?.({ loaded: total, total });
  const text = await response.text();
  return read(response.status, response.statusText, Object.fromEntries(response.headers), text);
}

function read(status, statusText, headers, text) {
  let body = null;
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status, statusText, headers, text, body };
}

// fetch cannot report how much of a request body was sent; XMLHttpRequest can. `total` is the
// size of the file, and the progress counts its bytes, not those of a multipart envelope.
function sendWithProgress(method, url, headers, body, signal, onProgress, total) {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress({ loaded: Math.min(event.loaded, total), total });
    const abort = () => xhr.abort();
    signal.addEventListener("abort", abort);
    xhr.onloadend = () => {
      signal.removeEventListener("abort", abort);
      if (xhr.status === 0) return reject(new Error("the connection failed")); // no response came
      const headers = {};
      for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve(read(xhr.status, xhr.statusText, headers, xhr.responseText));
    };
    xhr.send(body);
  });
}

/** Waits `ms`; resolves with false, early, when `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (slept) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", aborted);
      resolve(slept);
    };
    const aborted = () => done(false);
    const timer = setTimeout(() => done(true), Math.min(ms, 2 ** 31 - 1));
    signal?.addEventListener("abort", aborted);
  });
}

/** `process.env[name]` in Node.js when set and not empty; undefined elsewhere. */
export function environmentVariable(name) {
  return globalThis.process?.env?.[name] || undefined;
}

/** True in a page (a `document` exists); false in Node.js and workers. */
export function inPage() {
  return typeof document === "object";
}
