// `npm start`: serves the demo from reducto-local on http://127.0.0.1:8080 (PORT overrides),
// with data in .data/, and deploys the example pipeline the first time.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { deployPipeline, EXAMPLE_STEPS, studio } from "./studio.mjs";

const root = new URL("..", import.meta.url).pathname;
const port = process.env.PORT ?? "8080";
const EXAMPLE = "Example: invoice fields";

const server = spawn(join(root, "target/release/reducto-local"),
  ["--port", port, "--data-dir", join(root, ".data"), "--www", join(root, "www"), "--pkg", join(root, "pkg")],
  { stdio: ["ignore", "pipe", "inherit"] });
server.on("exit", (code) => process.exit(code ?? 1));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));

const lines = createInterface({ input: server.stdout });
const firstLine = await new Promise((resolve) => lines.once("line", resolve));
lines.on("line", (line) => console.log(line));
const url = /^listening on (\S+)$/.exec(firstLine)?.[1];
if (!url) throw new Error(`reducto-local did not start: ${firstLine}`);

const pipelines = await studio(url, "GET", "");
let example = pipelines.find((p) => p.name === EXAMPLE && p.deployed);
const id = example?.id ?? (await deployPipeline(url, EXAMPLE, EXAMPLE_STEPS, "v1"));
console.log(`
  reducto-local is serving on ${url}
  Example pipeline ${id} (parse, then extract invoice fields) is deployed.

  Demo:   ${url}/?pipeline=${id}
          drop www/samples/invoice.pdf on it (the page links it too)
  Studio: ${url}/studio.html

  Press Ctrl+C to stop.`);
