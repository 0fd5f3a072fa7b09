// The runtimes' check as a script, for Node.js, Deno and Bun: the server and the document come
// from config.json beside it, and what the check saw goes to stdout as JSON.
import { readFile } from "node:fs/promises";
import * as reductoWasm from "reducto-wasm";
import { check } from "./check.mjs";

const config = JSON.parse(await readFile(new URL("./config.json", import.meta.url), "utf8"));
const pdf = await readFile(new URL(config.pdf, import.meta.url));
console.log(JSON.stringify(await check(reductoWasm, { ...config, pdf })));
