// reducto-wasm inside an app built by each bundler the README names (Vite, webpack, esbuild), as
// its user would build it: a plain `import … from "reducto-wasm"`, no plugin and no init call;
// for esbuild, the `.wasm` copied beside the bundle, as the README says. Each build is served by a
// real reducto-local and runs a pipeline in headless Chromium.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as esbuild from "esbuild";
import { build as viteBuild } from "vite";
import webpack from "webpack";
import { deployPipeline } from "../../scripts/studio.mjs";
import { launchChromium, openPage } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const app = new URL("../bundler-app/", import.meta.url).pathname;
const dist = join(app, "dist");
const pkg = new URL("../../pkg/", import.meta.url).pathname;
const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
let server, browser, pipelineId;

/** Each bundler's build of the app into dist/<name>/, with the page beside it. */
const builds = {
  vite: () => viteBuild({ configFile: join(app, "vite.config.js") }),
  webpack: async () => {
    const { default: config } = await import(join(app, "webpack.config.js"));
    const stats = await new Promise((resolve, reject) =>
      webpack(config, (error, result) => (error ? reject(error) : resolve(result))));
    if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
    copyFileSync(join(app, "index.html"), join(dist, "webpack/index.html"));
  },
  esbuild: async () => {
    const out = join(dist, "esbuild");
    mkdirSync(out, { recursive: true });
    await esbuild.build({
      entryPoints: [join(app, "main.js")], bundle: true, minify: true, format: "esm", platform: "browser",
      alias: { "reducto-wasm": join(pkg, "index.js") }, outfile: join(out, "main.js"), logLevel: "error",
    });
    copyFileSync(join(pkg, "reducto_wasm_bg.wasm"), join(out, "reducto_wasm_bg.wasm"));
    copyFileSync(join(app, "index.html"), join(out, "index.html"));
  },
};

before(async () => {
  rmSync(dist, { recursive: true, force: true });
  for (const build of Object.values(builds)) await build();
  server = await startServer([], { www: dist });
  pipelineId = await deployPipeline(server.url, "Bundlers", { parse: {} });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const name of Object.keys(builds)) {
  test(`${name}: an app that imports reducto-wasm, built by it, runs a pipeline`, async () => {
    const { page, problems } = await openPage(browser, `${server.url}/${name}/?pipeline=${pipelineId}`);
    await page.setInputFiles("#file", fourPagesPdf);
    await page.waitForFunction(() => document.getElementById("pages").textContent !== "");
    assert.equal(await page.textContent("#pages"), "4 pages");
    assert.deepEqual(problems, []);
    await page.context().close();
  });
}
