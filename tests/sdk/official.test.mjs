// The official `reductoai` SDK, unchanged, against reducto-local: the server is a faithful
// stand-in for Reducto's API (uploads from a stream, pipelines, jobs, classify, edit, webhooks,
// errors).
import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { after, before, test } from "node:test";
import Reducto, { AuthenticationError, NotFoundError } from "reductoai";
import { deployPipeline } from "../../scripts/studio.mjs";
import { writePacket } from "../support/packet.mjs";
import { startServer } from "../support/server.mjs";

const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url).pathname;
const packetPdf = new URL("../../target/test-fixtures/packet.pdf", import.meta.url).pathname;
const formPdf = new URL("../fixtures/forms/application.pdf", import.meta.url).pathname;
const apiKey = "official-sdk-test-key";
let server, client, pipelineId;

before(async () => {
  writePacket();
  // Faults, to slow the engine down so that a job is still running when the test cancels it.
  server = await startServer(["--api-key", apiKey, "--enable-faults"]);
  client = new Reducto({ apiKey, baseURL: server.url, maxRetries: 0 });
  const headers = { authorization: `Bearer ${apiKey}` };
  pipelineId = await deployPipeline(server.url, "Official SDK", { parse: {} }, "v1", headers);
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
  let job = await client.job.get(job_id);
  for (let polls = 0; job.status === "Pending" && polls < 200; polls++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = await client.job.get(job_id);
  }
  assert.equal(job.status, "Completed");
  assert.equal(job.result.usage.num_pages, 4);
});

test("parse.run, job.getAll and cancel", async () => {
  const upload = await client.upload({ file: createReadStream(fourPagesPdf) });
  const parsed = await client.parse.run({ input: upload.file_id });
  assert.equal(parsed.usage.num_pages, 4);
  await slowPages(500);
  try {
    const { job_id } = await client.parse.runJob({ input: upload.file_id });
    const all = await client.job.getAll({ limit: 10 });
    assert.ok(all.jobs.some((job) => job.job_id === job_id), "the new job is listed");
    await client.job.cancel(job_id);
    const cancelled = await client.job.get(job_id);
    assert.equal(cancelled.status, "Failed", "a cancelled job reads as Failed, as on Reducto's cloud");
    assert.match(cancelled.reason, /Cancelled by the user/);
  } finally {
    await slowPages(0);
  }
  await assert.rejects(client.job.get("no-such-job"), NotFoundError);
});

/** Makes the server's engine take `ms` per page (`--enable-faults`), or no extra time with 0. */
async function slowPages(ms) {
  const response = await fetch(`${server.url}/_faults/engine`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ page_delay_ms: ms }),
  });
  assert.equal(response.status, 200, await response.text());
}

test("extract and split", async () => {
  const upload = await client.upload({ file: createReadStream(fourPagesPdf) });
  const extracted = await client.extract.run({
    input: upload.file_id,
    instructions: { schema: { type: "object", properties: { title: { type: "string" } } } },
  });
  assert.equal(extracted.usage.num_pages, 4);
  assert.ok(Array.isArray(extracted.result));
  const split = await client.split.run({
    input: upload.file_id,
    split_description: [{ name: "Text", description: "Pages of running text" }],
  });
  assert.equal(split.usage.num_pages, 4);
  assert.ok(Array.isArray(split.result.splits));
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
