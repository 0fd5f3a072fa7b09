// The runtimes' check from CommonJS code, as an app that is not an ES module loads the package:
// `require("reducto-wasm")`. The server and the document come from config.json beside it, and
// what the check saw goes to stdout as JSON.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const reductoWasm = require("reducto-wasm");
const { check } = require("./check.mjs");

const config = JSON.parse(readFileSync(join(__dirname, "config.json"), "utf8"));
const pdf = readFileSync(join(__dirname, config.pdf));
check(reductoWasm, { ...config, pdf }).then((seen) => console.log(JSON.stringify(seen)));
