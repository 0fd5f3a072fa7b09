// reducto-local from a test runner: start the local Reducto server on a free port, with your
// own pipelines file and scripted faults, and stop it. The server is the binary of the
// platform package (`reducto-local-<platform>-<arch>`, an optional dependency, as esbuild and
// biome ship theirs), or the one REDUCTO_LOCAL_BINARY names.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PLATFORM_PACKAGE = `reducto-local-${process.platform}-${process.arch}`;

/** The path of the reducto-local binary this package runs. */
export function binaryPath() {
  if (process.env.REDUCTO_LOCAL_BINARY) return process.env.REDUCTO_LOCAL_BINARY;
  try {
    return createRequire(import.meta.url).resolve(`${PLATFORM_PACKAGE}/bin/reducto-local`);
  } catch {
    throw new Error(
      `reducto-local has no binary for ${process.platform}-${process.arch} (the package ${PLATFORM_PACKAGE} ` +
      "is not installed). Build one with `cargo install --path server` in a clone of reducto-wasm, " +
      "then set REDUCTO_LOCAL_BINARY to its path.");
  }
}

/** Starts a server; resolves once it listens (its `listening on` line). */
export async function startReductoLocal(options = {}) {
  const { port = 0, host = "127.0.0.1", dataDir, apiKey, pipelines, faults = false, args = [], timeoutMs = 30_000 } = options;
  const ownDataDir = dataDir === undefined ? await mkdtemp(join(tmpdir(), "reducto-local-")) : undefined;
  const argv = ["--port", String(port), "--host", host, "--data-dir", dataDir ?? ownDataDir, "--exit-with-parent"];
  if (pipelines !== undefined) argv.push("--pipelines", pipelines);
  if (faults) argv.push("--enable-faults");
  argv.push(...args);
  // The key goes by the environment, never on a command line that `ps` shows.
  const env = apiKey === undefined ? process.env : { ...process.env, REDUCTO_LOCAL_API_KEY: apiKey };
  // stdin stays an open pipe: when this process ends, however it ends, the server does too.
  const child = spawn(binaryPath(), argv, { stdio: ["pipe", "pipe", "pipe"], env });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const removeDataDir = () => (ownDataDir ? rm(ownDataDir, { recursive: true, force: true }) : undefined);

  let url;
  try {
    url = await listening(child, exited, timeoutMs);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    await removeDataDir();
    throw error;
  }
  // A test that never calls close() still lets its runner exit: nothing here holds the event
  // loop, and the server, seeing its stdin close, stops too.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref();
  const server = {
    url,
    process: child,
    faults: faultsOf(url, apiKey, faults),
    async close() {
      // Held again while it stops, or the runner could end before the server has.
      child.ref();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      await removeDataDir();
    },
  };
  server[Symbol.asyncDispose] = server.close;
  return server;
}

/** The server's URL from its first stdout line; rejects, with what it said, if it exits first. */
function listening(child, exited, timeoutMs) {
  let said = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => (said = (said + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8");
    const onData = (chunk) => {
      out += chunk;
      const line = /^listening on (http:\/\/\S+)\s*$/m.exec(out);
      if (!line) return;
      child.stdout.off("data", onData);
      child.stdout.resume();
      clearTimeout(timer);
      resolve(line[1]);
    };
    child.stdout.on("data", onData);
    const timer = setTimeout(() => reject(new Error(`reducto-local did not listen within ${timeoutMs} ms:\n${said}`)), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`reducto-local could not start: ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`reducto-local exited (${signal ?? `code ${code}`}) before listening:\n${said}`));
    });
  });
}

/** The fault script of a server started with `faults: true` (its `/_faults` API). */
function faultsOf(url, apiKey, enabled) {
  const call = async (method, path, body) => {
    if (!enabled) throw new Error("start the server with { faults: true } to script faults");
    const headers = { "content-type": "application/json" };
    if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
    const response = await fetch(`${url}/_faults${path}`, { method, headers, body: body && JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`reducto-local refused ${method} /_faults${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    /** The next `times` requests to `method path` get this answer instead of the route's. */
    async next({ method = "GET", path, times = 1, status, headers, body, delayMs, drop, passthrough }) {
      const response = { status, headers, body, delay_ms: delayMs, drop, passthrough };
      await call("POST", "", { method, path, responses: Array.from({ length: times }, () => response) });
    },
    /** Forgets every scripted answer and the request log. */
    reset: () => call("DELETE", ""),
    /** The requests seen since the last reset: method, path, time, whether a key came. */
    requests: () => call("GET", "/requests"),
  };
}
