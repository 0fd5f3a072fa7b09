// Crash and restart test of reducto-local, on loopback. Not part of `npm test`: run it on its own,
// after a release build (target/release/reducto-local):
//
//   node bench/crash.mjs [--cycles 3] [--workers 2]
//
// One data dir (ours, so it outlives the server) and, for each cycle:
//   1. start reducto-local on it (the first time: deploy a parse-only pipeline, upload two PDFs
//      and complete a few jobs, recording their results);
//   2. start a burst of work: async and sync pipeline runs, multipart uploads and presigned PUTs,
//      small and large (20-50 MB), some at full speed and some trickled so the kill cuts them;
//   3. SIGKILL the server in the middle of it, then start it again on the same data dir and check:
//      - no *.part file is left, and every file under files/ is a whole document we sent;
//      - every job that was Completed is still Completed with the same result;
//      - every job the server accepted still exists, and all of them become final within a
//        bounded time (resumed ones finish, or fail with a reason);
//      - every upload answered with a 200 parses to its page count (and keeps doing so later);
//      - an interrupted presigned upload's file id is refused (404/409/422) or whole, never a
//        truncated success; its URL takes the bytes again after the restart, and then parses.
// Results go to bench/load.md (section "crash"); the exit code is 1 if any check failed. The data
// dir is removed on success and kept (its path printed) on failure.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { root } from "./lib.mjs";
import { waitForJob as waitUntilFinal } from "../tests/support/poll.mjs";
import { startServer } from "../tests/support/server.mjs";
import {
  call, checks, describe, machine, makePdf, mb, ms, pool, postJson, sleep, uploadMultipart, writeSection,
} from "./local.mjs";

const { values: options } = parseArgs({
  options: { cycles: { type: "string", default: "3" }, workers: { type: "string", default: "2" } },
});
const CYCLES = Number(options.cycles);
const serverFlags = ["--workers", options.workers];
const ASYNC_RUNS = 40; // per cycle, alternating the long and the short PDF
const SYNC_RUNS = 4; // per cycle, on the long PDF: in flight at the kill
// When each cycle kills (cycling through): at least `afterMs` into the burst and, if
// `afterFastUploads`, once every full-speed upload has answered (bounded by 10 s). Without it the
// kill also cuts large uploads sent at full speed, possibly between their last byte and their answer.
const KILL_PLAN = [
  { afterMs: 900, afterFastUploads: true },
  { afterMs: 250, afterFastUploads: false },
  { afterMs: 1900, afterFastUploads: true },
  { afterMs: 120, afterFastUploads: false },
];
const SETTLE_DEADLINE_MS = 180_000; // after a restart, every job must be final by then
const TRICKLE = { chunk: 64 * 1024, everyMs: 20 }; // ≈ 3 MB/s: a 20 MB body takes ≈ 6 s
const WATCHDOG_MS = 20 * 60_000;

const { log, check, failures } = checks("crash", WATCHDOG_MS, () => `; data dir kept: ${dataDir}`);

// The documents. Each has a distinct page count and distinct bytes, so a file on disk can be
// matched to the document it must be (by hash) and a parse to the page count it must give.
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
// `blob` is made once: a Blob copies its bytes, which would stall the burst at every upload.
const doc = (name, bytes, pages, extension) =>
  ({ name, bytes, blob: new Blob([bytes]), pages, extension, hash: sha256(bytes) });
log("generating documents");
const docs = {
  fixture: doc("pdflatex-4-pages.pdf", readFileSync(join(root, "tests/fixtures/pdfs/pdflatex-4-pages.pdf")), 4, "pdf"),
  long: doc("long-400.pdf", makePdf(400, { seed: 1 }), 400, "pdf"), // ≈ 0.4 s of parsing: keeps workers busy
  small: doc("small-3.pdf", makePdf(3, { seed: 2 }), 3, "pdf"),
  text: doc("note.txt", Buffer.from("A small text upload.\n".repeat(200)), 1, "txt"),
  big20: doc("big-20mb.pdf", makePdf(5, { padding: 20e6, seed: 20 }), 5, "pdf"),
  big30: doc("big-30mb.pdf", makePdf(6, { padding: 30e6, seed: 30 }), 6, "pdf"),
  big40: doc("big-40mb.pdf", makePdf(7, { padding: 40e6, seed: 40 }), 7, "pdf"),
  big50: doc("big-50mb.pdf", makePdf(8, { padding: 50e6, seed: 50 }), 8, "pdf"),
};
const docByHash = new Map(Object.values(docs).map((d) => [d.hash, d]));

// What must survive every later restart.
const completedJobs = new Map(); // job id → its result, as JSON text
const usableUploads = new Map(); // file id → the document it holds
const acceptedJobs = new Set(); // every job id the server answered with

const dataDir = mkdtempSync(join(tmpdir(), "reducto-crash-"));
const filesDir = join(dataDir, "files");
let server;
const api = (path) => `${server.url}${path}`;
const cycles = [];

/** A body that sends `bytes` slowly (TRICKLE), wrapped in a multipart envelope if asked, until `signal`. */
function trickle(bytes, signal, { prefix = Buffer.alloc(0), suffix = Buffer.alloc(0) } = {}) {
  const whole = Buffer.concat([prefix, bytes, suffix]);
  let offset = 0;
  return new ReadableStream({
    async pull(controller) {
      if (offset > 0) await sleep(TRICKLE.everyMs);
      if (signal.aborted) return controller.error(signal.reason);
      controller.enqueue(new Uint8Array(whole.subarray(offset, offset + TRICKLE.chunk)));
      offset += TRICKLE.chunk;
      if (offset >= whole.length) controller.close();
    },
  });
}

/** A multipart upload whose body trickles in (a slow network), so a kill can cut it mid-way. */
function slowMultipart(d, signal) {
  const boundary = `----crash${Math.random().toString(16).slice(2)}`;
  const prefix = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ` +
    `filename="${d.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const suffix = Buffer.from(`\r\n--${boundary}--\r\n`);
  return call(api("/upload"), {
    method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: trickle(d.bytes, signal, { prefix, suffix }), duplex: "half", signal,
  });
}

/** PUT to a presigned URL, at full speed or trickled. */
const putPresigned = (url, d, signal, slow = false) => call(url, slow
  ? { method: "PUT", body: trickle(d.bytes, signal), duplex: "half", signal }
  : { method: "PUT", body: d.blob, signal });

/** Parses a file id; { ok, response, why } where ok means a 200 with the document's page count. */
async function parses(fileId, d) {
  const response = await postJson(api("/parse"), { input: fileId });
  const pages = response.body?.usage?.num_pages;
  const ok = response.status === 200 && pages === d.pages;
  return { ok, response, why: ok ? "" : response.status === 200 ? `a 200 with ${pages} pages, not ${d.pages}` : describe(response) };
}

/** Every job the server knows, by GET /jobs pages. */
async function listJobs() {
  const jobs = [];
  let cursor = "";
  do {
    const page = await call(api(`/jobs?limit=500&exclude_configs=true${cursor ? `&cursor=${cursor}` : ""}`));
    if (page.status !== 200) throw new Error(`GET /jobs: ${describe(page)}`);
    jobs.push(...page.body.jobs);
    cursor = page.body.next_cursor ?? "";
  } while (cursor);
  return jobs;
}

/** Waits for job `id` to end (tests/support/poll.mjs); the last answer's body. */
function waitForJob(id) {
  return waitUntilFinal(async () => {
    const response = await call(api(`/job/${id}`));
    if (response.status !== 200) throw new Error(`GET /job/${id}: ${describe(response)}`);
    return response.body;
  }, { interval: 100 });
}

/** Files under `dir`, recursively, with their path relative to it. */
const walk = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath ?? entry.path, entry.name));

let pipelineId, longId, fixtureId;

/** First start: a deployed pipeline, two PDFs, and a few completed jobs to remember. */
async function setUp() {
  const created = await postJson(api("/studio/pipelines"), { name: "crash", steps: { parse: {} } });
  if (!check(created.status === 201, `create pipeline: ${describe(created)}`)) return false;
  pipelineId = created.body.id;
  const deployed = await postJson(api(`/studio/pipelines/${pipelineId}/deploy`), {});
  if (!check(deployed.status === 200, `deploy pipeline: ${describe(deployed)}`)) return false;
  for (const d of [docs.fixture, docs.long]) {
    const up = await uploadMultipart(server.url, d.bytes, d.name, { extension: d.extension });
    if (!check(up.status === 200, `upload ${d.name}: ${describe(up)}`)) return false;
    usableUploads.set(up.body.file_id, d);
    if (d === docs.fixture) fixtureId = up.body.file_id; else longId = up.body.file_id;
  }
  // Completed jobs: four async runs and one sync run; their stored results are the reference.
  const ids = [];
  for (const input of [fixtureId, longId, fixtureId, longId]) {
    const r = await postJson(api("/pipeline_async"), { input, pipeline_id: pipelineId });
    if (!check(r.status === 200, `async run: ${describe(r)}`)) return false;
    ids.push(r.body.job_id);
  }
  const sync = await postJson(api("/pipeline"), { input: fixtureId, pipeline_id: pipelineId });
  if (!check(sync.status === 200, `sync run: ${describe(sync)}`)) return false;
  ids.push(sync.body.job_id);
  for (const id of ids) {
    acceptedJobs.add(id);
    const job = await waitForJob(id);
    if (!check(job.status === "Completed", `setup job ${id} ended ${job.status}: ${job.reason}`)) return false;
    completedJobs.set(id, JSON.stringify(job.result));
  }
  return true;
}

/**
 * Starts the burst of work, kills the server in its middle, and waits for every request to
 * settle. Returns what each request got.
 */
async function burstAndKill(cycle) {
  const abort = new AbortController();
  const { signal } = abort;
  const started = performance.now();
  const uploads = []; // { kind, doc, slow, fileId?, url?, promise, response }
  const track = (entry) => {
    entry.promise = entry.promise.then((response) => (entry.response = response));
    uploads.push(entry);
  };

  // Jobs first, so the workers are busy (and some jobs queued) when the kill comes.
  const asyncRuns = Array.from({ length: ASYNC_RUNS }, (_, i) =>
    postJson(api("/pipeline_async"), { input: i % 2 ? fixtureId : longId, pipeline_id: pipelineId }, { signal }));
  const syncRuns = Array.from({ length: SYNC_RUNS }, () =>
    postJson(api("/pipeline"), { input: longId, pipeline_id: pipelineId }, { signal }));

  // Multipart uploads: small and large at full speed (they answer before the kill), large ones
  // trickled (the kill cuts them).
  for (const d of [docs.small, docs.text, docs.fixture, docs.small, docs.big20, docs.big50]) {
    track({ kind: "multipart", doc: d, slow: false, promise: uploadMultipart(server.url, d.blob, d.name, { signal }) });
  }
  for (const d of [docs.big30, docs.big40]) track({ kind: "multipart", doc: d, slow: true, promise: slowMultipart(d, signal) });

  // Presigned uploads: ask for a URL (POST /upload with no body), then PUT the bytes.
  for (const [d, slow] of [[docs.small, false], [docs.text, false], [docs.big40, false], [docs.big20, true], [docs.big50, true]]) {
    const entry = { kind: "presigned", doc: d, slow };
    entry.promise = (async () => {
      const granted = await call(api("/upload"), { method: "POST", signal });
      if (granted.status !== 200) return granted;
      entry.fileId = granted.body.file_id;
      entry.url = granted.body.presigned_url;
      return putPresigned(entry.url, d, signal, slow);
    })();
    track(entry);
  }

  // What the jobs are doing, watched until the kill (InProgress ones get cut mid-parse). It runs
  // beside the burst so that the kill never waits for it.
  let lastSeen = null; // null until the first answer (a busy server may not answer before an early kill)
  const watching = (async () => {
    while (!signal.aborted) {
      const seen = await call(api("/jobs?limit=500&exclude_configs=true"), { signal });
      if (seen.status === 200 && !signal.aborted) {
        lastSeen = { InProgress: 0, Pending: 0 };
        for (const job of seen.body.jobs) if (job.status in lastSeen) lastSeen[job.status]++;
      }
      await sleep(50);
    }
  })();

  const plan = KILL_PLAN[(cycle - 1) % KILL_PLAN.length];
  const fast = uploads.filter((u) => !u.slow);
  const waiting = () => performance.now() - started < plan.afterMs ||
    (plan.afterFastUploads && fast.some((u) => !u.response) && performance.now() - started < 10_000);
  while (waiting()) await sleep(10);
  const killedAt = performance.now() - started;
  const jobsAtKill = lastSeen;
  await server.kill9();
  abort.abort(new Error("the server was killed"));
  await watching;
  const [asyncResponses, syncResponses] = await Promise.all([Promise.all(asyncRuns), Promise.all(syncRuns)]);
  await Promise.all(uploads.map((u) => u.promise));
  log(`cycle ${cycle}: killed at ${ms(killedAt)}, ` +
    (jobsAtKill ? `${jobsAtKill.InProgress} jobs InProgress and ${jobsAtKill.Pending} Pending` : "jobs not seen yet"));
  return { killedAt, jobsAtKill, uploads, asyncResponses, syncResponses };
}

/** After a restart: the checks of the header, on what the burst before the kill got. */
async function verify(cycle, burst, figures) {
  // First, before the resumed jobs move on: how many the restart found unfinished.
  const restartedAt = performance.now();
  let jobs = await listJobs();
  figures.unfinishedAtRestart = jobs.filter((job) => job.status === "Pending" || job.status === "InProgress").length;

  // Completed jobs stay completed, with the same result.
  for (const [id, result] of completedJobs) {
    const job = await call(api(`/job/${id}`));
    check(job.status === 200 && job.body.status === "Completed" && JSON.stringify(job.body.result) === result,
      `cycle ${cycle}: job ${id} was Completed before the kill, now ${job.status === 200
        ? `${job.body.status}${job.body.status === "Completed" ? " with a different result" : ` (${job.body.reason})`}` : describe(job)}`);
  }

  // Every job the server accepted still exists; all jobs become final within the deadline.
  for (const r of [...burst.asyncResponses, ...burst.syncResponses]) {
    if (r.status === 200 && r.body?.job_id) acceptedJobs.add(r.body.job_id);
    check(r.status === 0 || r.status === 200, `cycle ${cycle}: a run before the kill answered ${describe(r)}`);
  }
  figures.accepted = burst.asyncResponses.filter((r) => r.status === 200).length;
  while (jobs.some((job) => job.status === "Pending" || job.status === "InProgress")
    && performance.now() - restartedAt < SETTLE_DEADLINE_MS) {
    await sleep(250);
    jobs = await listJobs();
  }
  figures.settledMs = performance.now() - restartedAt;
  const stuck = jobs.filter((job) => job.status === "Pending" || job.status === "InProgress");
  check(stuck.length === 0, `cycle ${cycle}: ${stuck.length} jobs still ${stuck[0]?.status} ${SETTLE_DEADLINE_MS / 1000} s ` +
    `after the restart (e.g. ${stuck[0]?.job_id})`);
  const known = new Set(jobs.map((job) => job.job_id));
  const lost = [...acceptedJobs].filter((id) => !known.has(id));
  check(lost.length === 0, `cycle ${cycle}: ${lost.length} accepted jobs are gone after the restart (e.g. ${lost[0]})`);
  figures.failedReasons = new Map();
  for (const job of jobs) {
    if (job.status === "Completed" && !completedJobs.has(job.job_id)) {
      const full = await call(api(`/job/${job.job_id}`));
      check(full.status === 200 && full.body.status === "Completed", `cycle ${cycle}: job ${job.job_id}: ${describe(full)}`);
      completedJobs.set(job.job_id, JSON.stringify(full.body.result));
    } else if (job.status === "Failed" || job.status === "Cancelled") {
      const full = await call(api(`/job/${job.job_id}`));
      const reason = full.body?.reason;
      check(typeof reason === "string" && reason.trim() !== "", `cycle ${cycle}: job ${job.job_id} failed with no reason: ${describe(full)}`);
      figures.failedReasons.set(reason, (figures.failedReasons.get(reason) ?? 0) + 1);
    }
  }
  figures.jobs = jobs.length;
  figures.completed = jobs.filter((job) => job.status === "Completed").length;

  // No scratch file survives a start (the only uploads since are our re-PUTs, below), and no file is a truncated copy of a document.
  const leftovers = walk(dataDir).filter((path) => path.endsWith(".part"));
  check(leftovers.length === 0, `cycle ${cycle}: ${leftovers.length} *.part files left after the restart: ${leftovers.join(", ")}`);
  const stored = walk(filesDir);
  const strangers = stored.filter((path) => !docByHash.has(sha256(readFileSync(path))));
  check(strangers.length === 0,
    `cycle ${cycle}: ${strangers.length} files under files/ are not a whole document we sent (truncated?): ${strangers.join(", ")}`);
  figures.files = stored.length;

  // Uploads: every 200 is a whole, usable file; an interrupted presigned upload is never a
  // truncated success, and its URL takes the bytes again.
  figures.answered = 0;
  figures.interrupted = { multipart: 0, presigned: 0 };
  figures.interruptedParse = new Map();
  figures.rePut = new Map();
  for (const u of burst.uploads) {
    const r = u.response;
    if (r.status === 200) {
      figures.answered++;
      const fileId = u.kind === "multipart" ? r.body.file_id : u.fileId;
      check(u.kind === "multipart" || r.body.file_id === u.fileId,
        `cycle ${cycle}: the PUT for ${u.fileId} answered for ${r.body.file_id}`);
      usableUploads.set(fileId, u.doc);
      continue;
    }
    check(r.status === 0, `cycle ${cycle}: a ${u.kind} upload of ${u.doc.name} answered ${describe(r)} before the kill`);
    if (r.status !== 0) continue;
    figures.interrupted[u.kind]++;
    if (u.kind !== "presigned" || !u.fileId) continue; // a cut multipart upload has no id: files/ was checked above
    const before = await parses(u.fileId, u.doc);
    const outcome = before.ok ? "whole (200)" : String(before.response.status);
    figures.interruptedParse.set(outcome, (figures.interruptedParse.get(outcome) ?? 0) + 1);
    check(before.ok || [404, 409, 422].includes(before.response.status),
      `cycle ${cycle}: interrupted presigned upload ${u.fileId} (${u.doc.name}): parse gave ${before.why}, ` +
      "not the whole document nor a 404/409/422");
    // The restart gave the claim back: the same URL takes the whole body now (or says it was used,
    // if the first PUT completed just before the kill; then the file must have been whole).
    // The URL names the port of the server that made it; this one listens on another port.
    const { pathname } = new URL(u.url);
    const again = await putPresigned(api(pathname), u.doc, new AbortController().signal);
    figures.rePut.set(again.status, (figures.rePut.get(again.status) ?? 0) + 1);
    if (again.status === 410) {
      check(before.ok, `cycle ${cycle}: presigned URL of ${u.fileId} says it was used, but the file did not parse: ${before.why}`);
      usableUploads.set(u.fileId, u.doc);
    } else if (check(again.status === 200, `cycle ${cycle}: re-PUT of interrupted presigned upload ${u.fileId} ` +
      `after the restart: ${describe(again)}`)) {
      usableUploads.set(u.fileId, u.doc);
    }
  }
  check(figures.interrupted.multipart + figures.interrupted.presigned > 0,
    `cycle ${cycle}: the kill came after every upload had finished, so no upload was interrupted (the test did not test)`);

  // Every upload that answered a 200, in this cycle or an earlier one, parses to its page count.
  const usable = [...usableUploads];
  const parsed = await pool(usable.length, 4, (i) => parses(...usable[i]));
  parsed.forEach((p, i) => check(p.ok, `cycle ${cycle}: upload ${usable[i][0]} (${usable[i][1].name}), answered 200 ` +
    `before a kill, does not parse: ${p.why}`));
  figures.usable = usable.length;

  const panics = server.stderrTail().split("\n").filter((line) => /panic/i.test(line));
  check(panics.length === 0, `cycle ${cycle}: the restarted server logged a panic: ${panics[0]}`);
}

try {
  let startedAt = performance.now();
  server = await startServer(serverFlags, { dataDir });
  log(`reducto-local at ${server.url} (pid ${server.pid}), data dir ${dataDir}`);
  if (!(await setUp())) throw new Error("setup");
  log(`set up: pipeline ${pipelineId}, ${completedJobs.size} completed jobs`);
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const burst = await burstAndKill(cycle);
    startedAt = performance.now();
    server = await startServer(serverFlags, { dataDir });
    const figures = { cycle, restartMs: performance.now() - startedAt, ...burst };
    log(`cycle ${cycle}: restarted at ${server.url} (pid ${server.pid}) in ${ms(figures.restartMs)}`);
    await verify(cycle, burst, figures);
    cycles.push(figures);
    log(`cycle ${cycle}: ${figures.unfinishedAtRestart} unfinished jobs resumed, all final after ${ms(figures.settledMs)}; ` +
      `${figures.answered} uploads answered, ${figures.interrupted.multipart + figures.interrupted.presigned} interrupted`);
  }
  // The kills must have cut jobs mid-run at least once, or resuming a running job went untested.
  check(cycles.length < CYCLES || cycles.some((c) => c.jobsAtKill?.InProgress > 0),
    "no kill came while a job was InProgress (the test did not test resuming a running job)");
} catch (error) {
  if (error.message !== "setup") check(false, `unexpected error: ${error.stack}\n${server?.stderrTail() ?? ""}`);
}
if (server) {
  const exit = await server.stop();
  check(exit.code === 0, `reducto-local did not shut down cleanly on SIGTERM (${exit.signal ?? exit.code}):\n${server.stderrTail()}`);
}

const counts = (map) => [...map].map(([key, n]) => `${key}×${n}`).join(", ") || "none";
const row = (cells) => `| ${cells.join(" | ")} |`;
const lines = [
  "## Crash and restart (`bench/crash.mjs`)",
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Command: \`node bench/crash.mjs --cycles ${CYCLES} --workers ${options.workers}\``,
  `- Machine: ${machine()}`,
  `- Server: reducto-local \`${serverFlags.join(" ")}\` (otherwise defaults), loopback, one data dir for all starts`,
  `- Each cycle: ${ASYNC_RUNS} async and ${SYNC_RUNS} sync runs of a parse-only pipeline (400-page and 4-page PDFs); ` +
    "6 multipart uploads at full speed (small, 20 MB, 50 MB) and 2 trickled (30 MB, 40 MB, ≈3 MB/s); " +
    "5 presigned PUTs (3 at full speed: small, text, 40 MB; 2 trickled: 20 MB, 50 MB); SIGKILL (odd cycles once the " +
    "full-speed uploads have answered, even cycles 250 ms / 120 ms in, cutting them too); restart on the same data dir",
  `- Result: ${failures.length === 0 ? "**all checks passed**" : `**${failures.length} checks failed**`}`,
  "",
  row(["cycle", "killed at", "jobs at the kill (InProgress / Pending)", "restart", "jobs unfinished at restart",
    "all jobs final after", "jobs (Completed / all)", "failed jobs' reasons", "uploads 200 / cut (multipart, presigned)",
    "cut presigned: parse → re-PUT", "files on disk", "uploads re-parsed"]),
  row(Array(12).fill("---")),
  ...cycles.map((c) => row([
    c.cycle, ms(c.killedAt),
    c.jobsAtKill ? `${c.jobsAtKill.InProgress} / ${c.jobsAtKill.Pending}` : "not seen yet", ms(c.restartMs), c.unfinishedAtRestart, ms(c.settledMs),
    `${c.completed} / ${c.jobs}`, counts(c.failedReasons).replaceAll("|", "\\|"),
    `${c.answered} / ${c.interrupted.multipart}, ${c.interrupted.presigned}`,
    `${counts(c.interruptedParse)} → ${counts(c.rePut)}`, c.files, `${c.usable} ok`,
  ])),
  "",
  "Checked after every restart: no `*.part` file under the data dir; every file under `files/` has the SHA-256 of a " +
    "whole document that was sent; every job Completed before (from any cycle) is Completed with the same result; every " +
    "job id the server answered with still exists, and none is Pending or InProgress after the deadline " +
    `(${SETTLE_DEADLINE_MS / 1000} s), a Failed one with a reason; every upload that answered 200 (from any cycle) parses ` +
    "to its page count; a presigned upload cut by the kill is refused (404/409/422) or whole, and its URL takes the PUT " +
    "again after the restart.",
  ...(failures.length ? ["", "Failed checks:", "", ...failures.map((f) => `- ${f.replaceAll("\n", " ")}`),
    "", `Data dir kept for inspection: \`${dataDir}\``] : []),
];
const path = writeSection("crash", lines.join("\n"));
console.log(lines.join("\n"));
console.log(`\nwritten to ${path}`);
if (failures.length === 0) rmSync(dataDir, { recursive: true, force: true });
else console.error(`crash: data dir kept: ${dataDir}`);
process.exit(failures.length === 0 ? 0 : 1);
