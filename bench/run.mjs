// `npm run bench`: measurements, not tests. Writes bench/report.md. Needs the release build
// (`npm run build`: pkg/ and target/release/reducto-local), Debian's chromium and poppler's
// pdftotext (`scripts/bootstrap.sh`, which `npm run build` runs, installs them).
//
// - Client size (bench/size.mjs): the same small app with reducto-wasm and with the official
//   reductoai SDK, bundled by esbuild and by Vite, gzip -9.
// - Per-call overhead and module start (bench/calls.mjs): reducto-wasm, reductoai and hand-written
//   fetch in headless Chromium against one reducto-local.
// - Parse throughput (bench/parse-throughput.mjs): reducto-local against poppler's pdftotext.
// - Engine quality (bench/quality.mjs): extract, split, classify and OCR on a generated corpus
//   whose answers are known (bench/corpus.mjs), and on real documents made by other people
//   (bench/real.mjs).
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { measureCalls } from "./calls.mjs";
import { kb, median, percentile, root } from "./lib.mjs";
import { coldStart } from "./cold-start.mjs";
import { parseThroughput } from "./parse-throughput.mjs";
import { measureQuality, measureRealQuality } from "./quality.mjs";
import { BUNDLERS, CLIENTS, measureSizes } from "./size.mjs";

const BUDGET_KB = 64; // reducto-wasm's download budget, gzip, wasm + JS
const BUDGET = BUDGET_KB * 1024;
const PAGES = 500; // parse throughput document
const ROUNDS = 100; // timed rounds of the per-call bench (each client's unit 5 times per round)
const WARMUP_ROUNDS = 20;
const LOADS = 25; // fresh page loads (and Node.js processes) per client for module start: fewer gave medians that moved by a third between runs
const CALL_GOAL = 1.05; // reducto-wasm's median against raw fetch
const PARSE_GOAL = 1.0; // reducto-local's parse time against pdftotext's
const COLD_STARTS = 11; // reducto-local starts, spawn → `listening on`
const COLD_START_GOAL_MS = 100;
const START_GOAL = 1.2; // reducto-wasm's import → first answer against reductoai's
const SIZE_GOAL_KB = 80; // reducto-wasm's download, gzip, wasm + JS

const log = (message) => console.error(`bench: ${message}`);

log("bundling the size apps with esbuild and Vite");
const sizes = await measureSizes();
log(`parse throughput (${PAGES} pages, 7 runs each) and cold start`);
const throughput = await parseThroughput(PAGES, 7);
const coldStartMs = await coldStart(COLD_STARTS);
log(`per-call overhead (${WARMUP_ROUNDS} + ${ROUNDS} rounds) and module start (${LOADS} loads) in Chromium`);
const calls = await measureCalls({ rounds: ROUNDS, warmupRounds: WARMUP_ROUNDS, loads: LOADS });
log("engine quality on the generated corpus (extract, split, classify, OCR)");
const quality = await measureQuality();
log("engine quality on real documents (bench/real/)");
const realQuality = await measureRealQuality();

const sdkVersion = JSON.parse(readFileSync(join(root, "node_modules/reductoai/package.json"), "utf8")).version;
const label = (client) => (client === "reductoai" ? `reductoai ${sdkVersion}` : client);
const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const ratio = (value) => `${value.toFixed(2)}×`;
const bundlerName = { esbuild: "esbuild", vite: "Vite" };

// ---- size ----

const total = (size) => size.js.gzip + size.wasm.gzip;
const budgetNote = (size) => {
  const left = BUDGET - total(size);
  return left >= 0 ? `${kb(left)} under` : `**${kb(-left)} over**`;
};
const sizeRows = CLIENTS.flatMap((client) => BUNDLERS.map((bundler) => {
  const size = sizes[client][bundler];
  const budget = client === "reducto-wasm" ? budgetNote(size) : "";
  return `| ${label(client)} | ${bundlerName[bundler]} | ${kb(size.js.gzip)} | ${size.wasm.raw ? kb(size.wasm.gzip) : "none"} | ` +
    `**${kb(total(size))}** | ${kb(size.js.raw + size.wasm.raw)} | ${budget} |`;
}));
const sizeRatios = BUNDLERS.map((bundler) =>
  `${bundlerName[bundler]} ${ratio(total(sizes["reducto-wasm"][bundler]) / total(sizes.reductoai[bundler]))}`).join(", ");

// ---- per-call overhead ----

const callStats = Object.fromEntries(Object.entries(calls.times).map(([client, times]) =>
  [client, { median: median(times), p95: percentile(times, 0.95), count: times.length }]));
const base = callStats.fetch;
// Round i of every client's list is the same round, so per-round differences cancel drift.
const overheadOf = (client) => median(calls.times[client].map((time, round) => time - calls.times.fetch[round]));
const signed = (value) => `${value < 0 ? "−" : "+"}${ms(Math.abs(value))}`;
const callRows = ["reducto-wasm", "reductoai", "fetch"].map((client) => {
  const { median: mid, p95 } = callStats[client];
  const overhead = client === "fetch" ? "" : signed(overheadOf(client));
  return `| ${client === "fetch" ? "hand-written `fetch`" : label(client)} | ${ms(mid)} | ${ms(p95)} | ` +
    `${ratio(mid / base.median)} | ${ratio(p95 / base.p95)} | ${overhead} |`;
});
const wasmCalls = callStats["reducto-wasm"];
const sdkCalls = callStats.reductoai;
const met = (ok) => (ok ? "met" : "**not met**");
const overheadGoal = wasmCalls.median / base.median <= CALL_GOAL;
const sdkGoal = wasmCalls.median <= sdkCalls.median;

// ---- module start ----

const startRows = ["reducto-wasm", "reductoai", "fetch"].map((client) => {
  const loads = calls.starts[client];
  const mid = (key) => median(loads.map((load) => load[key]));
  const name = client === "fetch" ? "hand-written `fetch` (nothing to load)" : label(client);
  return `| ${name} | ${ms(mid("imported"))} | ${ms(mid("sent"))} | ${ms(mid("answered"))} |`;
});
const nodeStartRows = ["reducto-wasm", "reductoai"].map((client) => {
  const loads = calls.nodeStarts[client];
  const mid = (key) => median(loads.map((load) => load[key]));
  return `| ${label(client)} | ${ms(mid("imported"))} | ${ms(mid("answered"))} |`;
});
const answeredIn = (starts, client) => median(starts[client].map((load) => load.answered));
const startRatio = (starts) => answeredIn(starts, "reducto-wasm") / answeredIn(starts, "reductoai");
// Load i of each client is the same round (the clients take turns), so a ratio per round
// cancels drift between rounds: steadier from run to run than the ratio of the medians.
const pairedStartRatio = (starts) =>
  median(starts["reducto-wasm"].map((load, round) => load.answered / starts.reductoai[round].answered));
const sizeOf = (bundler) => total(sizes["reducto-wasm"][bundler]);

const report = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, on a ${availableParallelism()}-core machine
(Node.js ${process.versions.node}, headless Chromium ${calls.chromium}).

## Client size (what a browser downloads for upload + pipeline.run, gzip -9)

The same small app (\`bench/apps/<client>/main.js\`: make a client, upload the picked file, run a
deployed pipeline on it) bundled and minified by esbuild (\`--bundle --minify --format=esm\`, the
wasm copied beside the bundle) and by a plain \`vite build\`. Each file is compressed on its own,
as a server sends it. Budget for reducto-wasm: ${BUDGET_KB} KB gzip, wasm + JS.

| client | bundler | JS gzip | wasm gzip | total gzip | total raw | budget (${BUDGET_KB} KB) |
| --- | --- | ---: | ---: | ---: | ---: | --- |
${sizeRows.join("\n")}

reducto-wasm / reductoai, total gzip: ${sizeRatios}. The Vite builds also carry Vite's
module-preload polyfill.

## Per-call overhead (headless Chromium, one reducto-local)

One unit of work: upload a ${kb(calls.fileBytes)} text file (\`POST /upload?extension=txt\`, multipart)
and run a deployed parse-only pipeline on it (\`POST /pipeline\` with \`{input: file_id,
pipeline_id}\`), timed in the page with \`performance.now()\`. The server's work is the same for
all three, so the differences are the clients'. ${WARMUP_ROUNDS} warm-up rounds, then ${wasmCalls.count} timed
rounds; each round runs every client's unit ${calls.unitsPerSample} times in a row, timed together (the page's
clock counts in 0.1 ms steps), with the clients in an order that rotates each round. Times are per unit.

| client | median | p95 | median / fetch | p95 / fetch | overhead over fetch |
| --- | ---: | ---: | ---: | ---: | ---: |
${callRows.join("\n")}

The last column is the median, over rounds, of the client's time minus raw fetch's in the same
round: the client's own cost per unit, with drift between rounds cancelled.

Goals for reducto-wasm:

- median at most ${ratio(CALL_GOAL)} raw fetch's: ${met(overheadGoal)} (${ratio(wasmCalls.median / base.median)});
- median no slower than reductoai's: ${met(sdkGoal)} (${ratio(wasmCalls.median / sdkCalls.median)} of it).

## Module start (fresh page loads, medians of ${LOADS})

Each load in a fresh browser context (empty cache: the module is fetched and compiled every
time), clients interleaved. Times from the start of \`import()\` of the client's module: when it
resolved (for reducto-wasm that includes fetching and instantiating the wasm), when the request
of the first \`client.apiVersion()\` (\`GET /version\`) went out (Resource Timing's
\`requestStart\`), and when its answer was read.

| client | import | → \`GET /version\` sent | → its answer read |
| --- | ---: | ---: | ---: |
${startRows.join("\n")}

The same in Node.js (\`bench/start-node.mjs\`): each load a fresh \`node\` process, timed inside it;
reducto-wasm's Node entry reads the wasm beside it, compiles and instantiates it.

| client | import | → its answer read |
| --- | ---: | ---: |
${nodeStartRows.join("\n")}

The median, over rounds, of reducto-wasm's time to its answer over reductoai's in the same
round: ${ratio(pairedStartRatio(calls.starts))} in the browser, ${ratio(pairedStartRatio(calls.nodeStarts))} in Node.js (the goals below take the
ratio of the medians).

## Goals of the runtime work, side by side in this run

| measure | reducto-wasm | goal | |
| --- | ---: | --- | --- |
| browser \`import()\` → first answer, ratio to reductoai | ${ratio(startRatio(calls.starts))} | ≤ ${ratio(START_GOAL)} | ${met(startRatio(calls.starts) <= START_GOAL)} |
| Node.js \`import()\` → first answer, ratio to reductoai | ${ratio(startRatio(calls.nodeStarts))} | ≤ ${ratio(START_GOAL)} | ${met(startRatio(calls.nodeStarts) <= START_GOAL)} |
| package gzip, wasm + JS (esbuild app) | ${kb(sizeOf("esbuild"))} | ≤ ${SIZE_GOAL_KB} KB | ${met(sizeOf("esbuild") <= SIZE_GOAL_KB * 1024)} |
| per call, median ratio to raw fetch | ${ratio(wasmCalls.median / base.median)} | ≤ ${ratio(CALL_GOAL)}, and ≤ reductoai's ${ratio(sdkCalls.median / base.median)} | ${met(overheadGoal && sdkGoal)} |

## Parse throughput (generated ${PAGES}-page PDF, medians of 7 alternating runs)

| parser | median time | pages per second |
| --- | ---: | ---: |
| reducto-local \`POST /parse\` (blocks, boxes, JSON over HTTP), to the answer's last byte | ${throughput.ours.toFixed(0)} ms | ${(PAGES / throughput.ours * 1000).toFixed(0)} |
| the same, with the caller's \`JSON.parse\` of the answer (${throughput.answerMb} MB) | ${throughput.oursParsed.toFixed(0)} ms | ${(PAGES / throughput.oursParsed * 1000).toFixed(0)} |
| reducto-local with \`--workers 1\` | ${throughput.oneWorker.toFixed(0)} ms | ${(PAGES / throughput.oneWorker * 1000).toFixed(0)} |
| poppler \`pdftotext\` (plain text to /dev/null) | ${throughput.poppler.toFixed(0)} ms | ${(PAGES / throughput.poppler * 1000).toFixed(0)} |
| poppler \`pdftotext -bbox-layout\` (blocks, lines and words with boxes, to /dev/null) | ${throughput.popplerBoxes.toFixed(0)} ms | ${(PAGES / throughput.popplerBoxes * 1000).toFixed(0)} |
| ratio (reducto-local / pdftotext time) | ${(throughput.ours / throughput.poppler).toFixed(2)}× | |
| ratio (reducto-local / \`pdftotext -bbox-layout\` time) | ${(throughput.ours / throughput.popplerBoxes).toFixed(2)}× | |

Goal: no slower than pdftotext (≤ ${PARSE_GOAL.toFixed(1)}×) while producing blocks with boxes: ${met(throughput.ours / throughput.poppler <= PARSE_GOAL)}.
\`--workers\` is how many jobs run at once; a parse reads a long document's pages on every CPU
either way, so \`--workers 1\` changes nothing for one document. The goal compares the server's
time (to the last byte); a caller's \`JSON.parse\` of megabytes is the same against Reducto itself.

## reducto-local cold start (medians of ${COLD_STARTS})

From spawning the binary with a fresh data dir to its first stdout line, \`listening on …\`:
**${ms(coldStartMs)}** (goal under ${COLD_START_GOAL_MS} ms: ${met(coldStartMs < COLD_START_GOAL_MS)}).

${quality.markdown}
${realQuality}
## Elsewhere

- Load, soak and crash of reducto-local: \`bench/load.md\`, written by \`npm run load\`.
- Fuzzing of the document readers and the extract-schema interpreter: \`bench/fuzz.md\`, written by
  \`npm run fuzz\`.
`;
writeFileSync(join(root, "bench/report.md"), report);
console.log(report);
