// The Studio page: create a pipeline, deploy versions, roll back, try a draft on a file and
// copy the snippet, in headless Chromium against a real reducto-local.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { studio } from "../../scripts/studio.mjs";
import { launchChromium } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
let server, browser;

before(async () => {
  server = await startServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a pipeline is created, deployed twice, rolled back, tried and copied from the Studio", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${server.url}/studio.html`);
  await page.waitForSelector("body[data-ready]");

  await page.fill("#new-name", "Invoices");
  await page.click("#create button");
  await page.waitForSelector("#editor:not([hidden])");
  const id = await page.textContent("#pipeline-id");
  assert.match(id, /^[a-z0-9]{32}$/);
  assert.match(await page.textContent("#live"), /none/);

  await page.fill("#version-name", "first");
  await page.click("#deploy");
  await page.waitForSelector('#versions tr[data-version="1"]');
  assert.equal(await page.textContent("#live"), "v1 (first)");

  await page.fill("#draft", JSON.stringify({ parse: { options: { chunking: { chunk_mode: "disabled" } } } }));
  await page.click("#deploy");
  await page.waitForSelector('#versions tr[data-version="2"]');
  assert.equal(await page.textContent("#live"), "v2");
  assert.equal((await studio(server.url, "GET", `/${id}`)).deployed.version, 2, "the server agrees");

  await page.click('#versions tr[data-version="1"] button');
  await page.waitForFunction(() => document.getElementById("live").textContent === "v1 (first)");
  assert.equal((await studio(server.url, "GET", `/${id}`)).deployed.version, 1, "the rollback is live");

  await page.setInputFiles("#test-file", fourPagesPdf);
  await page.waitForSelector("#test-result:not([hidden])");
  assert.equal(JSON.parse(await page.textContent("#test-result")).usage.num_pages, 4);

  await page.click('[data-snippet="typescript"]');
  await page.waitForFunction(() => document.getElementById("snippet").textContent.length > 0);
  const snippet = await page.textContent("#snippet");
  assert.ok(snippet.includes("reducto-wasm") && snippet.includes(id), snippet);
  assert.equal(await page.locator("#message.error").count(), 0, await page.textContent("#message"));
  assert.deepEqual(errors, []);
});
