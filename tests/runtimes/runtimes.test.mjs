// reducto-wasm in every runtime where a TypeScript app lives, installed as a user's project
// installs it: `npm pack` of pkg/, then `npm install` of the tarball into a fresh project. Each
// runtime runs check.mjs against one real reducto-local and must see the same things:
// - Node.js (this one), Deno and Bun (the npm packages `deno` and `bun`) run main.mjs, and
//   resolve the package's `node` export condition; Node.js also runs main.cjs, which
//   `require()`s the package from CommonJS;
// - a Cloudflare Worker, bundled by esbuild with wrangler's conditions (`workerd` first) and run
//   in workerd by miniflare, the way `wrangler dev` runs one.
// The browsers run the client's whole suite in wasm-pack test (Chromium and Firefox).
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { deployPipeline } from "../../scripts/studio.mjs";
import { makeProject, runIn } from "../support/project.mjs";
import { startServer } from "../support/server.mjs";

const root = new URL("../..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules/.bin", name);
const fourPagesPdf = join(root, "tests/fixtures/pdfs/pdflatex-4-pages.pdf");

let server, pipelineId, app, expected;

before(async () => {
  app = makeProject("reducto-wasm-app", { packed: ["pkg"] });
  for (const file of ["check.mjs", "main.mjs", "main.cjs", "worker.mjs"]) copyFileSync(new URL(file, import.meta.url), join(app, file));
  copyFileSync(fourPagesPdf, join(app, "document.pdf"));

  server = await startServer();
  pipelineId = await deployPipeline(server.url, "Runtimes", { parse: { options: { chunking: { chunk_mode: "page" } } } });
  writeFileSync(join(app, "config.json"), JSON.stringify({ baseURL: server.url, pipelineId, pdf: "./document.pdf" }));
  expected = {
    version: await (await fetch(`${server.url}/version`)).json(),
    pages: 4,
    error: { name: "NotFoundError", status: 404, isNotFound: true, isReductoError: true },
    jobWaitTimeoutError: true,
  };
});

after(async () => {
  await server?.stop();
  if (app) rmSync(app, { recursive: true, force: true });
});

/** What main.mjs printed when `command args…` ran it in the app. */
async function runScript(command, args) {
  const { code, stdout, stderr } = await runIn(app, command, args);
  assert.equal(code, 0, `${command} ${args.join(" ")} exited with ${code}:\n${stderr}`);
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

/** The check's findings against what every runtime must see. */
function assertSeen(seen) {
  assert.equal(seen.version, expected.version);
  assert.match(seen.fileId, /^reducto:\/\/.+\.pdf$/);
  assert.equal(seen.pages, expected.pages);
  assert.equal(seen.chunks.length, 4, "one chunk per page");
  assert.ok(seen.chunks.every((text) => text.length > 0), `${seen.chunks}`);
  assert.deepEqual(seen.error, expected.error);
  assert.equal(seen.jobWaitTimeoutError, expected.jobWaitTimeoutError);
}

test("Node.js", async () => {
  assertSeen(await runScript(process.execPath, ["main.mjs"]));
});

test("Node.js, from CommonJS (require)", async () => {
  assertSeen(await runScript(process.execPath, ["main.cjs"]));
});

test("Deno (npm package deno)", async () => {
  // Deno asks for each capability: reading the package's .wasm and the document, and the network.
  assertSeen(await runScript(bin("deno"), ["run", "--allow-read", "--allow-net", "main.mjs"]));
});

test("Bun (npm package bun)", async () => {
  assertSeen(await runScript(bin("bun"), ["main.mjs"]));
});

test("a Cloudflare Worker in workerd (miniflare), bundled by esbuild", async () => {
  const outdir = join(app, "worker-dist");
  await esbuild.build({
    entryPoints: [join(app, "worker.mjs")], outdir, bundle: true, format: "esm", platform: "neutral",
    // wrangler's conditions, in its order; a .wasm import stays an import, for workerd to compile.
    conditions: ["workerd", "worker", "browser"], loader: { ".wasm": "copy" }, assetNames: "[name]",
    logLevel: "error",
  });
  const bundle = readFileSync(join(outdir, "worker.js"), "utf8");
  assert.match(bundle, /from "\.\/reducto_wasm_bg\.wasm"/, "the Worker imports the compiled module");
  const worker = new Miniflare({
    scriptPath: join(outdir, "worker.js"),
    modulesRoot: outdir,
    modules: true,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2025-09-01",
  });
  try {
    const query = new URLSearchParams({ baseURL: server.url, pipelineId });
    const response = await worker.dispatchFetch(`http://worker/?${query}`, {
      method: "POST",
      body: readFileSync(fourPagesPdf),
    });
    const seen = await response.json();
    assert.equal(response.status, 200, JSON.stringify(seen));
    assertSeen(seen);
  } finally {
    await worker.dispose();
  }
});
