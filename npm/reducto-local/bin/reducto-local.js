#!/usr/bin/env node
// `npx reducto-local [flags]`: runs the server of this platform with the flags given, passing
// on Ctrl-C and SIGTERM, and exits as it exits.
import { spawn } from "node:child_process";
import { binaryPath } from "../index.js";

let binary;
try {
  binary = binaryPath();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const server = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
