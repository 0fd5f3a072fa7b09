// The drop page, as a user meets it: the optimized pkg/ loaded in headless Chromium from a real
// reducto-local, a real sample PDF uploaded and run through a deployed pipeline.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { deployPipeline } from "../../scripts/studio.mjs";
import { launchChromium } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
let server, browser, pipelineId;

before(async () => {
  server = await startServer();
  pipelineId = await deployPipeline(server.url, "Example", { parse: { options: { chunking: { chunk_mode: "page" } } } }, "v1");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the page and fails the test on any uncaught error or failed request in it. */
async function openPage(path) {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector("#drop[data-ready]");
  return { page, problems };
}

async function parsedPages(page) {
  await page.waitForSelector("#status[data-pages], #status.error", { timeout: 30_000 });
  const error = await page.locator("#status.error").count();
  assert.equal(error, 0, `the page shows an error: ${await page.textContent("#status")}`);
  return {
    pages: Number(await page.getAttribute("#status", "data-pages")),
    sections: await page.locator("#result .page").count(),
    firstPageText: await page.textContent('#result .page[data-page="1"]'),
  };
}

test("a PDF chosen with the file picker shows its 4 parsed pages", async () => {
  const { page, problems } = await openPage(`/?pipeline=${pipelineId}`);
  await page.setInputFiles("#file", fourPagesPdf);
  const result = await parsedPages(page);
  assert.equal(result.pages, 4);
  assert.equal(result.sections, 4, "one section per page");
  assert.ok(result.firstPageText.length > 50, "page 1 shows its text");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a dropped PDF runs through the deployed pipeline the page finds by itself", async () => {
  const { page, problems } = await openPage("/");
  assert.equal(await page.textContent("#pipeline-id"), pipelineId);
  const bytes = [...readFileSync(fourPagesPdf)];
  await page.evaluate((bytes) => {
    const file = new File([new Uint8Array(bytes)], "pdflatex-4-pages.pdf", { type: "application/pdf" });
    const dataTransfer = new DataTransfer();
    dataTransfer.items.add(file);
    document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer, bubbles: true, cancelable: true }));
  }, bytes);
  const result = await parsedPages(page);
  assert.equal(result.pages, 4);
  assert.deepEqual(problems, []);
  await page.close();
});

test("an unknown pipeline shows the server's NotFoundError", async () => {
  const { page } = await openPage("/?pipeline=0000000000000000000000000000zzzz");
  await page.setInputFiles("#file", fourPagesPdf);
  await page.waitForSelector("#status.error", { timeout: 30_000 });
  assert.match(await page.textContent("#status"), /^NotFoundError: .*not found/);
  await page.close();
});
