// A fresh npm project of the kind a user has: packages packed with `npm pack` and installed
// from their tarballs (with any registry packages beside them, from npm's cache when it has
// them), and a way to run a command in it.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** The project's folder: `packed` (folders of this repository) and `registry` installed. */
export function makeProject(name, { packed, registry = [] }) {
  const project = mkdtempSync(join(tmpdir(), `${name}-`));
  execFileSync("npm", ["pack", ...packed.map((dir) => join(root, dir)), "--pack-destination", project, "--silent"], { cwd: root });
  const tarballs = readdirSync(project).filter((file) => file.endsWith(".tgz")).map((file) => `./${file}`);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  execFileSync("npm", ["install", ...tarballs, ...registry, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    { cwd: project });
  return project;
}

/** `name@version` as this repository's package.json pins it. */
export function pinned(name) {
  return `${name}@${JSON.parse(execFileSync("npm", ["pkg", "get", `devDependencies.${name}`], { cwd: root, encoding: "utf8" }))}`;
}

/** Runs `command args…` in `project`; its exit code, stdout and stderr. */
export function runIn(project, command, args) {
  return new Promise((resolve) => {
    // Not as a subtest of the calling run: node:test skips a test file it thinks it runs itself.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(command, args, { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("close", (code) => resolve({ code, stdout, stderr, output: stdout + stderr }));
  });
}
