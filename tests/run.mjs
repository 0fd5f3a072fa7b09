// `npm test`: every test, in order, each against real processes. Runs after `npm run build`.
//   1. cargo test: unit tests of the client (native) and the server (routes, engine, store)
//   2. wasm-pack test: the client in headless Chromium against real reducto-local servers
//   3. page tests: the optimized pkg/ in the demo page and in a Vite app, driven by Playwright
//   4. Node.js: the same package imported by a Node script, and the official `reductoai` SDKs
//      (Node and Python) against reducto-local
//      and the engine's quality goals on the generated corpus
//   5. TypeScript: consumers written from the contract type-check against pkg/index.d.ts
// `node tests/run.mjs browser page` runs only the steps whose names contain those words.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writePacket } from "./support/packet.mjs";
import { startReceiver } from "./support/receiver.mjs";
import { startServer } from "./support/server.mjs";

const root = new URL("..", import.meta.url).pathname;
const failures = [];
const only = process.argv.slice(2).map((word) => word.toLowerCase());
const wanted = (name) => only.length === 0 || only.some((word) => name.toLowerCase().includes(word));

function step(name, cmd, args, env = {}) {
  if (!wanted(name)) return;
  console.log(`\n\x1b[1m▶ ${name}\x1b[0m  (${cmd} ${args.join(" ")})`);
  const { status } = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (status !== 0) failures.push(name);
}

step("Rust unit tests", "cargo", ["test", "--workspace"]);

writePacket();
const apiKey = randomBytes(16).toString("hex");
const servers = await Promise.all([
  startServer(),
  startServer(["--api-key", apiKey]),
  startServer(["--enable-faults"]),
  // Every parse result of this one is over its inline limit, so it answers with URLs.
  startServer(["--inline-result-limit-mb", "0.001"]),
]);
const [open, locked, faults, small] = servers;
const receiver = await startReceiver();
try {
  // The shipped build is the tested build: the same features and the same size profile as pkg/.
  step("Client in headless Chromium (wasm-pack test)", "wasm-pack",
    ["test", "--headless", "--chrome", "--", "--profile", "wasm-release"], {
    CHROMEDRIVER: "/usr/bin/chromedriver",
    // The runner's limit for the whole suite (its default is 20 s); the slowest tests wait for
    // a webhook's retry and list 120 jobs.
    WASM_BINDGEN_TEST_TIMEOUT: "180",
    REDUCTO_TEST_URL: open.url,
    REDUCTO_TEST_AUTH_URL: locked.url,
    REDUCTO_TEST_API_KEY: apiKey,
    REDUCTO_TEST_FAULTS_URL: faults.url,
    REDUCTO_TEST_SMALL_RESULTS_URL: small.url,
    REDUCTO_TEST_HOOK_URL: receiver.url,
  });
} finally {
  await Promise.all([...servers.map((server) => server.stop()), receiver.stop()]);
}

step("Page tests (Playwright, Chromium)", "node", ["--test", "tests/page/drop.test.mjs", "tests/page/studio.test.mjs", "tests/page/vite.test.mjs"]);
step("Node.js", "node", ["--test", "tests/node/pipeline.test.mjs", "tests/node/refused.test.mjs"]);
step("Engine quality on the corpus (the goals of npm run bench)", "node", ["--test", "tests/node/quality.test.mjs"]);
step("The official reductoai SDK against reducto-local", "node", ["--test", "tests/sdk/official.test.mjs"]);
step("The official Python SDK against reducto-local", "node", ["--test", "tests/sdk/official-python.test.mjs"]);
step("TypeScript consumers", "tsc", ["-p", "tests/typescript/tsconfig.json"]);

if (failures.length) {
  console.error(`\n\x1b[31mFailed: ${failures.join(", ")}\x1b[0m`);
  process.exit(1);
}
console.log("\n\x1b[32mAll tests passed.\x1b[0m");
