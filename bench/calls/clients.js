// The clients the bench pages compare, each pointed at the server that served the page, each
// from its esbuild bundle beside this file (bench/calls.mjs builds them), as an app ships it.

export const baseURL = location.origin;

export const clients = {
  "reducto-wasm": {
    load: async () => (await import("./reducto-wasm.js")).Reducto,
    options: { baseURL },
  },
  // The SDK insists on an API key (reducto-local started without --api-key ignores it) and on
  // being told that a browser may hold one.
  reductoai: {
    load: async () => (await import("./reductoai.js")).Reducto,
    options: { apiKey: "unused", baseURL, dangerouslyAllowBrowser: true },
  },
};

/** Imports a client's module and constructs the client. */
export async function makeClient(name) {
  const { load, options } = clients[name];
  const Reducto = await load();
  return new Reducto(options);
}

/** What a careful hand-written call does: check the status, read the JSON. */
export async function fetchJson(path, init) {
  const response = await fetch(`${baseURL}${path}`, init);
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}
