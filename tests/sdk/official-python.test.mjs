// The official Python SDK against reducto-local: starts a server that wants an API key, then runs
// tests/sdk/official_python.py (plain unittest) with the pinned SDK's virtual environment, made by
// scripts/bootstrap.sh in target/python-sdk. The Python test's own output says what failed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { writePacket } from "../support/packet.mjs";
import { startServer } from "../support/server.mjs";

const root = new URL("../..", import.meta.url).pathname;
const python = `${root}target/python-sdk/bin/python`;
const apiKey = "official-python-sdk-test-key";
let server;

before(async () => {
  writePacket();
  server = await startServer(["--api-key", apiKey]);
});
after(() => server?.stop());

test("the official Python SDK (reductoai) runs unchanged against reducto-local", async () => {
  assert.ok(existsSync(python), `${python} is missing: run scripts/bootstrap.sh`);
  // Asynchronous, not spawnSync: this process must keep draining the server's output meanwhile.
  const child = spawn(python, ["tests/sdk/official_python.py"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, REDUCTO_TEST_URL: server.url, REDUCTO_TEST_API_KEY: apiKey },
  });
  const [code, signal] = await once(child, "exit");
  assert.equal(code, 0, `official_python.py failed (${signal ?? `exit ${code}`}): see its unittest report above`);
});
