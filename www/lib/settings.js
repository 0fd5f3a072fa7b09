// What the pages remember between visits, in localStorage: the API's base URL, the API key and
// the pipeline to run. The key stays in this browser: it is sent only as the client's
// Authorization header, never put in a URL.
import { Reducto } from "/pkg/index.js";

const STORAGE_KEY = "reducto-wasm.settings";

/** `{ baseURL, apiKey, pipelineId }`, defaulting to this server with no key. */
export function loadSettings() {
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}") ?? {};
  } catch {
    // A corrupt entry is forgotten rather than breaking the page.
  }
  return { baseURL: saved.baseURL || location.origin, apiKey: saved.apiKey ?? "", pipelineId: saved.pipelineId ?? "" };
}

export function saveSettings(changes) {
  const settings = { ...loadSettings(), ...changes };
  localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
  return settings;
}

/** Whether `baseURL` is this page's own reducto-local, whose Studio endpoints list pipelines. */
export function isLocal(baseURL) {
  return new URL(baseURL, location.href).origin === location.origin;
}

/** A client for the saved settings. A key typed into this page is the user's own to send. */
export function clientFor({ baseURL, apiKey }) {
  return new Reducto({ baseURL, apiKey: apiKey || undefined, dangerouslyAllowBrowser: true, maxRetries: 2 });
}
