// Webhook deliveries of async jobs as a table: when, which job, where to, its state, attempts and
// the receiver's last answer. Shown by the Studio and by webhooks.html.
import { el } from "./dom.js";

export function deliveriesTable(deliveries) {
  if (deliveries.length === 0) return el("p", { className: "muted" }, "No webhook deliveries yet.");
  const headers = ["When", "Job", "URL", "State", "Attempts", "Last answer", "Payload"];
  const rows = deliveries.map((d) => el("tr", {},
    el("td", {}, new Date(d.updated_at).toLocaleString()),
    el("td", {}, el("code", {}, d.job_id)),
    el("td", {}, d.url ?? `(${d.mode})`),
    el("td", { className: d.state }, d.state),
    el("td", {}, String(d.attempts)),
    el("td", {}, d.last_error ?? (d.last_status ? `HTTP ${d.last_status}` : "")),
    el("td", {}, el("code", {}, JSON.stringify(d.payload)))));
  return el("table", { className: "deliveries" },
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows));
}
