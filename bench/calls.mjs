// Per-call overhead and module start of reducto-wasm, the official reductoai SDK and hand-written
// fetch, in headless Chromium against one reducto-local.
//
// The bench pages (bench/calls/) are served by reducto-local itself: Chromium only lets a page
// call 127.0.0.1 when the page came from a loopback server, and one origin for page and API
// also means no CORS preflights, for every client alike. reducto-local serves that folder at `/`
// and the built package at `/pkg/`; the SDK is bundled for the browser with esbuild.
import { copyFileSync, cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { launchChromium } from "../tests/support/browser.mjs";
import { startServer } from "../tests/support/server.mjs";
import { outDir, root, rotated } from "./lib.mjs";
import { timeNodeStarts } from "./start-node.mjs";

/**
 * The page folder: bench/calls/ with each client bundled beside it as an app ships it (esbuild
 * --bundle --minify), reducto-wasm's wasm copied next to its bundle.
 */
async function buildPages() {
  const www = join(outDir, "calls");
  rmSync(www, { recursive: true, force: true });
  cpSync(join(root, "bench/calls"), www, { recursive: true });
  const bundle = (entry, outfile) => esbuild.build({
    entryPoints: [entry], bundle: true, minify: true, format: "esm", platform: "browser",
    outfile: join(www, outfile), logLevel: "error",
  });
  await bundle(join(root, "bench/calls/reductoai-browser.js"), "reductoai.js");
  await bundle(join(root, "pkg/index.js"), "reducto-wasm.js");
  copyFileSync(join(root, "pkg/reducto_wasm_bg.wasm"), join(www, "reducto_wasm_bg.wasm"));
  return www;
}

/** A parse-only pipeline, created and deployed through the Studio API; its id. */
async function deployParsePipeline(serverUrl) {
  const post = async (path, body) => {
    const response = await fetch(`${serverUrl}${path}`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const { id } = await post("/studio/pipelines", { name: "bench", steps: { parse: {} } });
  await post(`/studio/pipelines/${id}/deploy`, {});
  return id;
}

/**
 * Opens `url` in `context` and resolves with what `ready` (a function run in the page) returns
 * once it is truthy. `guard(promise)` races a later page call against the page's errors, so a
 * page that throws fails the bench at once, with the page's message, instead of a timeout.
 */
async function openPage(context, url, ready) {
  const page = await context.newPage();
  const pageError = new Promise((_, reject) => {
    page.on("pageerror", (error) => reject(new Error(`${url}: ${error.stack ?? error}`)));
  });
  // Whichever loses a race may still reject later (say, when the context closes): ignored.
  pageError.catch(() => {});
  const guard = (promise) => {
    promise.catch(() => {});
    return Promise.race([pageError, promise]);
  };
  // A module that fails to load (a 404, a MIME type) is no page error, only a console line.
  const consoleErrors = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  await page.goto(url);
  const handle = await guard(page.waitForFunction(ready, null, { timeout: 60_000 })).catch((error) => {
    throw consoleErrors.length ? new Error(`${url}: ${consoleErrors.join("\n")}`, { cause: error }) : error;
  });
  return { page, guard, value: await handle.jsonValue() };
}

/**
 * Times of the work unit per client, in ms, one per timed round:
 * { fileBytes, unitsPerSample, times: { [client]: [ms, …] } }.
 */
async function timeCalls(browser, serverUrl, pipelineId, { rounds, warmupRounds }) {
  const context = await browser.newContext();
  try {
    const { page, guard, value: fileBytes } = await openPage(context, `${serverUrl}/index.html`,
      () => window.bench?.fileBytes);
    const unitsPerSample = await page.evaluate(() => window.bench.unitsPerSample);
    const times = await guard(page.evaluate((args) => window.bench.run(args), { pipelineId, rounds, warmupRounds }));
    return { fileBytes, unitsPerSample, times };
  } finally {
    await context.close();
  }
}

/**
 * Module start, each load in a fresh browser context (empty cache, so the module is fetched and
 * compiled every time), clients interleaved in an order that rotates each round, so none is
 * always the first after the last's context closed. { [client]: [{ imported, sent, answered }, …] }.
 */
async function timeStarts(browser, serverUrl, loads) {
  const names = ["reducto-wasm", "reductoai", "fetch"];
  const starts = Object.fromEntries(names.map((name) => [name, []]));
  for (let load = 0; load < loads; load++) {
    for (const name of rotated(names, load)) {
      const context = await browser.newContext();
      try {
        const url = `${serverUrl}/start.html?client=${name}`;
        const { value } = await openPage(context, url, () => window.startTimes ?? window.startError);
        if (typeof value === "string") throw new Error(`${url}: ${value}`);
        starts[name].push(value);
      } finally {
        await context.close();
      }
    }
  }
  return starts;
}

/** Runs the measurements against one server and one browser; module start in Node.js too. */
export async function measureCalls({ rounds, warmupRounds, loads }) {
  const www = await buildPages();
  const server = await startServer([], { www });
  let browser;
  try {
    browser = await launchChromium();
    const pipelineId = await deployParsePipeline(server.url);
    const calls = await timeCalls(browser, server.url, pipelineId, { rounds, warmupRounds });
    const starts = await timeStarts(browser, server.url, loads);
    const nodeStarts = await timeNodeStarts(server.url, loads);
    return { ...calls, starts, nodeStarts, chromium: browser.version() };
  } finally {
    await browser?.close();
    await server.stop();
  }
}
