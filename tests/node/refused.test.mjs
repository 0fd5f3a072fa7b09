// An upload refused before its body is read (here: a wrong key) is still an answer. The server
// answers 401 while the client is still sending 5 MB; every client must get that 401 and its
// detail, 20 times in a row, never a connection error: Node's fetch, the official Node SDK,
// reducto-wasm in Node, and Chromium's fetch and reducto-wasm in a page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Reducto, { AuthenticationError as OfficialAuthenticationError } from "reductoai";
import { AuthenticationError, Reducto as ReductoWasm } from "../../pkg/node.js";
import { launchChromium } from "../support/browser.mjs";
import { startServer } from "../support/server.mjs";

const TRIES = 20;
const FIVE_MB = 5 * 1024 * 1024;
const wrongKey = "not-the-key-of-this-server";
let server, browser;

before(async () => {
  server = await startServer(["--api-key", "the-only-right-key-0123456789"]);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const document = () => new Blob([new Uint8Array(FIVE_MB).fill(0x25)], { type: "application/pdf" });

test("Node's fetch gets the 401 and its detail", async () => {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const form = new FormData();
    form.append("file", document(), "big.pdf");
    const response = await fetch(`${server.url}/upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${wrongKey}` },
      body: form,
    });
    assert.equal(response.status, 401, `attempt ${attempt}`);
    assert.equal((await response.json()).detail, "Invalid API key", `attempt ${attempt}`);
  }
});

test("the official Node SDK gets an AuthenticationError", async () => {
  const client = new Reducto({ apiKey: wrongKey, baseURL: server.url, maxRetries: 0 });
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const error = await client.upload({ file: new File([document()], "big.pdf") }).catch((e) => e);
    assert.ok(error instanceof OfficialAuthenticationError, `attempt ${attempt}: ${error}`);
    assert.equal(error.status, 401);
  }
});

test("reducto-wasm in Node gets an AuthenticationError", async () => {
  const client = new ReductoWasm({ apiKey: wrongKey, baseURL: server.url, maxRetries: 0 });
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const error = await client.upload(document()).catch((e) => e);
    assert.ok(error instanceof AuthenticationError, `attempt ${attempt}: ${error}`);
    assert.equal(error.message, "Invalid API key");
  }
});

test("Chromium's fetch and reducto-wasm in a page get the 401 and its detail", async () => {
  const page = await browser.newPage();
  // The server's own page: a keyed server serves its pages without the key.
  await page.goto(`${server.url}/`);
  const answers = await page.evaluate(async ({ tries, size, key }) => {
    const { Reducto, AuthenticationError } = await import("/pkg/index.js");
    const client = new Reducto({ apiKey: key, baseURL: location.origin, maxRetries: 0 });
    const answers = [];
    for (let attempt = 0; attempt < tries; attempt++) {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(size)]), "big.pdf");
      try {
        const response = await fetch("/upload", { method: "POST", headers: { authorization: `Bearer ${key}` }, body: form });
        answers.push(`fetch ${response.status} ${(await response.json()).detail}`);
      } catch (error) {
        answers.push(`fetch failed: ${error}`);
      }
      const error = await client.upload(new Blob([new Uint8Array(size)])).catch((e) => e);
      answers.push(`reducto-wasm ${error instanceof AuthenticationError ? error.status : "not an AuthenticationError"} ${error.message}`);
    }
    return answers;
  }, { tries: TRIES, size: FIVE_MB, key: wrongKey });
  const expected = Array.from({ length: TRIES }, () => ["fetch 401 Invalid API key", "reducto-wasm 401 Invalid API key"]).flat();
  assert.deepEqual(answers, expected);
});
