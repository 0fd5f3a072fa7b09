// reducto-wasm inside an app built by each bundler the README names (Vite, webpack, Rollup,
// esbuild), as its user would build it: the packed package installed from its tarball into a
// fresh project, a plain `import … from "reducto-wasm"` resolved through the package's export
// conditions, no plugin for wasm and no init call. Where the bundler leaves the `.wasm` alone
// (Rollup, esbuild), it is copied beside the bundle, as the README says. Each build is served
// by a real reducto-local and runs a pipeline in headless Chromium.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import * as esbuild from "esbuild";
import { rollup } from "rollup";
import { build as viteBuild } from "vite";
import webpack from "webpack";
import { deployPipeline } from "../../scripts/studio.mjs";
import { launchChromium, openPage } from "../support/browser.mjs";
import { makeProject } from "../support/project.mjs";
import { startServer } from "../support/server.mjs";

const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
let app, server, browser, pipelineId;

/** Each bundler's build of the app (main.js) into dist/<name>/, the page beside it. */
const builds = {
  vite: (out) => viteBuild({
    root: app, base: "./", configFile: false, logLevel: "warn",
    build: { outDir: out, emptyOutDir: true },
  }),
  webpack: async (out) => {
    // ES module output, so the page's `<script type="module">` is the same for every build.
    const config = {
      mode: "production", context: app, entry: "./main.js", performance: { hints: false },
      experiments: { outputModule: true }, output: { path: out, filename: "main.js", module: true },
    };
    const stats = await new Promise((resolve, reject) =>
      webpack(config, (error, result) => (error ? reject(error) : resolve(result))));
    if (stats.hasErrors() || stats.hasWarnings()) throw new Error(stats.toString("errors-warnings"));
    copyFileSync(join(app, "index.html"), join(out, "index.html"));
  },
  rollup: async (out) => {
    const warnings = [];
    const bundle = await rollup({
      input: join(app, "main.js"), plugins: [nodeResolve({ browser: true })], onwarn: (warning) => warnings.push(warning),
    });
    await bundle.write({ dir: out, format: "es" });
    assert.deepEqual(warnings.map(String), [], "rollup warned");
    copyWasmAndPage(out);
  },
  esbuild: async (out) => {
    await esbuild.build({
      entryPoints: [join(app, "main.js")], bundle: true, minify: true, format: "esm", platform: "browser",
      outfile: join(out, "main.js"), logLevel: "error",
    });
    copyWasmAndPage(out);
  },
};

/** What the README asks of a Rollup or esbuild user: the package's `.wasm` beside the bundle. */
function copyWasmAndPage(out) {
  copyFileSync(join(app, "node_modules/reducto-wasm/reducto_wasm_bg.wasm"), join(out, "reducto_wasm_bg.wasm"));
  copyFileSync(join(app, "index.html"), join(out, "index.html"));
}

before(async () => {
  app = makeProject("bundled-app", { packed: ["pkg"] });
  for (const file of ["index.html", "main.js"]) copyFileSync(new URL(`../bundler-app/${file}`, import.meta.url), join(app, file));
  for (const [name, build] of Object.entries(builds)) {
    mkdirSync(join(app, "dist", name), { recursive: true });
    await build(join(app, "dist", name));
  }
  server = await startServer([], { www: join(app, "dist") });
  pipelineId = await deployPipeline(server.url, "Bundlers", { parse: {} });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (app) rmSync(app, { recursive: true, force: true });
});

for (const name of Object.keys(builds)) {
  test(`${name}: an app that imports reducto-wasm, built by it, runs a pipeline`, async () => {
    // The browser entry was chosen: no other runtime's entry or modules came into the bundle.
    const scripts = readdirSync(join(app, "dist", name), { recursive: true }).filter((file) => file.endsWith(".js"));
    for (const file of scripts) {
      assert.doesNotMatch(readFileSync(join(app, "dist", name, file), "utf8"), /node:fs|reducto_wasm_bg\.wasm\?module/, file);
    }
    const { page, problems } = await openPage(browser, `${server.url}/${name}/?pipeline=${pipelineId}`);
    await page.setInputFiles("#file", fourPagesPdf);
    await page.waitForFunction(() => document.getElementById("pages").textContent !== "");
    assert.equal(await page.textContent("#pages"), "4 pages");
    assert.deepEqual(problems, []);
    await page.context().close();
  });
}
