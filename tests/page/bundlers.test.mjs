// reducto-wasm inside a Vite app: built by `vite build` with a plain import and no plugin,
// served by a real reducto-local, run in headless Chromium.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { build } from "vite";
import { deployPipeline } from "../../scripts/studio.mjs";
import { launchChromium, openPage } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const app = new URL("../vite-app/", import.meta.url).pathname;
const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
let server, browser, pipelineId;

before(async () => {
  await build({ configFile: `${app}vite.config.js` });
  server = await startServer([], { www: `${app}dist` });
  pipelineId = await deployPipeline(server.url, "Vite", { parse: {} });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a Vite build of an app that imports reducto-wasm runs a pipeline", async () => {
  const { page, problems } = await openPage(browser, `${server.url}/?pipeline=${pipelineId}`);
  await page.setInputFiles("#file", fourPagesPdf);
  await page.waitForFunction(() => document.getElementById("pages").textContent !== "");
  assert.equal(await page.textContent("#pages"), "4 pages");
  assert.deepEqual(problems, []);
  await page.context().close();
});
