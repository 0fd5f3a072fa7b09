// What the pages remember between visits, in localStorage: the API's base URL, the API key and
// the pipeline to run. The key stays in this browser: it is sent only as the client's
// Authorization header, never put in a URL.
import { Reducto } from "/pkg/index.js";

const STORAGE_KEY = "reducto-wasm.settings";

/** What was saved, as saved. */
function saved() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}") ?? {};
  } catch {
    return {}; // a corrupt entry is forgotten rather than breaking the page
  }
}

/** `{ baseURL, apiKey, pipelineId }`, defaulting to this server with no key. */
export function loadSettings() {
  const { baseURL, apiKey, pipelineId } = saved();
  return { baseURL: baseURL || location.origin, apiKey: apiKey ?? "", pipelineId: pipelineId ?? "" };
}

/** Saves `changes` over what was saved (defaults are never saved) and returns the settings. */
export function saveSettings(changes) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...saved(), ...changes }));
  return loadSettings();
}

/**
 * The settings for this page's own reducto-local (the Studio endpoints live only there): its
 * origin, and the saved key only when it was saved for this server, so a cloud key never goes
 * to a local server.
 */
export function localSettings() {
  const { baseURL, apiKey } = loadSettings();
  return { baseURL: location.origin, apiKey: isLocal(baseURL) ? apiKey : "" };
}

/** Whether `baseURL` is this page's own reducto-local, whose Studio endpoints list pipelines. */
export function isLocal(baseURL) {
  return new URL(baseURL, location.href).origin === location.origin;
}

/** A client for the saved settings. A key typed into this page is the user's own to send. */
export function clientFor({ baseURL, apiKey }) {
  return new Reducto({ baseURL, apiKey: apiKey || undefined, dangerouslyAllowBrowser: true, maxRetries: 2 });
}
