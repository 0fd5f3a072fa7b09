// Cold start of reducto-local: from spawning the binary with a fresh data dir to its first
// stdout line, `listening on …`, which is when a test runner may use it. Medians of `runs`.
import { startServer } from "../tests/support/server.mjs";
import { median } from "./lib.mjs";

/** Median milliseconds from spawn to `listening on`. */
export async function coldStart(runs) {
  const times = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const server = await startServer();
    times.push(performance.now() - started);
    await server.stop();
  }
  return median(times);
}
