// Cold start of reducto-local: from spawning the binary with a fresh data dir to its first
// stdout line, `listening on …`, which is when a test runner may use it. Medians of `runs`.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverBinary } from "../tests/support/server.mjs";
import { median } from "./lib.mjs";

/** Median milliseconds from spawn to `listening on`. */
export async function coldStart(runs) {
  const times = [];
  for (let run = 0; run < runs; run++) {
    const dataDir = mkdtempSync(join(tmpdir(), "reducto-cold-"));
    const started = performance.now();
    const server = spawn(serverBinary, ["--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise((resolve, reject) => {
      let out = "";
      server.stdout.on("data", (chunk) => {
        out += chunk;
        if (out.includes("listening on")) resolve();
      });
      server.once("exit", (code) => reject(new Error(`reducto-local exited with ${code} before listening`)));
    });
    times.push(performance.now() - started);
    server.kill();
    await new Promise((resolve) => server.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return median(times);
}
