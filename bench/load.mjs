// Load and soak test of reducto-local, on loopback. Not part of `npm test`: run it on its own,
// after a release build (target/release/reducto-local):
//
//   node bench/load.mjs [--workers 2] [--rounds 3]
//
// One server, one deployed parse-only pipeline, one uploaded 4-page PDF. Each round:
//   1. 200 concurrent sync pipeline runs (POST /pipeline): every one a 200 with the 4 pages;
//   2. 200 concurrent async runs (POST /pipeline_async), then GET /job/{id} until every job is
//      final (bounded): every job accepted and Completed;
//   3. 1,000 uploads, 50 at a time (generated text files and the PDF): every one a 200, and a
//      sample of them parses.
// The server's RSS is sampled all along (/proc/<pid>/status); several rounds show whether memory
// keeps growing (the soak). Results go to bench/load.md (section "load"); the exit code is 1 if
// any check failed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { percentile, root } from "./lib.mjs";
import { startServer } from "../tests/support/server.mjs";
import {
  call, checks, describe, machine, mb, memoryOf, ms, pool, postJson, sampleMemory, sleep, uploadMultipart, writeSection,
} from "./local.mjs";

const { values: options } = parseArgs({
  options: { workers: { type: "string", default: "2" }, rounds: { type: "string", default: "3" } },
});
const ROUNDS = Number(options.rounds);
const RUNS = 200; // concurrent sync runs, then concurrent async runs
const UPLOADS = 1000;
const UPLOADS_AT_ONCE = 50;
const ASYNC_DEADLINE_MS = 120_000; // every async job must be final by then
const WATCHDOG_MS = 15 * 60_000; // the whole script, so it can never hang
const PDF_PAGES = 4;
const serverFlags = ["--workers", options.workers, "--max-queued-jobs", "1000"];

const { log, check, failures } = checks("load", WATCHDOG_MS);

/** Counts of each status: "200×198, 0×2". */
const statusCounts = (responses) => {
  const counts = new Map();
  for (const r of responses) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(", ");
};
/** Fails the check for every 5xx, network error and (when `expectOk`) any other non-200. */
const checkStatuses = (what, responses) => {
  const bad = responses.filter((r) => r.status !== 200);
  const serverErrors = bad.filter((r) => r.status === 0 || r.status >= 500);
  check(serverErrors.length === 0,
    `${what}: ${serverErrors.length} 5xx or network errors (${statusCounts(responses)}); first: ${describe(serverErrors[0] ?? {})}`);
  // The queue (--max-queued-jobs 1000) and --max-concurrent-requests (256) fit every request,
  // so a 429 or any other refusal is a failure too.
  const refused = bad.filter((r) => r.status > 0 && r.status < 500);
  check(refused.length === 0,
    `${what}: ${refused.length} refused (${statusCounts(responses)}); first: ${describe(refused[0] ?? {})}`);
};
const latency = (responses) => {
  const times = responses.map((r) => r.ms);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: Math.max(...times) };
};

const server = await startServer(serverFlags);
const memory = sampleMemory(server.pid);
const api = (path) => `${server.url}${path}`;
const versionResponse = await call(api("/version"));
const version = versionResponse.body ?? versionResponse.text; // a JSON string, "reducto-local 0.1.0"
log(`${version} at ${server.url}, pid ${server.pid}, ${serverFlags.join(" ")}`);

const rounds = [];
try {
  // Setup: a parse-only pipeline, deployed, and the PDF every run reads.
  const created = await postJson(api("/studio/pipelines"), { name: "load", steps: { parse: {} } });
  if (!check(created.status === 201 && created.body?.id, `create pipeline: ${describe(created)}`)) throw new Error("setup");
  const pipelineId = created.body.id;
  const deployed = await postJson(api(`/studio/pipelines/${pipelineId}/deploy`), {});
  if (!check(deployed.status === 200, `deploy pipeline: ${describe(deployed)}`)) throw new Error("setup");
  const pdf = readFileSync(join(root, "tests/fixtures/pdfs/pdflatex-4-pages.pdf"));
  const uploaded = await uploadMultipart(server.url, pdf, "pdflatex-4-pages.pdf", { extension: "pdf" });
  if (!check(uploaded.status === 200 && uploaded.body?.file_id, `upload the PDF: ${describe(uploaded)}`)) throw new Error("setup");
  const run = { input: uploaded.body.file_id, pipeline_id: pipelineId };
  const pagesOf = (result) => result?.result?.parse?.usage?.num_pages;

  for (let round = 1; round <= ROUNDS; round++) {
    const figures = { round };

    // 1. Sync runs, all at once: each holds its request until its job is done.
    log(`round ${round}: ${RUNS} concurrent sync runs`);
    memory.reset();
    let started = performance.now();
    const sync = await Promise.all(Array.from({ length: RUNS }, () => postJson(api("/pipeline"), run)));
    figures.sync = { wall: performance.now() - started, ...latency(sync), statuses: statusCounts(sync), peak: memory.peak() };
    checkStatuses(`round ${round} sync runs`, sync);
    const wrongPages = sync.filter((r) => r.status === 200 && pagesOf(r.body) !== PDF_PAGES);
    check(wrongPages.length === 0,
      `round ${round} sync runs: ${wrongPages.length} answers without the ${PDF_PAGES} pages; first: ${wrongPages[0]?.text.slice(0, 300)}`);

    // 2. Async runs, all at once, then poll every job until it is final.
    log(`round ${round}: ${RUNS} concurrent async runs`);
    memory.reset();
    started = performance.now();
    const submitted = await Promise.all(Array.from({ length: RUNS }, () => postJson(api("/pipeline_async"), run)));
    const acceptedAt = performance.now();
    checkStatuses(`round ${round} async submissions`, submitted);
    const jobs = submitted.filter((r) => r.status === 200 && r.body?.job_id).map((r) => ({ id: r.body.job_id }));
    let pending = jobs;
    while (pending.length > 0 && performance.now() - started < ASYNC_DEADLINE_MS) {
      const polled = await pool(pending.length, 50, (i) => call(api(`/job/${pending[i].id}`)));
      polled.forEach((response, i) => {
        const job = pending[i];
        if (response.status !== 200) job.pollError = describe(response);
        else if (response.body.status !== "Pending") {
          job.status = response.body.status;
          job.reason = response.body.reason;
          job.pages = pagesOf(response.body.result);
          job.doneMs = performance.now() - started;
        }
      });
      const pollErrors = pending.filter((job) => job.pollError);
      if (!check(pollErrors.length === 0, `round ${round}: GET /job failed: ${pollErrors[0]?.pollError}`)) break;
      pending = pending.filter((job) => !job.status);
      if (pending.length > 0) await sleep(100);
    }
    const drained = performance.now() - started;
    check(pending.length === 0,
      `round ${round} async runs: ${pending.length} of ${jobs.length} jobs still Pending after ${ASYNC_DEADLINE_MS / 1000} s (e.g. ${pending[0]?.id})`);
    const notCompleted = jobs.filter((job) => job.status && (job.status !== "Completed" || job.pages !== PDF_PAGES));
    check(notCompleted.length === 0,
      `round ${round} async runs: ${notCompleted.length} jobs ended ${notCompleted[0]?.status} ` +
      `(${notCompleted[0]?.reason ?? `${notCompleted[0]?.pages} pages`}), e.g. job ${notCompleted[0]?.id}`);
    figures.async = {
      accept: acceptedAt - started, ...latency(submitted), statuses: statusCounts(submitted), drained,
      jobs: jobs.length, completed: jobs.filter((job) => job.status === "Completed").length, peak: memory.peak(),
    };

    // 3. Uploads, 50 at a time: mostly small text files, every tenth the PDF.
    log(`round ${round}: ${UPLOADS} uploads, ${UPLOADS_AT_ONCE} at a time`);
    memory.reset();
    started = performance.now();
    const uploads = await pool(UPLOADS, UPLOADS_AT_ONCE, (i) => {
      if (i % 10 === 0) return uploadMultipart(server.url, pdf, `doc-${i}.pdf`);
      const text = `Upload ${i} of round ${round}\n` + `line of generated text number ${i}\n`.repeat(20 + (i % 50));
      return uploadMultipart(server.url, Buffer.from(text), `note-${i}.txt`);
    });
    figures.uploads = { wall: performance.now() - started, ...latency(uploads), statuses: statusCounts(uploads), peak: memory.peak() };
    checkStatuses(`round ${round} uploads`, uploads);
    // A few of them, parsed: the id an upload answers with names a whole, readable file.
    for (const i of [0, 1, 499, 500, UPLOADS - 1]) {
      const fileId = uploads[i].body?.file_id;
      if (!fileId) continue;
      const parsed = await postJson(api("/parse"), { input: fileId });
      check(parsed.status === 200 && parsed.body?.usage?.num_pages === (i % 10 === 0 ? PDF_PAGES : 1),
        `round ${round}: upload ${i} (${fileId}) does not parse as expected: ${describe(parsed)}`);
    }
    figures.rssAfter = memoryOf(server.pid)?.rss ?? NaN;
    rounds.push(figures);
    log(`round ${round}: sync p50 ${ms(figures.sync.p50)} p99 ${ms(figures.sync.p99)}; async drained in ` +
      `${ms(figures.async.drained)}; uploads p50 ${ms(figures.uploads.p50)} p99 ${ms(figures.uploads.p99)}; ` +
      `RSS now ${mb(figures.rssAfter)}`);
  }
} catch (error) {
  if (error.message !== "setup") check(false, `unexpected error: ${error.stack}`);
}

const peakSampled = memory.overall();
const hwm = memoryOf(server.pid)?.hwm ?? NaN;
memory.stop();
const exit = await server.stop();
check(exit.code === 0, `reducto-local did not shut down cleanly on SIGTERM (${exit.signal ?? exit.code}):\n${server.stderrTail()}`);

// The report.
const row = (cells) => `| ${cells.join(" | ")} |`;
const lines = [
  "## Load and soak (`bench/load.mjs`)",
  "",
  `- Date: ${new Date().toISOString()}`,
  `- Command: \`node bench/load.mjs --workers ${options.workers} --rounds ${ROUNDS}\``,
  `- Machine: ${machine()}`,
  `- Server: ${version}, \`${serverFlags.join(" ")}\` (otherwise defaults), loopback`,
  `- Each round: ${RUNS} concurrent sync runs of a deployed parse-only pipeline on a ${PDF_PAGES}-page PDF; ` +
    `${RUNS} concurrent async runs polled until final; ${UPLOADS} multipart uploads, ${UPLOADS_AT_ONCE} at a time ` +
    "(9 in 10 small text files, 1 in 10 the 24 KB PDF)",
  `- Result: ${failures.length === 0 ? "**all checks passed**" : `**${failures.length} checks failed**`}`,
  "",
  row(["round", "sync p50 / p99 / max", "sync statuses", "async accept p50 / p99", "async all final after",
    "uploads p50 / p99 / max", "upload statuses", "peak RSS (sync / async / uploads)", "RSS at the end"]),
  row(Array(9).fill("---")),
  ...rounds.map((r) => row([
    r.round,
    `${ms(r.sync.p50)} / ${ms(r.sync.p99)} / ${ms(r.sync.max)}`,
    r.sync.statuses,
    `${ms(r.async.p50)} / ${ms(r.async.p99)}`,
    `${ms(r.async.drained)} (${r.async.completed}/${r.async.jobs} Completed)`,
    `${ms(r.uploads.p50)} / ${ms(r.uploads.p99)} / ${ms(r.uploads.max)}`,
    r.uploads.statuses,
    `${mb(r.sync.peak)} / ${mb(r.async.peak)} / ${mb(r.uploads.peak)}`,
    mb(r.rssAfter),
  ])),
  "",
  `Peak memory of the server process: ${mb(peakSampled)} RSS sampled every 50 ms, VmHWM ${mb(hwm)} at the end.`,
  "Latencies are per request, from the client's send to the whole body received; all requests of a phase " +
    "start at once (uploads: 50 in flight), so the sync p99 is mostly waiting for a worker.",
  ...(failures.length ? ["", "Failed checks:", "", ...failures.map((f) => `- ${f.replaceAll("\n", " ")}`)] : []),
];
const path = writeSection("load", lines.join("\n"));

console.log(lines.join("\n"));
console.log(`\nwritten to ${path}`);
process.exit(failures.length === 0 ? 0 : 1);
