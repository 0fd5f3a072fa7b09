// The pages' one path to reducto-local's Studio endpoints (/studio/…): pipelines, drafts,
// deploys, versions and webhook deliveries. They are this project's own API, so the client
// package does not cover them; every Reducto API call goes through reducto-wasm instead.
import { localSettings } from "./settings.js";

/** A refused Studio call: `status` and the server's detail, validation errors listed in words. */
class StudioError extends Error {
  constructor(status, detail) {
    super(describe(detail) || `The Studio call failed with HTTP ${status}`);
    this.name = "StudioError";
    this.status = status;
    this.detail = detail;
  }
}

function describe(detail) {
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail.map((e) => `${(e.loc ?? []).filter((part) => part !== "body").join(".")}: ${e.msg}`).join("; ");
  }
  return "";
}

async function call(method, path, body) {
  const { baseURL, apiKey } = localSettings();
  const headers = { "content-type": "application/json" };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch(new URL(`/studio${path}`, baseURL), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new StudioError(response.status, data?.detail);
  return data;
}

const pipeline = (id) => `/pipelines/${encodeURIComponent(id)}`;

export const studio = {
  list: () => call("GET", "/pipelines"),
  get: (id) => call("GET", pipeline(id)),
  create: (name, steps) => call("POST", "/pipelines", { name, steps }),
  rename: (id, name) => call("PATCH", pipeline(id), { name }),
  saveDraft: (id, steps) => call("PUT", `${pipeline(id)}/draft`, { steps }),
  tryDraft: (id, input) => call("POST", `${pipeline(id)}/test`, { input }),
  deploy: (id, versionName) => call("POST", `${pipeline(id)}/deploy`, { version_name: versionName || undefined }),
  versions: (id) => call("GET", `${pipeline(id)}/versions`),
  rollback: (id, version) => call("POST", `${pipeline(id)}/rollback`, { version }),
  snippets: (id) => call("GET", `${pipeline(id)}/snippets`),
  webhookDeliveries: () => call("GET", "/webhooks"),
  exportAll: () => call("GET", "/pipelines/export"),
  importFile: (file) => call("POST", "/pipelines/import", file),
};
