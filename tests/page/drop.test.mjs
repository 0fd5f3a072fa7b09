// The drop page as a person meets it after `npm start`: the example pipeline (parse, then
// extract invoice fields with citations) deployed on a real reducto-local, the optimized pkg/,
// pdf.js drawing the document, in headless Chromium. Each test saves a screenshot.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { deflateSync } from "node:zlib";
import { pdfFromPages } from "../../scripts/make-pdf.mjs";
import { deployPipeline, EXAMPLE_STEPS } from "../../scripts/studio.mjs";
import { launchChromium, openPage, screenshot, scrollsSideways } from "../support/browser.mjs";
import { setPageDelay } from "../support/faults.mjs";
import { formValues } from "../support/forms.mjs";
import { packetPages } from "../support/packet.mjs";
import { startServer } from "../support/server.mjs";

const invoicePdf = new URL("../../www/samples/invoice.pdf", import.meta.url).pathname;
const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
const formPdf = new URL("../fixtures/forms/application.pdf", import.meta.url).pathname;
let server, browser, pipelineId;

before(async () => {
  server = await startServer();
  pipelineId = await deployPipeline(server.url, "Example: invoice fields", EXAMPLE_STEPS, "v1");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A white PNG with nothing written on it: OCR finds no text. */
function blankPng(width = 400, height = 300) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale
  const rows = Buffer.alloc((width + 1) * height, 255);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter byte: none
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** Drops `files` ({ name, mimeType, buffer }) on the page as a person drops them: one drop
 * event carrying them all. */
async function dropFiles(page, files) {
  const transfer = await page.evaluateHandle((files) => {
    const data = new DataTransfer();
    for (const { name, mimeType, bytes } of files) data.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
    return data;
  }, files.map(({ name, mimeType, buffer }) => ({ name, mimeType, bytes: [...buffer] })));
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
}

const cards = (page) => page.locator(".card").evaluateAll((all) =>
  all.map((card) => ({ file: card.dataset.file, state: card.dataset.state, text: card.querySelector(".card-body").innerText })));

test("three files dropped at once: three cards, two results and one clear error", async () => {
  const { page, problems } = await openPage(browser, `${server.url}/?pipeline=${pipelineId}`);
  const files = [
    { name: "invoice.pdf", mimeType: "application/pdf", buffer: readFileSync(invoicePdf) },
    { name: "pdflatex-4-pages.pdf", mimeType: "application/pdf", buffer: readFileSync(fourPagesPdf) },
    { name: "blank.png", mimeType: "image/png", buffer: blankPng() },
  ];
  await dropFiles(page, files);
  await page.waitForFunction(() => [...document.querySelectorAll(".card")].length === 3 &&
    [...document.querySelectorAll(".card")].every((card) => ["done", "failed"].includes(card.dataset.state)), null, { timeout: 60_000 });
  const states = await cards(page);
  assert.deepEqual(states.map((c) => [c.file, c.state]).sort(), [
    ["blank.png", "failed"], ["invoice.pdf", "done"], ["pdflatex-4-pages.pdf", "done"],
  ]);
  const failed = states.find((c) => c.state === "failed");
  assert.match(failed.text, /^JobFailedError: .*(no text|empty)/i, "the card names the error class and the server's reason");
  const invoice = page.locator('.card[data-file="invoice.pdf"]');
  assert.match(await invoice.locator(".state").innerText(), /Done · 1 page/);
  await page.locator('.card[data-file="pdflatex-4-pages.pdf"] .document-page[data-page="4"] canvas').waitFor();
  await screenshot(page, "drop-three-files");
  // The failure is the page's subject, not a fault of the page: the only console error allowed
  // is none at all.
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("an invoice on the extract pipeline: the fields' values, and a click draws the field's box on the page", async () => {
  const { page, problems } = await openPage(browser, `${server.url}/?pipeline=${pipelineId}`);
  await page.setInputFiles("#file", invoicePdf);
  const card = page.locator('.card[data-file="invoice.pdf"][data-state="done"]');
  await card.waitFor({ timeout: 30_000 });
  const value = (field) => card.locator(`tr[data-field="${field}"] td`).innerText();
  assert.equal(await value("invoice_number"), "HLS-2025-0142");
  assert.equal(await value("invoice_date"), "2025-03-14");
  assert.equal(await value("vendor_name"), "Harbor Lane Studio");
  assert.equal(await value("customer_name"), "Northwind Traders");
  assert.equal(await value("total"), "3434.4");

  await card.locator('.document-page[data-page="1"] canvas').waitFor();
  await card.locator('button[data-field="total"]').click();
  const box = card.locator('.document-page[data-page="1"] .box.citation');
  await box.waitFor();
  // "Total Due $3,434.40" sits 465 pt up a 792 pt page: about 40 % from the top.
  const top = await box.evaluate((mark) => parseFloat(mark.style.top));
  assert.ok(top > 35 && top < 45, `the box is on the total's line (top ${top} %)`);
  assert.match(await card.locator(".citation-detail").innerText(), /total was read on page 1: “Total Due \$3,434\.40”/);
  // The box is drawn on the rendered page, over the canvas pdf.js painted.
  const [boxRect, canvasRect] = await Promise.all([box.boundingBox(), card.locator('.document-page[data-page="1"] canvas').boundingBox()]);
  assert.ok(boxRect.y > canvasRect.y && boxRect.y + boxRect.height < canvasRect.y + canvasRect.height);

  await card.locator('.tab:text("JSON")').click();
  assert.match(await card.locator(".raw-json").innerText(), /"invoice_number"/);
  await card.locator('.tab:text("Results")').click();
  await screenshot(page, "drop-invoice-citation");
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("settings choose from the deployed pipelines, keep the key masked, and the page works by keyboard in a narrow window", async () => {
  // A server of its own: the list of deployed pipelines is the subject, so no other test's
  // pipelines may be on it, whatever order the tests run in.
  const fresh = await startServer();
  try {
    const example = await deployPipeline(fresh.url, "Example: invoice fields", EXAMPLE_STEPS, "v1");
    const { page, problems } = await openPage(browser, `${fresh.url}/`, { width: 360, height: 800 });
    // Listening early: Playwright starts intercepting the picker when the first listener is added,
    // which must be in place before the key press that opens it.
    const fileChooser = new Promise((resolve) => page.once("filechooser", resolve));
    assert.equal(await page.textContent("#pipeline-id"), example, "the deployed example is selected by itself");
    await page.click("#settings-panel summary");
    const options = await page.locator("#pipeline option").evaluateAll((all) => all.map((o) => o.value));
    assert.deepEqual(options, [example]);
    assert.equal(await page.getAttribute("#api-key", "type"), "password");
    await page.fill("#api-key", "sk-page-test");
    await page.click("#settings button.primary");
    await page.waitForSelector("#settings-saved:text('Saved.')");
    assert.ok(!page.url().includes("sk-page-test"), "the key never goes in the URL");
    assert.equal(await scrollsSideways(page), false, "a 360 px window does not scroll sideways");

    // Keyboard only: "Choose files" focused and Enter pressed: the file picker opens.
    await page.locator("#choose").focus();
    await page.keyboard.press("Enter");
    const chooser = await fileChooser;
    assert.ok(chooser.isMultiple(), "many files can be picked at once");
    await chooser.setFiles(invoicePdf);
    await page.locator('.card[data-state="done"], .card[data-state="failed"]').waitFor({ timeout: 30_000 });
    // This server has no key, so the one saved above is sent and ignored; the run succeeds.
    assert.equal(await page.locator(".card").getAttribute("data-state"), "done");
    assert.equal(await scrollsSideways(page), false, "the result view wraps too");
    await screenshot(page, "drop-narrow");
    assert.deepEqual(problems, []);
    await page.context().close();
  } finally {
    await fresh.stop();
  }
});

test("a split pipeline shows its sections with their pages; an edit pipeline links the edited PDF and previews it", async () => {
  const split = await deployPipeline(server.url, "Packets", { split: { categories: [
    { name: "Invoice", description: "Bills with an invoice number and a total due" },
    { name: "Purchase order", description: "Orders with a PO number" },
    { name: "Receipt", description: "Proof of payment" },
  ] } }, "v1");
  const { page, problems } = await openPage(browser, `${server.url}/?pipeline=${split}`);
  // Two invoice pages, then a purchase order and a receipt.
  const packet = pdfFromPages([packetPages[0], packetPages[0], packetPages[1], packetPages[2]]);
  await page.setInputFiles("#file", { name: "packet.pdf", mimeType: "application/pdf", buffer: packet });
  const card = page.locator('.card[data-file="packet.pdf"][data-state="done"]');
  await card.waitFor({ timeout: 30_000 });
  const sections = await card.locator(".step.split tbody tr").evaluateAll((rows) =>
    rows.map((row) => [...row.cells].slice(0, 2).map((cell) => cell.textContent)));
  assert.deepEqual(sections, [["Invoice", "1–2"], ["Purchase order", "3"], ["Receipt", "4"]]);

  const edit = await deployPipeline(server.url, "Fill the form", { edit: { instructions: "Full name: Jane Roe" } }, "v1");
  await page.goto(`${server.url}/?pipeline=${edit}`);
  await page.waitForSelector("body[data-ready]");
  await page.setInputFiles("#file", formPdf);
  const edited = page.locator('.card[data-file="application.pdf"][data-state="done"] .step.edit');
  await edited.waitFor({ timeout: 30_000 });
  const link = await edited.locator("a").getAttribute("href");
  assert.match(link, /\/download\//);
  const pdf = Buffer.from(await (await fetch(link)).arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-", "the link serves a PDF");
  assert.equal((await formValues(pdf)).full_name, "Jane Roe", "the link serves the edited PDF");
  await edited.locator('.document-page[data-page="1"] canvas').waitFor();
  await screenshot(page, "drop-edit");
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("a server started with --api-key: the page says the key is needed, and runs once it is saved in Settings", async () => {
  const key = "sk-page-test-0123456789";
  const locked = await startServer(["--api-key", key]);
  try {
    const id = await deployPipeline(locked.url, "Locked", EXAMPLE_STEPS, "v1", { authorization: `Bearer ${key}` });
    const { page, problems } = await openPage(browser, `${locked.url}/`);
    assert.match(await page.textContent("#notice"), /could not be listed: Missing API key.*enter it in Settings/);
    assert.equal(await page.isDisabled("#choose"), true, "nothing can run without a pipeline");
    await page.click("#settings-panel summary");
    await page.fill("#api-key", key);
    await page.click("#settings button.primary");
    await page.waitForSelector("#settings-saved:text('Saved.')");
    assert.equal(await page.textContent("#pipeline-id"), id);
    assert.equal(await page.textContent("#notice"), "");
    await page.setInputFiles("#file", invoicePdf);
    await page.locator('.card[data-state="done"]').waitFor({ timeout: 30_000 });
    assert.ok(!page.url().includes(key), "the key never goes in the URL");
    // The one problem is the browser's own line about the refused listing before the key.
    assert.deepEqual(problems, [`console: Failed to load resource: the server responded with a status of 401 (Unauthorized) (${locked.url}/studio/pipelines)`]);
    await page.context().close();
  } finally {
    await locked.stop();
  }
});

test("four files dropped at once run two at a time", async () => {
  const slow = await startServer(["--enable-faults"]);
  try {
    const id = await deployPipeline(slow.url, "Parse", { parse: {} }, "v1");
    // 200 ms a page, so each run lasts long enough for the others to overlap it if they could.
    await setPageDelay(slow.url, 200);
    const { page, problems } = await openPage(browser, `${slow.url}/?pipeline=${id}`);
    // A file runs from its upload's request until the page gets the answer that its job ended.
    // Counted on the wire, in route handlers, which see a request before it leaves and an
    // answer before the page does.
    let running = 0;
    const counts = [];
    await page.route((url) => url.pathname === "/upload", async (route) => {
      if (route.request().method() === "POST") counts.push(++running);
      await route.continue();
    });
    await page.route((url) => url.pathname.startsWith("/job/"), async (route) => {
      const response = await route.fetch();
      if (["Completed", "Failed"].includes((await response.json()).status)) counts.push(--running);
      await route.fulfill({ response });
    });
    const pdf = readFileSync(fourPagesPdf);
    await dropFiles(page, ["a", "b", "c", "d"].map((name) => ({ name: `${name}.pdf`, mimeType: "application/pdf", buffer: pdf })));
    await page.waitForFunction(() => [...document.querySelectorAll(".card")].length === 4 &&
      [...document.querySelectorAll(".card")].every((card) => card.dataset.state === "done"), null, { timeout: 60_000 });
    assert.equal(counts.length, 8, `four starts and four ends: ${counts}`);
    assert.equal(Math.max(...counts), 2, `files running at once, after each start and end: ${counts}`);
    assert.deepEqual(counts.slice(0, 2), [1, 2], "the first two start together");
    assert.deepEqual(problems, []);
    await page.context().close();
  } finally {
    await slow.stop();
  }
});
