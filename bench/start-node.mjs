// Module start in Node.js: each load a fresh `node` process (nothing cached but the OS's file
// cache), clients interleaved (each first every other round), timed inside the process from
// the start of `import()` of the client's module to its first answer of `GET /version`
// (`apiVersion()`). reducto-wasm is the built package's Node entry (pkg/node.js: read the wasm,
// compile, instantiate); reductoai is the official SDK from node_modules.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { root, rotated } from "./lib.mjs";

const CLIENTS = {
  "reducto-wasm": { module: new URL("pkg/node.js", `file://${root}`).href, options: {} },
  // The SDK insists on an API key; reducto-local started without --api-key ignores it.
  reductoai: { module: "reductoai", options: { apiKey: "unused" } },
};

/** { [client]: [{ imported, answered }, …] } (ms) over `loads` fresh processes per client. */
export async function timeNodeStarts(serverUrl, loads) {
  const starts = Object.fromEntries(Object.keys(CLIENTS).map((name) => [name, []]));
  for (let load = 0; load < loads; load++) {
    for (const name of rotated(Object.keys(CLIENTS), load)) {
      const { module, options } = CLIENTS[name];
      const script = `
        const started = performance.now();
        const { Reducto } = await import(${JSON.stringify(module)});
        const imported = performance.now();
        const version = await new Reducto(${JSON.stringify({ ...options, baseURL: serverUrl })}).apiVersion();
        const answered = performance.now();
        if (typeof version !== "string") throw new Error("GET /version gave " + JSON.stringify(version));
        console.log(JSON.stringify({ imported: imported - started, answered: answered - started }));`;
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
      starts[name].push(JSON.parse(stdout));
    }
  }
  return starts;
}
