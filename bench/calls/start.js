// Module start page, loaded fresh for each measurement (`start.html?client=…`): from starting
// the client's import to its first answer of `GET /version` (`apiVersion()`), with the import
// alone and the moment the request went out. `client=fetch` is the floor: the same request by
// hand, with nothing to load. Sets `window.startTimes` (ms) or `window.startError`.
import { baseURL, clients, fetchJson } from "./clients.js";

const name = new URLSearchParams(location.search).get("client");

try {
  if (name !== "fetch" && !(name in clients)) throw new Error(`unknown client ${name}`);
  const started = performance.now();
  const Reducto = name === "fetch" ? null : await clients[name].load();
  const imported = performance.now();
  const version = Reducto ? await new Reducto(clients[name].options).apiVersion() : await fetchJson("/version");
  const answered = performance.now();
  if (typeof version !== "string") throw new Error(`GET /version gave ${JSON.stringify(version)}`);
  // Resource Timing says when the request went out, on the same clock as performance.now().
  const request = performance.getEntriesByType("resource").find((entry) => entry.name === `${baseURL}/version`);
  window.startTimes = {
    imported: imported - started,
    sent: request ? request.requestStart - started : NaN,
    answered: answered - started,
  };
} catch (error) {
  window.startError = String(error?.stack ?? error);
}
