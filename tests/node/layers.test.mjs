// The layers of both crates have no import cycle between files (issue 20): each file's
// `use crate::…`, `use super::…` and `use self::…` paths, and the `crate::…`/`super::…` paths
// written in its code, are resolved to the file of the module they name, and the graph of
// files must have no cycle. A test module (`#[cfg(test)] mod tests`) is left out: tests may
// reach anywhere. `npm test` runs this in its Node.js step; `node --test
// tests/node/layers.test.mjs` runs it alone.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

/** Every `.rs` file under `dir`, with its module path (["jobs", "work"] for jobs/work.rs). */
function modules(dir) {
  const found = new Map();
  const walk = (folder, path) => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) walk(full, [...path, name]);
      else if (name.endsWith(".rs")) {
        const stem = name.slice(0, -3);
        const module = ["lib", "main", "mod"].includes(stem) ? path : [...path, stem];
        // main.rs is the binary's crate root, not the library's: it stands apart.
        found.set(stem === "main" ? "main" : module.join("::"), full);
      }
    }
  };
  walk(dir, []);
  return found;
}

/** A `use` tree's full paths: `a::{b, c::{d, e}}` gives a::b, a::c::d and a::c::e. */
function expand(tree) {
  // `x as y` names x; spaces mean nothing else in a path.
  tree = tree.replace(/\s+as\s+\w+/g, "").replace(/\s+/g, "");
  const open = tree.indexOf("{");
  if (open < 0) return [tree.replace(/::\*$/, "")];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf("}"));
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === "{") depth++;
    else if (c === "}") depth--;
    else if ((c === "," && depth === 0) || i === inner.length) {
      if (inner.slice(start, i)) parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  return parts.flatMap((part) => expand(part)).map((path) => (path === "self" ? prefix.replace(/::$/, "") : prefix + path));
}

/** The module paths a file's code names, absolute within its crate. */
function references(text, module) {
  // Tests may reach anywhere; comments name what they like.
  text = text.split(/#\[cfg\(test\)\]\s*(?:pub\s+)?mod tests/)[0].replace(/\/\/.*$/gm, "");
  const paths = [];
  for (const match of text.matchAll(/\buse\s+((?:crate|super|self)\b[^;]*);/g)) paths.push(...expand(match[1]));
  for (const match of text.matchAll(/\b(?:crate|super)(?:::\w+)+/g)) paths.push(match[0]);
  // `self` is the file's module, `super` its parent's.
  return paths.map((path) => {
    const segments = path.split("::");
    let base = segments[0] === "crate" ? [] : segments[0] === "self" ? module : module.slice(0, -1);
    while (segments[1] === "super") {
      segments.shift();
      base = base.slice(0, -1);
    }
    return [...base, ...segments.slice(1)];
  });
}

/** The files of one crate and the files each one imports. */
function graph(dir) {
  const files = modules(dir);
  // `#[macro_export]` puts a macro at the crate's root; it is its file's.
  const macros = new Map();
  for (const file of files.values()) {
    for (const match of readFileSync(file, "utf8").matchAll(/#\[macro_export\]\s*macro_rules!\s*(\w+)/g)) {
      macros.set(match[1], file);
    }
  }
  const edges = new Map();
  for (const [name, file] of files) {
    const module = name === "main" || name === "" ? [] : name.split("::");
    const targets = new Set();
    for (const path of references(readFileSync(file, "utf8"), module)) {
      // An exported macro's file; else the longest prefix of the path that is a file's module.
      const macro = path.length === 1 && macros.get(path[0]);
      if (macro) {
        if (macro !== file) targets.add(macro);
        continue;
      }
      for (let n = path.length; n >= 0; n--) {
        const target = files.get(path.slice(0, n).join("::"));
        if (target) {
          if (target !== file) targets.add(target);
          break;
        }
      }
    }
    edges.set(file, targets);
  }
  return edges;
}

/** The cycles of a graph, each once, as lists of files. */
function cycles(edges) {
  const found = [];
  const state = new Map();
  const stack = [];
  const visit = (file) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

for (const crate of ["server/src", "src"]) {
  test(`no import cycle between the files of ${crate}`, () => {
    const found = cycles(graph(join(root, crate))).map((cycle) =>
      cycle.map((file) => relative(join(root, crate), file)).join(" → "),
    );
    assert.deepEqual(found, [], `import cycles:\n${found.join("\n")}`);
  });
}
