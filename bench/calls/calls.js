// Per-call overhead page. One work unit, done by three clients: upload a 10 KB text file, then
// run a deployed pipeline on it. bench/calls.mjs calls `window.bench.run(…)` and gets the time
// of each unit, measured here in the page, so the browser's own fetch path is included and
// Playwright's messaging is not.
import { fetchJson, makeClient } from "./clients.js";

const FILE_BYTES = 10 * 1024;
// Units timed together per sample: a page that is not cross-origin isolated reads
// `performance.now()` in 0.1 ms steps, as coarse as the clients' differences on a 5 ms unit.
const UNITS_PER_SAMPLE = 5;
const file = new File([textOfLength(FILE_BYTES)], "bench.txt", { type: "text/plain" });

const wasmClient = await makeClient("reducto-wasm");
const sdkClient = await makeClient("reductoai");

// Each client is told the extension, as the raw call states it in the query.
const units = {
  "reducto-wasm": async (pipeline_id) => {
    const upload = await wasmClient.upload(file, { extension: "txt" });
    return wasmClient.pipeline.run({ input: upload.file_id, pipeline_id });
  },
  reductoai: async (pipeline_id) => {
    const upload = await sdkClient.upload({ file, extension: "txt" });
    return sdkClient.pipeline.run({ input: upload.file_id, pipeline_id });
  },
  fetch: async (pipeline_id) => {
    const form = new FormData();
    form.append("file", file);
    const upload = await fetchJson("/upload?extension=txt", { method: "POST", body: form });
    return fetchJson("/pipeline", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: upload.file_id, pipeline_id }),
    });
  },
};
const names = Object.keys(units);

/** Lines of words up to exactly `length` bytes (ASCII, so bytes = characters). */
function textOfLength(length) {
  const words = "invoice total amount due customer order shipment payment terms account balance".split(" ");
  let text = "";
  for (let line = 1; text.length < length; line++) {
    text += `Line ${line}: ${words.map((_, i) => words[(line + i) % words.length]).join(" ")}.\n`;
  }
  return text.slice(0, length);
}

/** A unit that answered something other than a parse result is a broken bench, not a figure. */
function check(name, result) {
  if (typeof result?.job_id !== "string" || !result.result?.parse) {
    throw new Error(`${name} gave no parse result: ${JSON.stringify(result).slice(0, 300)}`);
  }
}

window.bench = {
  fileBytes: FILE_BYTES,
  unitsPerSample: UNITS_PER_SAMPLE,
  /**
   * `warmupRounds` untimed rounds, then `rounds` timed ones. A round runs each client's unit
   * `UNITS_PER_SAMPLE` times in a row, timed together; the order of the clients rotates every
   * round (A B C, B C A, C A B, …) so that drift, GC and whatever the previous call left behind
   * fall on all three alike. Returns { [client]: [ms per unit, …] }, one per timed round.
   */
  async run({ pipelineId, rounds, warmupRounds }) {
    const times = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < warmupRounds + rounds; round++) {
      const shift = round % names.length;
      for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
        const results = [];
        const started = performance.now();
        for (let unit = 0; unit < UNITS_PER_SAMPLE; unit++) results.push(await units[name](pipelineId));
        const elapsed = performance.now() - started;
        for (const result of results) check(name, result);
        if (round >= warmupRounds) times[name].push(elapsed / UNITS_PER_SAMPLE);
      }
    }
    return times;
  },
};
