// Helpers for the load and crash scripts (bench/load.mjs, bench/crash.mjs): memory samples of
// the server, timed JSON calls, generated documents, and bench/load.md, which both scripts write
// into (each its own section).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { root } from "./lib.mjs";

/**
 * A script's checks: `check(ok, message)` records and logs a failure and gives back `ok`;
 * `failures` lists them; `log` writes to stderr under the script's `name`. After `giveUpMs`
 * the script exits with a message (plus `whatIsKept()`), so it can never hang.
 */
export function checks(name, giveUpMs, whatIsKept = () => "") {
  const log = (message) => console.error(`${name}: ${message}`);
  const failures = [];
  const check = (ok, message) => {
    if (!ok) {
      failures.push(message);
      log(`FAIL ${message}`);
    }
    return ok;
  };
  setTimeout(() => {
    console.error(`${name}: gave up after ${giveUpMs / 60_000} min${whatIsKept()}`);
    process.exit(1);
  }, giveUpMs).unref();
  return { log, check, failures };
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes; null once it is gone. */
export function memoryOf(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** Samples a process's RSS every `everyMs`; `peak()` is the highest sample since the last `reset()`. */
export function sampleMemory(pid, everyMs = 50) {
  let peak = 0, overall = 0;
  const sample = () => {
    const memory = memoryOf(pid);
    if (memory) {
      peak = Math.max(peak, memory.rss);
      overall = Math.max(overall, memory.rss);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peak: () => (sample(), peak),
    overall: () => (sample(), overall),
    reset: () => { peak = 0; sample(); },
    stop: () => clearInterval(timer),
  };
}

/**
 * One HTTP call, timed; never throws. { status, ms, body (parsed JSON when it is JSON), text,
 * error (a network failure: status 0) }.
 */
export async function call(url, init = {}, timeoutMs = 120_000) {
  const started = performance.now();
  const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { ...init, signal });
    const text = await response.text();
    let body = null;
    try { body = JSON.parse(text); } catch { /* not JSON: keep the text */ }
    return { status: response.status, ms: performance.now() - started, body, text, headers: response.headers };
  } catch (error) {
    const cause = error.cause ? `: ${error.cause.code ?? error.cause.message ?? error.cause}` : "";
    return { status: 0, ms: performance.now() - started, error: `${error.message}${cause}` };
  }
}

/** A JSON POST (the server answers 415 to JSON without this content type). */
export const postJson = (url, value, init = {}) =>
  call(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(value), ...init });

/** A multipart upload of `bytes` (a Buffer or a Blob) as field `file`. */
export function uploadMultipart(baseUrl, bytes, filename, { extension, signal } = {}) {
  const form = new FormData();
  form.append("file", bytes instanceof Blob ? bytes : new Blob([bytes]), filename);
  const query = extension ? `?extension=${extension}` : "";
  return call(`${baseUrl}/upload${query}`, { method: "POST", body: form, signal });
}

/** What a failed call was, for messages: `502 {"detail":…}` or the network error. */
export const describe = (response) =>
  response.status === 0 ? `network error (${response.error})` : `${response.status} ${(response.text ?? "").slice(0, 300)}`;

/** Runs `task(i)` for i in 0..count with at most `limit` at once; results in order. */
export async function pool(count, limit, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ms = (value) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

const words = ("invoice total amount due customer order shipment payment terms account balance " +
  "quarter revenue report section summary table figure appendix reference number date").split(" ");

/**
 * A plain PDF (Helvetica, uncompressed text layer) of `pages` pages, optionally with an
 * unreferenced stream of `padding` filler bytes so it is large without being long to parse
 * (like a scan's image would be). `seed` makes the bytes of two documents differ.
 */
export function makePdf(pages, { padding = 0, seed = 0 } = {}) {
  const chunks = [];
  let length = 0;
  const offsets = [];
  const push = (part) => {
    const bytes = typeof part === "string" ? Buffer.from(part, "latin1") : part;
    chunks.push(bytes);
    length += bytes.length;
  };
  const object = (id, ...parts) => {
    offsets[id] = length;
    push(`${id} 0 obj\n`);
    parts.forEach(push);
    push("\nendobj\n");
  };
  push("%PDF-1.4\n");
  // 1: catalog, 2: pages, 3: font, then a content stream and a page per page, then the padding.
  const pageIds = Array.from({ length: pages }, (_, i) => 5 + i * 2);
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages} >>`);
  object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (let page = 1; page <= pages; page++) {
    const lines = [`BT /F1 16 Tf 72 740 Td (Page ${page} of ${pages} doc ${seed}) Tj ET`];
    for (let line = 0; line < 40; line++) {
      const text = Array.from({ length: 11 }, (_, i) => words[(page * 7 + line * 3 + i + seed) % words.length]);
      lines.push(`BT /F1 11 Tf 72 ${710 - line * 16} Td (${text.join(" ")}) Tj ET`);
    }
    const stream = lines.join("\n");
    const content = 4 + (page - 1) * 2;
    object(content, `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
    object(content + 1, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] ` +
      `/Resources << /Font << /F1 3 0 R >> >> /Contents ${content} 0 R >>`);
  }
  let size = 4 + pages * 2;
  if (padding > 0) {
    const filler = Buffer.alloc(padding);
    // Cheap pseudo-random bytes (xorshift), so the file does not compress to nothing on the way.
    let x = (seed * 2654435761 + 1) >>> 0 || 1;
    for (let i = 0; i < padding; i += 4) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      filler.writeUInt32LE(x, Math.min(i, padding - 4));
    }
    object(size, `<< /Length ${padding} >>\nstream\n`, filler, "\nendstream");
    size++;
  }
  const xref = length;
  push(`xref\n0 ${size}\n0000000000 65535 f \n`);
  for (let id = 1; id < size; id++) push(`${String(offsets[id]).padStart(10, "0")} 00000 n \n`);
  push(`trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks, length);
}

/** A description of the machine, for the report. */
export function machine() {
  return `${availableParallelism()} cores (${cpus()[0]?.model?.trim() ?? "unknown CPU"}), ` +
    `${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Node ${process.version}`;
}

/**
 * Replaces this script's section of bench/load.md (between its markers), keeping the other
 * script's section, so `load` and `crash` each overwrite only their own last run.
 */
export function writeSection(name, markdown) {
  const path = join(root, "bench/load.md");
  const begin = `<!-- ${name}:begin -->`, end = `<!-- ${name}:end -->`;
  const header = "# reducto-local under load and crashes\n\n" +
    "Written by `node bench/load.mjs`, `node bench/crash.mjs` and `node bench/ocr-memory.mjs`; each run replaces its own section.\n";
  let text = existsSync(path) ? readFileSync(path, "utf8") : header;
  const section = `${begin}\n${markdown.trim()}\n${end}`;
  const at = text.indexOf(begin), to = text.indexOf(end);
  if (at >= 0 && to > at) text = text.slice(0, at) + section + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, text);
  return path;
}
