// Builds the npm package into pkg/ (release wasm, optimized) and target/release/reducto-local.
//
// Steps: cargo (wasm32, size profile, no_std) → wasm-bindgen --target web → wasm-opt (npm
// binaryen, with the wasm features named: see GUIDE.md) → our own entry, which initializes the
// module on import so callers never call init → one minified JS module (rolldown). Ends with the
// gzip size of what a browser downloads.
// `node scripts/build.mjs client` builds only pkg/.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { rolldown } from "rolldown";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, "pkg");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

if (process.argv[2] !== "client") run("cargo", ["build", "--release", "-p", "reducto-local"]);
// Without `std`: the shipped client is no_std (src/runtime.rs).
run("cargo", ["build", "-p", "reducto-wasm", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release", "--no-default-features"]);

// wasm-bindgen writes its glue to a staging folder; the package gets one bundled module of it.
const glue = join(root, "target/wasm-bindgen");
rmSync(glue, { recursive: true, force: true });
run("wasm-bindgen", [
  "--target", "web", "--out-dir", glue, "--out-name", "reducto_wasm",
  join(root, "target/wasm32-unknown-unknown/wasm-release/reducto_wasm.wasm"),
]);
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
const wasm = join(pkg, "reducto_wasm_bg.wasm");
run("wasm-opt", [
  "-Oz", "--strip-producers", "--strip-target-features",
  "--enable-reference-types", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
  "--enable-sign-ext", "--enable-mutable-globals", "--enable-multivalue",
  join(glue, "reducto_wasm_bg.wasm"), "-o", wasm,
]);

// The public typings: wasm-bindgen's declarations without its init API (the entry inits) and
// without `[Symbol.dispose]`, which fails to compile unless the consumer's `lib` has
// esnext.disposable (`free()` still releases a client early); then the error classes.
const glueTypes = readFileSync(join(glue, "reducto_wasm.d.ts"), "utf8");
const initStart = glueTypes.indexOf("export type InitInput");
if (initStart < 0) throw new Error("wasm-bindgen's .d.ts changed shape: no InitInput section to drop");
const publicTypes = glueTypes.slice(0, initStart).replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, "");
const errorTypes = readFileSync(join(root, "js/errors.d.ts"), "utf8");
writeFileSync(join(pkg, "index.d.ts"), `${publicTypes.trimEnd()}\n\n${errorTypes}`);
const classNames = [...publicTypes.matchAll(/^export class (\w+)/gm)].map((m) => m[1]);
// Only the error classes are public; the factory functions of js/errors.js are for Rust.
const errorClasses = [...errorTypes.matchAll(/export class (\w+)/g)].map((m) => m[1]);

// The entry loads the wasm once, on import, so callers never call init.
const entry = join(glue, "index.js");
writeFileSync(entry, `\
import { initSync } from "./reducto_wasm.js";

// One path everywhere: read the bytes, compile, instantiate.
initSync({ module: await WebAssembly.compile(await wasmBytes(new URL("./reducto_wasm_bg.wasm", import.meta.url))) });

async function wasmBytes(url) {
  const node = typeof process === "object" && process.versions?.node;
  if (node) {
    // Node's fetch cannot read file: URLs. The specifier depends on a value known only when
    // running, so bundlers leave this import alone and never ship it to a browser.
    const fs = node && "node:fs/promises";
    return (await import(/* @vite-ignore */ fs)).readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(\`reducto-wasm could not load \${url}: \${response.status} \${response.statusText}\`);
  return response.arrayBuffer();
}

export { ${classNames.join(", ")} } from "./reducto_wasm.js";
export { ${errorClasses.join(", ")} } from "./${snippetOf("errors.js")}";
`);
// One minified module, as a bundler would serve it (js/errors.js names its classes itself).
// The readable sources are js/ and src/.
const bundle = await rolldown({ input: entry, logLevel: "warn" });
await bundle.write({ file: join(pkg, "index.js"), format: "es", minify: true });

const crate = readFileSync(join(root, "Cargo.toml"), "utf8");
const field = (name) => crate.match(new RegExp(`^${name} = "(.*)"`, "m"))[1];
writeFileSync(join(pkg, "package.json"), JSON.stringify({
  name: "reducto-wasm",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  type: "module",
  main: "./index.js",
  types: "./index.d.ts",
  exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
  files: ["index.js", "index.d.ts", "reducto_wasm_bg.wasm"],
  sideEffects: ["./index.js"],
  engines: { node: ">=20" },
}, null, 2) + "\n");

/** The path, under the staging folder, where wasm-bindgen put our JS snippet `name`. */
function snippetOf(name) {
  const dir = readdirSync(join(glue, "snippets")).find((d) => statSync(join(glue, "snippets", d, "js", name), { throwIfNoEntry: false }));
  if (!dir) throw new Error(`wasm-bindgen wrote no snippet js/${name}`);
  return `snippets/${dir}/js/${name}`;
}

// What a browser downloads: the wasm and the one JS module of the package.
const BUDGET_GZIP = 32 * 1024;
const shipped = ["reducto_wasm_bg.wasm", "index.js"];
const sizes = shipped.map((file) => {
  const bytes = readFileSync(join(pkg, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const { file, raw, gzip } of sizes) console.log(`  ${file.padEnd(48)} ${kb(raw).padStart(9)} ${kb(gzip).padStart(9)} gz`);
const total = sizes.reduce((sum, s) => ({ raw: sum.raw + s.raw, gzip: sum.gzip + s.gzip }), { raw: 0, gzip: 0 });
console.log(`  ${"client total (what a browser downloads)".padEnd(48)} ${kb(total.raw).padStart(9)} ${kb(total.gzip).padStart(9)} gz`);
const left = BUDGET_GZIP - total.gzip;
console.log(`  ${"budget".padEnd(48)} ${kb(BUDGET_GZIP).padStart(19)} gz: ${left >= 0 ? `${left} bytes to spare` : `OVER by ${-left} bytes`}`);
