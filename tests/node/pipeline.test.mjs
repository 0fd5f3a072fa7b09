// reducto-wasm in Node.js ≥ 20: the same entry as in browsers, the wasm read from the package's
// own files, against a real reducto-local.
import assert from "node:assert/strict";
import { openAsBlob, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { deployPipeline } from "../../scripts/studio.mjs";
import { startServer } from "../support/server.mjs";
import * as pkg from "../../pkg/node.js";
import { AuthenticationError, NotFoundError, ReductoError, Reducto } from "../../pkg/node.js";

const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url);
let server, pipelineId;

before(async () => {
  server = await startServer();
  pipelineId = await deployPipeline(server.url, "Node", { parse: { options: { chunking: { chunk_mode: "page" } } } });
});
after(() => server?.stop());

test("the package exports the client, its resources and the error classes, nothing internal", () => {
  assert.deepEqual(Object.keys(pkg).sort(), [
    "APIConnectionError", "APIConnectionTimeoutError", "APIError", "APIUserAbortError", "AuthenticationError",
    "BadRequestError", "Classify", "ConflictError", "Edit", "Extract", "InternalServerError", "Job", "JobFailedError",
    "JobWaitTimeoutError", "NotFoundError", "Parse", "PermissionDeniedError", "Pipeline", "RateLimitError", "Reducto", "ReductoError", "Split",
    "UnprocessableEntityError", "Webhook",
  ]);
  assert.ok(new pkg.ConflictError("x", 409, {}, null) instanceof pkg.APIError);
});

test("no typings in the package use any", () => {
  const root = new URL("../../pkg/", import.meta.url).pathname;
  const declarations = readdirSync(root, { recursive: true }).filter((file) => file.endsWith(".d.ts"));
  assert.ok(declarations.includes("index.d.ts") && declarations.includes("reducto_wasm.d.ts"), `${declarations}`);
  for (const file of declarations) {
    // Comments may say "any"; declarations may not.
    const code = readFileSync(join(root, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    assert.doesNotMatch(code, /\bany\b/, `${file} declares something as any`);
  }
});

test("a Node script uploads a file and runs a deployed pipeline", async () => {
  const client = new Reducto({ baseURL: server.url, apiKey: "any key: the server has none" });
  const progress = [];
  const upload = await client.upload(await openAsBlob(fourPagesPdf), { onProgress: (p) => progress.push(p) });
  assert.match(upload.file_id, /^reducto:\/\/.+\.pdf$/, "the type is told from the first bytes");
  assert.ok(progress.length > 0, "onProgress was called (once, at the end: Node has no XMLHttpRequest)");
  assert.equal(progress.at(-1).loaded, progress.at(-1).total, "progress ends at the file size");

  const result = await client.pipeline.run({ input: upload, pipeline_id: pipelineId });
  assert.equal(result.usage.num_pages, 4);
  assert.equal(result.result.parse.result.chunks.length, 4);
});

test("a script may take its server and key from REDUCTO_BASE_URL and REDUCTO_API_KEY", async () => {
  const key = "node-environment-test-key-0123456789";
  const locked = await startServer(["--api-key", key]);
  const saved = { url: process.env.REDUCTO_BASE_URL, key: process.env.REDUCTO_API_KEY };
  const restore = (name, value) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
  try {
    process.env.REDUCTO_BASE_URL = locked.url;
    process.env.REDUCTO_API_KEY = key;
    assert.match(await new Reducto({ maxRetries: 0 }).apiVersion(), /reducto-local/, "the key from the environment opens the server");
    // The same server refuses the same script with another key, or with none: so the key above
    // was the one that came from the environment.
    process.env.REDUCTO_API_KEY = "not-the-key-of-this-server";
    await assert.rejects(new Reducto({ maxRetries: 0 }).apiVersion(), (error) =>
      error instanceof AuthenticationError && error.status === 401 && error.message === "Invalid API key");
    delete process.env.REDUCTO_API_KEY;
    await assert.rejects(new Reducto({ maxRetries: 0 }).apiVersion(), (error) =>
      error instanceof AuthenticationError && error.status === 401 && /^Missing API key/.test(error.message));
  } finally {
    restore("REDUCTO_BASE_URL", saved.url);
    restore("REDUCTO_API_KEY", saved.key);
    await locked.stop();
  }
});

test("Reducto's cloud without a key is refused at construction, as the official SDK does", () => {
  const saved = { url: process.env.REDUCTO_BASE_URL, key: process.env.REDUCTO_API_KEY };
  delete process.env.REDUCTO_BASE_URL;
  delete process.env.REDUCTO_API_KEY;
  try {
    for (const options of [undefined, {}, { environment: "eu" }, { apiKey: "" }]) {
      assert.throws(() => new Reducto(options), (error) =>
        error instanceof ReductoError && /options\.apiKey is missing/.test(error.message) && /REDUCTO_API_KEY/.test(error.message),
      JSON.stringify(options));
    }
    assert.ok(new Reducto({ baseURL: server.url }), "a server of your own needs no key");
    process.env.REDUCTO_API_KEY = "from-the-environment";
    assert.ok(new Reducto(), "the key may come from the environment");
  } finally {
    for (const [name, value] of [["REDUCTO_BASE_URL", saved.url], ["REDUCTO_API_KEY", saved.key]]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test("errors are the same classes in Node, with their own names and readable stacks", async () => {
  const client = new Reducto({ baseURL: server.url });
  const upload = await client.upload(await openAsBlob(fourPagesPdf));
  await assert.rejects(client.pipeline.run({ input: upload, pipeline_id: "0".repeat(32) }), (error) => {
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.name, "NotFoundError");
    assert.equal(error.constructor.name, "NotFoundError", "the package ships readable, unminified classes");
    assert.match(error.stack, /errors\.js/, "the stack points at the package's own readable files");
    return true;
  });
  await assert.rejects(client.pipeline.run({ input: 42, pipeline_id: pipelineId }), (error) =>
    error instanceof ReductoError && /params\.input/.test(error.message));
});
