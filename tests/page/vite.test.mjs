// reducto-wasm inside a Vite app: built by `vite build` with a plain import and no plugin,
// served by a real reducto-local, run in headless Chromium.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { deployPipeline } from "../../scripts/studio.mjs";
import { startServer } from "../support/server.mjs";

const app = new URL("../vite-app/", import.meta.url).pathname;
const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
let server, browser, pipelineId;

before(async () => {
  execFileSync("vite", ["build", "--config", `${app}vite.config.js`], { stdio: "inherit" });
  server = await startServer([], { www: `${app}dist` });
  pipelineId = await deployPipeline(server.url, "Vite", { parse: {} });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a Vite build of an app that imports reducto-wasm runs a pipeline", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${server.url}/?pipeline=${pipelineId}`);
  await page.waitForSelector("body[data-ready]");
  await page.setInputFiles("#file", fourPagesPdf);
  await page.waitForFunction(() => document.getElementById("pages").textContent !== "");
  assert.equal(await page.textContent("#pages"), "4 pages");
  assert.deepEqual(errors, []);
});
