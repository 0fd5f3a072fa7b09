// `npm test`: every test, each against real processes. Runs after `npm run build`.
//   1. cargo test: unit tests of the client (native) and the server, and the server's
//      integration tests (one crate, server/tests/it/)
//   2. wasm-pack test: the client in headless Chromium, then in headless Firefox, against real
//      reducto-local servers
//   3. at the same time, since each starts its own servers: the page tests (the optimized pkg/
//      in the demo page and an app built by each bundler, driven by Playwright), the runtimes
//      (the packed package in Node.js, Deno, Bun and a Worker in workerd), reducto-local's npm
//      package in a user's project (its own test suite, from the tarballs), Node.js (the
//      package imported by Node scripts), the engine's quality goals, the official `reductoai`
//      SDKs (Node and Python) against reducto-local, and TypeScript consumers of pkg/index.d.ts
// Each step's time is printed at the end. `node tests/run.mjs browser page` runs only the steps
// whose names contain those words.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writePacket } from "./support/packet.mjs";
import { startReceiver } from "./support/receiver.mjs";
import { startServer } from "./support/server.mjs";

const root = new URL("..", import.meta.url).pathname;
const only = process.argv.slice(2).map((word) => word.toLowerCase());
const wanted = (name) => only.length === 0 || only.some((word) => name.toLowerCase().includes(word));
/** Each step that ran: its name, whether it passed and how long it took. */
const ran = [];

/**
 * Runs one step. With `buffered`, its output is held and printed whole when it ends, so steps
 * that run at the same time do not interleave their lines.
 */
async function step(name, cmd, args, { env = {}, buffered = false } = {}) {
  if (!wanted(name)) return;
  const title = `\n\x1b[1m▶ ${name}\x1b[0m  (${cmd} ${args.join(" ")})`;
  if (!buffered) console.log(title);
  const started = performance.now();
  const child = spawn(cmd, args, {
    cwd: root,
    stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit",
    env: { ...process.env, ...env },
  });
  const output = [];
  if (buffered) {
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
  }
  const status = await new Promise((resolve) => {
    child.once("error", (error) => {
      output.push(Buffer.from(`${error.message}\n`));
      resolve(1);
    });
    child.once("close", (code) => resolve(code));
  });
  if (buffered) {
    console.log(title);
    process.stdout.write(Buffer.concat(output));
  }
  ran.push({ name, passed: status === 0, seconds: (performance.now() - started) / 1000 });
}

const started = performance.now();
await step("Rust unit and integration tests", "cargo", ["test", "--workspace"]);

// The client in each browser, one after the other: the fault-injection server's faults are
// shared, so two suites at once would trip over each other's.
const browsers = [
  ["Client in headless Chromium (wasm-pack test)", "--chrome", { CHROMEDRIVER: "/usr/bin/chromedriver" }],
  ["Client in headless Firefox (wasm-pack test)", "--firefox", {}],
].filter(([name]) => wanted(name));
if (browsers.length > 0) {
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
    for (const [name, browser, driver] of browsers) {
      // The shipped build is the tested build: the same features and the same size profile as pkg/.
      await step(name, "wasm-pack", ["test", "--headless", browser, "--", "--profile", "wasm-release"], {
        env: {
          ...driver,
          // The runner's limit for the whole suite (its default is 20 s); the slowest tests
          // wait for a webhook's retry and list 120 jobs.
          WASM_BINDGEN_TEST_TIMEOUT: "180",
          REDUCTO_TEST_URL: open.url,
          REDUCTO_TEST_AUTH_URL: locked.url,
          REDUCTO_TEST_API_KEY: apiKey,
          REDUCTO_TEST_FAULTS_URL: faults.url,
          REDUCTO_TEST_SMALL_RESULTS_URL: small.url,
          REDUCTO_TEST_HOOK_URL: receiver.url,
        },
      });
    }
  } finally {
    await Promise.all([...servers.map((server) => server.stop()), receiver.stop()]);
  }
}

const together = { buffered: true };
await Promise.all([
  step("Page tests (Playwright, Chromium)", "node",
    ["--test", "tests/page/drop.test.mjs", "tests/page/studio.test.mjs", "tests/page/bundlers.test.mjs"], together),
  step("Runtimes from the packed package (Node.js, Deno, Bun, workerd)", "node",
    ["--test", "tests/runtimes/runtimes.test.mjs"], together),
  step("reducto-local in a user's project, from the tarballs", "node",
    ["--test", "tests/local-package/local-package.test.mjs"], together),
  step("Node.js", "node",
    ["--test", "tests/node/pipeline.test.mjs", "tests/node/refused.test.mjs", "tests/node/wire.test.mjs",
      "tests/node/layers.test.mjs", "tests/node/steps.test.mjs"], together),
  step("Engine quality on the corpus (the goals of npm run bench)", "node",
    ["--test", "tests/node/quality.test.mjs"], together),
  step("The official reductoai SDK against reducto-local", "node", ["--test", "tests/sdk/official.test.mjs"], together),
  step("The official Python SDK against reducto-local", "node",
    ["--test", "tests/sdk/official-python.test.mjs"], together),
  step("TypeScript consumer, an ES module (bundler resolution)", "node_modules/.bin/tsc",
    ["-p", "tests/typescript/tsconfig.json"], together),
  step("TypeScript consumer, CommonJS (nodenext)", "node_modules/.bin/tsc",
    ["-p", "tests/typescript/tsconfig.commonjs.json"], together),
]);

console.log("\n\x1b[1mTime per step\x1b[0m");
for (const { name, passed, seconds } of ran) {
  console.log(`  ${passed ? "ok    " : "FAILED"} ${seconds.toFixed(1).padStart(7)} s  ${name}`);
}
console.log(`  ${"".padEnd(6)} ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  in all`);

const failures = ran.filter((step) => !step.passed).map((step) => step.name);
if (failures.length) {
  console.error(`\n\x1b[31mFailed: ${failures.join(", ")}\x1b[0m`);
  process.exit(1);
}
console.log("\n\x1b[32mAll tests passed.\x1b[0m");
