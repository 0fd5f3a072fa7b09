// A Vitest suite of the app's own, against the reducto-local its globalSetup started.
import { readFile } from "node:fs/promises";
import { expect, inject, test } from "vitest";
import { Reducto } from "reducto-wasm";

test("the app's pipeline runs by the ID its code holds", async () => {
  const client = new Reducto({ baseURL: inject("reductoURL") });
  const upload = await client.upload(await readFile(new URL("./document.pdf", import.meta.url)), { extension: "pdf" });
  const result = await client.pipeline.run({ input: upload, pipeline_id: "k9Xw-app-invoices" });
  expect(result.usage.num_pages).toBe(4);
  expect(result.result.parse.result.chunks).toHaveLength(4);
});
