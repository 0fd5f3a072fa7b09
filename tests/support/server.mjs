// Starts a real reducto-local for a test: free port, fresh temporary data dir, stopped afterwards.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const root = new URL("../..", import.meta.url).pathname;
export const serverBinary = join(root, "target/release/reducto-local");

/** Resolves with { url, stop() } once the server prints its `listening on` line. */
export async function startServer(extraArgs = [], { www = join(root, "www") } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "reducto-local-test-"));
  const args = ["--port", "0", "--data-dir", dataDir, "--www", www, "--pkg", join(root, "pkg"), ...extraArgs];
  const child = spawn(serverBinary, args, { stdio: ["ignore", "pipe", "inherit"] });
  const firstLine = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`reducto-local exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  const match = /^listening on (http:\/\/\S+)$/.exec(firstLine);
  if (!match) throw new Error(`reducto-local's first line was not "listening on …": ${firstLine}`);
  child.stdout.resume();
  return {
    url: match[1],
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
