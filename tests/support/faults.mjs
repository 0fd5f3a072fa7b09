// The fault-injection API of a reducto-local started with `--enable-faults` (docs/server.md, "Faults,
// for tests"; server/src/faults.rs), for the JS tests: slow the engine down, script the next
// answers of a route, read the log of what arrived. `headers` carries the key of a keyed server.
import assert from "node:assert/strict";

async function control(serverUrl, method, path, body, headers = {}) {
  const response = await fetch(`${serverUrl}/_faults${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${method} /_faults${path}: ${text}`);
  return JSON.parse(text);
}

/** Makes the server's engine take `ms` more per page; 0 takes the delay away. */
export function setPageDelay(serverUrl, ms, headers) {
  return control(serverUrl, "POST", "/engine", { page_delay_ms: ms }, headers);
}

/** Queues scripted `responses` for the next `method` requests to exactly `path`. */
export function scriptResponses(serverUrl, method, path, responses, headers) {
  return control(serverUrl, "POST", "", { method, path, responses }, headers);
}

/** The requests that reached the API since the last reset: `{ method, path, query, at_ms,
 * headers, content_length, faulted }`, credentials' values redacted. */
export function faultLog(serverUrl, headers) {
  return control(serverUrl, "GET", "/requests", undefined, headers);
}

/** Clears the scripted answers, the log and the engine's delay. */
export function resetFaults(serverUrl, headers) {
  return control(serverUrl, "DELETE", "", undefined, headers);
}
