// Starts a real reducto-local for a test, a bench or a crash script: a free port, a fresh
// temporary data dir (or the caller's, kept), stopped or killed afterwards.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const root = new URL("../..", import.meta.url).pathname;
export const serverBinary = join(root, "target/release/reducto-local");

/**
 * Resolves with { url, pid, exited, stderrTail(), stop(), kill9() } once the server prints its
 * `listening on` line. The server's stderr goes on to ours, but for the folders it serves,
 * which it says at every start; its last lines are kept, so a script can show them or look for
 * a panic. `dataDir`, when given, belongs to the caller and survives `stop()` (restarts over
 * it); otherwise a temporary one is made and removed.
 */
export async function startServer(extraArgs = [], { www = join(root, "www"), dataDir } = {}) {
  if (!existsSync(serverBinary)) throw new Error(`${serverBinary} is missing: build it first (npm run build)`);
  const ownDir = dataDir === undefined;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "reducto-local-test-"));
  const args = ["--port", "0", "--data-dir", dir, "--www", www, "--pkg", join(root, "pkg"), ...extraArgs];
  const child = spawn(serverBinary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const tail = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    // What it serves is said at every start, and known here: kept in the tail, not repeated.
    if (!line.startsWith("reducto-local: serving ")) process.stderr.write(`${line}\n`);
    tail.push(line);
    if (tail.length > 40) tail.shift();
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const firstLine = await new Promise((resolve, reject) => {
    child.once("error", reject);
    exited.then(({ code, signal }) => reject(new Error(`reducto-local exited (${signal ?? code}) before listening`)));
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  const match = /^listening on (http:\/\/\S+)$/.exec(firstLine);
  if (!match) throw new Error(`reducto-local's first line was not "listening on …": ${firstLine}`);
  child.stdout.resume();
  const removeOwnDir = () => ownDir && rmSync(dir, { recursive: true, force: true });
  return {
    url: match[1],
    pid: child.pid,
    exited,
    stderrTail: () => tail.join("\n"),
    /** SIGTERM, a clean shutdown; resolves with how it exited. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const exit = await exited;
      removeOwnDir();
      return exit;
    },
    /** SIGKILL: no shutdown code runs, as in a power cut or an OOM kill. */
    async kill9() {
      process.kill(child.pid, "SIGKILL");
      const exit = await exited;
      removeOwnDir();
      return exit;
    },
  };
}
