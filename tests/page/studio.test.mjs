// The Studio and the drop page together, as a team uses them: a schema built with the field
// builder, tried on a file, deployed as v1; the drop page follows the deployed version and never
// the saved draft; v2 goes live with no change on the drop page's side; v1 and v2 are compared
// and v1 rolled back to. Headless Chromium against a real reducto-local; screenshots saved.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { studio } from "../../scripts/studio.mjs";
import { launchChromium, openPage, screenshot, scrollsSideways } from "../support/browser.mjs";
import { pollUntil } from "../support/poll.mjs";
import { startReceiver } from "../support/receiver.mjs";
import { startServer } from "../support/server.mjs";

const invoicePdf = new URL("../../www/samples/invoice.pdf", import.meta.url).pathname;
let server, browser;

before(async () => {
  server = await startServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Adds a top-level field to the extract schema with the field builder (turning extract on
 * gives one blank field, which is filled first). */
async function addField(page, name, type, description = "") {
  const fields = page.locator(".step-editor .field:not(.children .field)");
  if ((await fields.count()) === 0 || (await fields.last().locator('input[name="field-name"]').inputValue()) !== "") {
    await page.locator(".step-editor .add-field:not(.children .add-field)").click();
  }
  const field = fields.last();
  await field.locator('input[name="field-name"]').fill(name);
  await field.locator('select[name="field-type"]').selectOption(type);
  if (description) await field.locator('input[name="field-description"]').fill(description);
}

/** Drops the sample invoice on the drop page and reads the fields of its card. */
async function fieldsOnTheDropPage(dropPage) {
  const before = await dropPage.locator(".card").count();
  await dropPage.setInputFiles("#file", invoicePdf);
  const card = dropPage.locator(".card").nth(before);
  await card.and(dropPage.locator('[data-state="done"]')).waitFor({ timeout: 30_000 });
  const rows = await card.locator("table.fields > tbody > tr").evaluateAll((all) =>
    all.map((row) => [row.dataset.field, row.querySelector("td").innerText]));
  return Object.fromEntries(rows);
}

test("a schema designed in the Studio, tried, deployed, redeployed, compared and rolled back; the drop page follows", async () => {
  const { page, problems } = await openPage(browser, `${server.url}/studio.html`);
  await page.fill("#new-name", "Invoices");
  await page.click("#create button");
  await page.waitForSelector("#editor:not([hidden])");
  const id = (await page.textContent("#pipeline-id")).trim();
  assert.match(id, /^[a-z0-9]{32}$/);
  assert.match(await page.textContent("#live"), /none/);

  // The field builder writes the JSON Schema; the raw JSON view follows it.
  await page.check('input[name="step-extract"]');
  await addField(page, "invoice_number", "string", "The invoice number");
  await addField(page, "total", "number", "The total amount due");
  await page.check('input[name="citations"]');
  const json = JSON.parse(await page.inputValue('textarea[name="steps-json"]'));
  assert.deepEqual(json.extract.schema, {
    type: "object",
    properties: {
      invoice_number: { type: "string", description: "The invoice number" },
      total: { type: "number", description: "The total amount due" },
    },
  });
  assert.equal(json.extract.citations, true);

  // Try the draft on a file: the same result view as the drop page, and nothing deployed.
  await page.setInputFiles("#try-file", invoicePdf);
  const tried = page.locator('#try-result tr[data-field="total"] td');
  await tried.waitFor({ timeout: 30_000 });
  assert.equal(await tried.innerText(), "3434.4");
  await page.locator('#try-result button[data-field="total"]').click();
  await page.locator('#try-result .document-page[data-page="1"] .box.citation').waitFor();
  assert.equal((await studio(server.url, "GET", `/${id}`)).deployed, null, "trying deploys nothing");

  // Deploy v1 behind the dialog that says what a deploy does.
  await page.click("#open-deploy");
  const dialog = page.locator("#deploy-dialog");
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /every caller of .* at once/);
  assert.match(await dialog.innerText(), /saved but not deployed never reach callers/);
  await page.fill("#version-name", "number and total");
  await page.click("#deploy");
  await page.waitForSelector('#versions tr[data-version="1"]');
  assert.equal(await page.textContent("#live"), "v1 (number and total)");
  await screenshot(page, "studio-deployed-v1");

  const { page: dropPage, problems: dropProblems } = await openPage(browser, `${server.url}/?pipeline=${id}`);
  assert.deepEqual(await fieldsOnTheDropPage(dropPage), { invoice_number: "HLS-2025-0142", total: "3434.4" });

  // A saved draft is never seen by callers.
  await addField(page, "customer_name", "string", "Who the invoice is billed to");
  await page.click("#save");
  // :text-is, not :text: "Unsaved changes" contains "saved" and would match at once.
  await page.waitForSelector("#draft-state:text-is('Saved')");
  assert.ok((await studio(server.url, "GET", `/${id}`)).draft.extract.schema.properties.customer_name, "the draft is saved");
  assert.deepEqual(await fieldsOnTheDropPage(dropPage), { invoice_number: "HLS-2025-0142", total: "3434.4" });

  // Deploying v2 changes what the same ID gives, with nothing changed on the drop page's side.
  await page.click("#open-deploy");
  await page.fill("#version-name", "adds the customer");
  await page.click("#deploy");
  await page.waitForSelector('#versions tr[data-version="2"]');
  assert.deepEqual(await fieldsOnTheDropPage(dropPage),
    { customer_name: "Northwind Traders", invoice_number: "HLS-2025-0142", total: "3434.4" });

  // v1 against v2: the new field is the difference.
  await page.selectOption("#compare-from", "1");
  await page.selectOption("#compare-to", "2");
  await page.click("#compare button");
  const diff = page.locator(".steps-diff");
  await diff.waitFor();
  const added = await diff.locator(".added").allInnerTexts();
  assert.ok(added.some((line) => line.includes('"customer_name"')), `added lines: ${added.join(" | ")}`);
  assert.equal(await diff.locator(".removed").count(), 0, "v2 only adds");
  await screenshot(page, "studio-diff");

  // Roll back to v1: live for callers at once.
  await page.click('#versions tr[data-version="1"] button');
  await page.waitForFunction(() => document.getElementById("live").textContent === "v1 (number and total)");
  assert.equal((await studio(server.url, "GET", `/${id}`)).deployed.version, 1);
  assert.deepEqual(await fieldsOnTheDropPage(dropPage), { invoice_number: "HLS-2025-0142", total: "3434.4" });
  await screenshot(dropPage, "drop-after-rollback");

  assert.deepEqual([...problems, ...dropProblems], []);
  await Promise.all([page.context().close(), dropPage.context().close()]);
});

test("rename, the Pipeline ID and all three snippets at once, validation before saving, webhook deliveries, keyboard and a narrow window", async () => {
  const { id } = await studio(server.url, "POST", "", { name: "Receipts", steps: { parse: {} } });
  // An async job whose webhook is delivered to a real receiver, which the Studio then lists.
  const receiver = await startReceiver();
  const form = new FormData();
  form.append("file", new Blob(["Receipt R-19\nAmount Paid: $99.95"]), "receipt.txt");
  const upload = await (await fetch(`${server.url}/upload`, { method: "POST", body: form })).json();
  const hook = `${receiver.url}/hook`;
  const started = await fetch(`${server.url}/parse_async`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ input: upload.file_id, async: { webhook: { mode: "direct", url: hook } } }),
  });
  const { job_id } = await started.json();
  const delivered = async () => (await (await fetch(`${server.url}/studio/webhooks`)).json()).deliveries
    .some((d) => d.job_id === job_id && d.state === "delivered");
  await pollUntil(delivered, { what: `the webhook delivery of job ${job_id}`, timeout: 10_000, interval: 100 });
  await receiver.stop();

  const { page, problems } = await openPage(browser, `${server.url}/studio.html?pipeline=${id}`, { width: 360, height: 800 });
  assert.equal((await page.textContent("#pipeline-id")).trim(), id);

  // Rename by keyboard only.
  await page.locator("#rename").focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Store receipts");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("name").textContent === "Store receipts");
  assert.equal((await studio(server.url, "GET", `/${id}`)).name, "Store receipts");
  assert.equal((await studio(server.url, "GET", `/${id}`)).id, id, "the ID does not change");

  const snippets = await page.locator("pre[data-snippet]").evaluateAll((all) =>
    Object.fromEntries(all.map((pre) => [pre.dataset.snippet, pre.textContent])));
  assert.deepEqual(Object.keys(snippets).sort(), ["python", "rest", "typescript"]);
  for (const [kind, code] of Object.entries(snippets)) assert.ok(code.includes(id), `${kind} names the pipeline`);

  const deliveries = await page.locator("#deliveries tbody tr").allInnerTexts();
  assert.ok(deliveries.some((row) => row.includes(job_id) && row.includes("delivered")), deliveries.join("\n"));

  // An invalid draft is refused in words before anything is sent.
  await page.check('input[name="step-split"]');
  await page.locator(".add-category").click();
  await page.click("#save");
  await page.waitForSelector("#message.error");
  assert.match(await page.textContent("#message"), /draft has errors: .*categor/i);
  assert.equal((await studio(server.url, "GET", `/${id}`)).draft.split, undefined, "nothing was saved");

  assert.equal(await scrollsSideways(page), false, "a 360 px window does not scroll sideways");
  await screenshot(page, "studio-narrow");
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("a key saved for Reducto's cloud is never sent to the local Studio", async () => {
  const cloudKey = "sk-cloud-key-never-local-0123";
  const { page, problems } = await openPage(browser, `${server.url}/studio.html`,
    { settings: { baseURL: "https://platform.reducto.ai", apiKey: cloudKey } });
  const sent = [];
  page.on("request", (request) => sent.push(request.headers().authorization ?? ""));
  await page.fill("#new-name", "Local only");
  await page.click("#create button");
  await page.waitForSelector("#editor:not([hidden])");
  await page.setInputFiles("#try-file", invoicePdf);
  await page.locator("#try-result .result").waitFor({ timeout: 30_000 });
  assert.ok(sent.length > 3, "the Studio made its calls");
  assert.ok(sent.every((header) => !header.includes(cloudKey)), "no request carried the cloud key");
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("Export all downloads reducto.pipelines.json, and Import… on another server brings every pipeline with its ID", async () => {
  const { id } = await studio(server.url, "POST", "", { name: "Exported", steps: { parse: {} } });
  await studio(server.url, "POST", `/${id}/deploy`, { version_name: "first" });
  const { page, problems } = await openPage(browser, `${server.url}/studio.html`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  assert.equal(download.suggestedFilename(), "reducto.pipelines.json");
  const saved = join(tmpdir(), `reducto.pipelines-${process.pid}.json`);
  await download.saveAs(saved);
  const file = JSON.parse(await readFile(saved, "utf8"));
  assert.ok(file.pipelines.some((pipeline) => pipeline.id === id && pipeline.live_version === 1), JSON.stringify(file));
  await page.context().close();

  const other = await startServer();
  try {
    const { page: otherPage, problems: otherProblems } = await openPage(browser, `${other.url}/studio.html`);
    await otherPage.setInputFiles("#import-file", saved);
    await otherPage.waitForFunction(() => /^Imported/.test(document.getElementById("message").textContent));
    assert.match(await otherPage.textContent("#message"), new RegExp(id));
    assert.ok(await otherPage.locator("#pipelines button", { hasText: "Exported" }).count() > 0, "listed");
    const imported = await studio(other.url, "GET", `/${id}`);
    assert.deepEqual([imported.name, imported.deployed.version, imported.deployed.version_name], ["Exported", 1, "first"]);

    // A file that is not a pipelines file is refused in words, naming where.
    const bad = join(tmpdir(), "not-pipelines.json");
    await writeFile(bad, JSON.stringify({ pipelines: [{ id: "has space", name: "X" }] }));
    await otherPage.setInputFiles("#import-file", bad);
    await otherPage.waitForSelector("#message.error");
    assert.match(await otherPage.textContent("#message"), /pipelines\.0\.id: 'has space' is not a pipeline ID/);
    await otherPage.context().close();
    assert.deepEqual(otherProblems.filter((p) => !/422/.test(p)), []);
  } finally {
    await other.stop();
  }
  assert.deepEqual(problems, []);
});
