// reducto-local in someone else's project, from the tarballs: `npm pack` of the reducto-local
// package, its platform package and reducto-wasm, installed into a fresh project with the
// official reductoai SDK and Vitest; then that project's own test suites run there: node:test
// (app.test.mjs) and Vitest with a globalSetup (vitest/). And a server whose test runner is
// killed stops by itself.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pollUntil } from "../support/poll.mjs";
import { makeProject, pinned, runIn } from "../support/project.mjs";

const root = new URL("../..", import.meta.url).pathname;
let project;

before(() => {
  project = makeProject("user-app", {
    packed: ["target/npm/reducto-local", `target/npm/reducto-local-${process.platform}-${process.arch}`, "pkg"],
    registry: [pinned("reductoai"), pinned("vitest")],
  });
  const files = ["app.test.mjs", "reducto.pipelines.json", "vitest/global-setup.mjs", "vitest/vitest.config.mjs", "vitest/invoices.test.mjs"];
  for (const file of files) copyFileSync(new URL(file, import.meta.url), join(project, file.replace("vitest/", "")));
  copyFileSync(join(root, "tests/fixtures/pdfs/pdflatex-4-pages.pdf"), join(project, "document.pdf"));
});

after(() => project && rmSync(project, { recursive: true, force: true }));

/** Resolves once nothing answers at `url` any more. */
function stopped(url) {
  const gone = () => fetch(`${url}/version`).then(() => false, () => true);
  return pollUntil(gone, { what: `the server at ${url} to stop`, timeout: 10_000, interval: 100 });
}

/** Runs `node args…` in the project; its exit code and output. */
const runNode = (args) => runIn(project, process.execPath, args);

test("the project's own test suite starts reducto-local and runs both clients against its Pipeline ID", async () => {
  const { code, output } = await runNode(["--test", "app.test.mjs"]);
  assert.equal(code, 0, output);
  assert.match(output, /# pass 2/);
});

test("a Vitest globalSetup starts reducto-local once for the run and closes it at the end", async () => {
  const { code, output } = await runNode([join(project, "node_modules/vitest/vitest.mjs"), "run"]);
  assert.equal(code, 0, output);
  assert.match(output, /1 passed/);
  const url = /reducto-local listening on (http:\S+)/.exec(output)?.[1];
  assert.ok(url, output);
  await assert.rejects(fetch(`${url}/version`), "closed at the end of the run");
});

test("a server whose test runner dies without closing it stops by itself", async () => {
  writeFileSync(join(project, "crash.mjs"), `
    import { startReductoLocal } from "reducto-local";
    const server = await startReductoLocal();
    console.log(server.url);
    process.kill(process.pid, "SIGKILL");`);
  const { output } = await runNode(["crash.mjs"]);
  const url = output.trim().split("\n")[0];
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  await stopped(url);
});

test("a test that forgets to close the server still ends, and so does the server", async () => {
  writeFileSync(join(project, "forgets.mjs"), `
    import { startReductoLocal } from "reducto-local";
    const server = await startReductoLocal();
    console.log(server.url);`);
  const { code, output } = await runNode(["forgets.mjs"]);
  assert.equal(code, 0, output);
  const url = output.trim().split("\n")[0];
  await stopped(url);
});

test("a server started with an API key refuses calls without it, and its fault API takes the key", async () => {
  writeFileSync(join(project, "keyed.mjs"), `
    import { startReductoLocal } from "reducto-local";
    const server = await startReductoLocal({ apiKey: "a-key-of-at-least-16-chars", faults: true });
    const without = await fetch(server.url + "/version");
    const withKey = await fetch(server.url + "/version", { headers: { authorization: "Bearer a-key-of-at-least-16-chars" } });
    await server.faults.next({ path: "/version", status: 503 });
    const scripted = await fetch(server.url + "/version", { headers: { authorization: "Bearer a-key-of-at-least-16-chars" } });
    const onCommandLine = (await import("node:fs")).readFileSync("/proc/" + server.process.pid + "/cmdline", "utf8");
    console.log(JSON.stringify([without.status, withKey.status, scripted.status, onCommandLine.includes("a-key-of")]));
    await server.close();`);
  const { code, output } = await runNode(["keyed.mjs"]);
  assert.equal(code, 0, output);
  assert.deepEqual(JSON.parse(output.trim().split("\n").at(-1)), [401, 200, 503, false], "the key never on the command line");
});

test("npx reducto-local runs the server's command line", () => {
  const version = execFileSync("npx", ["--no-install", "reducto-local", "--version"], { cwd: project, encoding: "utf8" });
  assert.match(version, /^reducto-local \d+\.\d+\.\d+/);
});
