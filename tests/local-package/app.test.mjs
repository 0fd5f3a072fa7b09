// A user's own test suite (node:test), as it runs in their project: reducto-local, reducto-wasm
// and reductoai installed from npm, the app's Pipeline ID served from its reducto.pipelines.json,
// and a rate limit scripted to see the clients retry. tests/local-package/ runs it in a fresh
// project made from the packed tarballs.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import { startReductoLocal } from "reducto-local";
import { Reducto } from "reducto-wasm";
import ReductoSDK from "reductoai";

const PIPELINE_ID = "k9Xw-app-invoices"; // the ID the app's code holds
let server;

before(async () => {
  server = await startReductoLocal({ pipelines: "reducto.pipelines.json", faults: true });
});
after(() => server?.close());

const pdf = () => readFile(new URL("./document.pdf", import.meta.url));

test("reducto-wasm runs the app's pipeline by its ID, and retries a scripted 429", async () => {
  const client = new Reducto({ baseURL: server.url });
  const upload = await client.upload(await pdf(), { extension: "pdf" });
  await server.faults.reset();
  await server.faults.next({ method: "POST", path: "/pipeline", status: 429, headers: { "retry-after-ms": "20" }, times: 2 });
  const result = await client.pipeline.run({ input: upload, pipeline_id: PIPELINE_ID });
  assert.equal(result.usage.num_pages, 4);
  assert.equal(result.result.parse.result.chunks.length, 4, "v1 of the file: a chunk per page");
  const runs = (await server.faults.requests()).filter((r) => r.method === "POST" && r.path === "/pipeline");
  assert.deepEqual(runs.map((r) => r.faulted), [true, true, false], "two 429s, then the run");
});

test("the official reductoai SDK runs the same ID, and retries a scripted 429", async () => {
  const client = new ReductoSDK({ apiKey: "not-needed-locally", baseURL: server.url });
  const upload = await client.upload({ file: new File([await pdf()], "document.pdf") });
  await server.faults.reset();
  await server.faults.next({ method: "POST", path: "/pipeline", status: 429, headers: { "retry-after-ms": "20" } });
  const result = await client.pipeline.run({ input: upload.file_id, pipeline_id: PIPELINE_ID });
  assert.equal(result.usage.num_pages, 4);
  const runs = (await server.faults.requests()).filter((r) => r.method === "POST" && r.path === "/pipeline");
  assert.deepEqual(runs.map((r) => r.faulted), [true, false]);
});
