// The official `reductoai` SDK, unchanged, against reducto-local: the server is a faithful
// stand-in for Reducto's API (uploads from a stream, pipelines, jobs, classify, edit, webhooks,
// errors).
import assert from "node:assert/strict";
import { createReadStream, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import Reducto, { AuthenticationError, NotFoundError, UnprocessableEntityError } from "reductoai";
import { deployPipeline } from "../../scripts/studio.mjs";
import { setPageDelay } from "../support/faults.mjs";
import { formValues } from "../support/forms.mjs";
import { writePacket } from "../support/packet.mjs";
import { waitForJob } from "../support/poll.mjs";
import { startServer } from "../support/server.mjs";

const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
const packetPdf = new URL("../../target/test-fixtures/packet.pdf", import.meta.url).pathname;
const formPdf = new URL("../fixtures/forms/application.pdf", import.meta.url).pathname;
const apiKey = "official-sdk-test-key";
const keyHeader = { authorization: `Bearer ${apiKey}` };
let server, client, pipelineId;

before(async () => {
  writePacket();
  // Faults, to slow the engine down so that a job is still running when the test cancels it.
  server = await startServer(["--api-key", apiKey, "--enable-faults"]);
  client = new Reducto({ apiKey, baseURL: server.url, maxRetries: 0 });
  pipelineId = await deployPipeline(server.url, "Official SDK", { parse: {} }, "v1", keyHeader);
});
after(() => server?.stop());

test("upload from a stream, then pipeline.run", async () => {
  const upload = await client.upload({ file: createReadStream(fourPagesPdf), extension: "pdf" });
  assert.match(upload.file_id, /^reducto:\/\//);
  const result = await client.pipeline.run({ input: upload.file_id, pipeline_id: pipelineId });
  assert.equal(result.usage.num_pages, 4);
  assert.equal(result.result.parse.usage.num_pages, 4);
});

test("runJob, then job.get until it completes", async () => {
  const upload = await client.upload({ file: createReadStream(fourPagesPdf) });
  const { job_id } = await client.pipeline.runJob({ input: upload.file_id, pipeline_id: pipelineId });
  const job = await waitForJob(() => client.job.get(job_id));
  assert.equal(job.status, "Completed");
  assert.equal(job.result.usage.num_pages, 4);
});

test("parse.run, job.getAll and cancel", async () => {
  const upload = await client.upload({ file: createReadStream(fourPagesPdf) });
  const parsed = await client.parse.run({ input: upload.file_id });
  assert.equal(parsed.usage.num_pages, 4);
  await setPageDelay(server.url, 500, keyHeader);
  try {
    const { job_id } = await client.parse.runJob({ input: upload.file_id });
    const all = await client.job.getAll({ limit: 10 });
    assert.ok(all.jobs.some((job) => job.job_id === job_id), "the new job is listed");
    await client.job.cancel(job_id);
    const cancelled = await client.job.get(job_id);
    assert.equal(cancelled.status, "Failed", "a cancelled job reads as Failed, as on Reducto's cloud");
    assert.match(cancelled.reason, /Cancelled by the user/);
  } finally {
    await setPageDelay(server.url, 0, keyHeader);
  }
  await assert.rejects(client.job.get("no-such-job"), NotFoundError);
});

test("parse options reach the engine: page_range, page markers, and a bad option's 422", async () => {
  const upload = await client.upload({ file: createReadStream(fourPagesPdf) });
  const parsed = await client.parse.run({
    input: upload.file_id,
    settings: { page_range: [{ start: 2, end: 3 }] },
    formatting: { add_page_markers: true, table_output_format: "html" },
  });
  assert.equal(parsed.usage.num_pages, 2);
  const blocks = parsed.result.chunks.flatMap((chunk) => chunk.blocks);
  assert.deepEqual([...new Set(blocks.map((b) => `${b.bbox.page}:${b.bbox.original_page}`))], ["1:2", "2:3"]);
  assert.match(parsed.result.chunks[0].content, /^\[\[START OF PAGE 1\]\]/);
  await assert.rejects(
    client.parse.run({ input: upload.file_id, formatting: { table_output_format: "markdown" } }),
    (error) => error instanceof UnprocessableEntityError && /table_output_format/.test(error.message),
  );
});

test("extract reads the packet's invoice fields; split finds its three documents and their pages", async () => {
  // The packet (tests/support/packet.mjs): an invoice, a purchase order and a receipt, a page each.
  const upload = await client.upload({ file: createReadStream(packetPdf) });
  const extracted = await client.extract.run({
    input: upload.file_id,
    instructions: { schema: { type: "object", properties: {
      invoice_number: { type: "string", description: "The invoice number" },
      invoice_date: { type: "string", format: "date", description: "The date of the invoice" },
      vendor_name: { type: "string", description: "Who issued the invoice" },
      total: { type: "number", description: "The total amount due" },
    } } },
  });
  assert.equal(extracted.usage.num_pages, 3);
  assert.deepEqual(extracted.result, [
    { invoice_number: "INV-2041", invoice_date: "2024-03-05", vendor_name: "Acme Corp", total: 1250 },
  ]);
  const split = await client.split.run({
    input: upload.file_id,
    split_description: [
      { name: "Invoice", description: "Bills with an invoice number and a total due" },
      { name: "Purchase order", description: "Orders with a PO number" },
      { name: "Receipt", description: "Proof of payment" },
    ],
  });
  assert.equal(split.usage.num_pages, 3);
  assert.deepEqual(split.result.splits.map(({ name, pages }) => ({ name, pages })), [
    { name: "Invoice", pages: [1] },
    { name: "Purchase order", pages: [2] },
    { name: "Receipt", pages: [3] },
  ], JSON.stringify(split.result));
});

test("classify.run picks the category whose criteria the document meets", async () => {
  const upload = await client.upload({ file: createReadStream(packetPdf) });
  const classified = await client.classify.run({
    input: upload.file_id,
    classification_schema: [
      { category: "invoice", criteria: ["invoice number", "total due"] },
      { category: "recipe", criteria: ["ingredients", "oven"] },
    ],
  });
  assert.equal(classified.result.category, "invoice", `classified as ${JSON.stringify(classified.result)}`);
});

test("edit.run fills a form and returns a URL to download the PDF", async () => {
  const upload = await client.upload({ file: createReadStream(formPdf) });
  const edited = await client.edit.run({ document_url: upload.file_id, edit_instructions: "Full name: Ada Lovelace" });
  // A presigned-style URL: it downloads without the API key, as on Reducto's cloud.
  const response = await fetch(edited.document_url);
  assert.equal(response.status, 200, `downloading ${edited.document_url}`);
  const document = Buffer.from(await response.arrayBuffer());
  assert.equal(document.subarray(0, 4).toString("latin1"), "%PDF", `${edited.document_url} is not a PDF`);
  assert.ok(!document.equals(readFileSync(formPdf)), "the download is not the original form");
  // Read back by another reader (pdf.js): the field holds the value, and nothing else changed.
  const [before, after] = await Promise.all([formValues(readFileSync(formPdf)), formValues(document)]);
  assert.deepEqual(before, { full_name: "", date: "", amount: "", member: "Off" });
  assert.deepEqual(after, { full_name: "Ada Lovelace", date: "", amount: "", member: "Off" });
});

test("webhook.run returns the URL of the server's webhook page", async () => {
  const url = await client.webhook.run();
  assert.equal(typeof url, "string");
  assert.equal(new URL(url).origin, new URL(server.url).origin, `${url} is not on the server`);
});

test("a wrong key is an AuthenticationError", async () => {
  const wrong = new Reducto({ apiKey: "wrong", baseURL: server.url, maxRetries: 0 });
  await assert.rejects(wrong.apiVersion(), AuthenticationError);
});
