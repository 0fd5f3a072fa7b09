// Builds the npm package into pkg/ (release wasm, optimized) and target/release/reducto-local.
//
// Steps: cargo (wasm32, size profile, no_std) → wasm-bindgen --target web → wasm-opt (npm
// binaryen, with the wasm features named: see GUIDE.md) → our own entry, which initializes the
// module on import so callers never call init → every JS module minified. Ends with the gzip
// size of what a browser downloads.
// `node scripts/build.mjs client` builds only pkg/.
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { minifySync } from "rolldown/utils";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, "pkg");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

if (process.argv[2] !== "client") run("cargo", ["build", "--release", "-p", "reducto-local"]);
// Without `std`: the shipped client is no_std (src/runtime.rs).
run("cargo", ["build", "-p", "reducto-wasm", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release", "--no-default-features"]);

rmSync(pkg, { recursive: true, force: true });
run("wasm-bindgen", [
  "--target", "web", "--out-dir", pkg, "--out-name", "reducto_wasm",
  join(root, "target/wasm32-unknown-unknown/wasm-release/reducto_wasm.wasm"),
]);
const wasm = join(pkg, "reducto_wasm_bg.wasm");
run("wasm-opt", [
  "-Oz", "--strip-producers", "--strip-target-features",
  "--enable-reference-types", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
  "--enable-sign-ext", "--enable-mutable-globals", "--enable-multivalue", wasm, "-o", wasm,
]);

// wasm-bindgen puts js/errors.js under snippets/<crate>-<hash>/; the entry re-exports it.
const snippetDir = readdirSync(join(pkg, "snippets")).map((d) => join("snippets", d)).find((d) =>
  statSync(join(pkg, d, "js", "errors.js"), { throwIfNoEntry: false }));
const errorsModule = `./${snippetDir}/js/errors.js`;
copyFileSync(join(root, "js/errors.d.ts"), join(pkg, snippetDir, "js", "errors.d.ts"));
// Only the classes are public; the snippet's factory functions are for the Rust side.
const errorClasses = [...readFileSync(join(root, "js/errors.d.ts"), "utf8").matchAll(/export class (\w+)/g)]
  .map((m) => m[1]).join(", ");

// The public typings: wasm-bindgen's declarations without its init API (the entry inits) and
// without `[Symbol.dispose]`, which fails to compile unless the consumer's `lib` has
// esnext.disposable; `free()` still releases a client early.
const glueTypes = readFileSync(join(pkg, "reducto_wasm.d.ts"), "utf8");
const initStart = glueTypes.indexOf("export type InitInput");
if (initStart < 0) throw new Error("wasm-bindgen's .d.ts changed shape: no InitInput section to drop");
const publicTypes = glueTypes.slice(0, initStart).replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, "");
rmSync(join(pkg, "reducto_wasm.d.ts"));
const classNames = [...publicTypes.matchAll(/^export class (\w+)/gm)].map((m) => m[1]);

writeFileSync(join(pkg, "index.js"), `\
// Entry of reducto-wasm: loads the wasm module once, on import, so callers never call init.
import init from "./reducto_wasm.js";

const wasmUrl = new URL("./reducto_wasm_bg.wasm", import.meta.url);
const inNode = typeof process === "object" && typeof process.versions?.node === "string";
await init({ module_or_path: inNode ? await readInNode(wasmUrl) : wasmUrl });

// Node's fetch cannot read file: URLs; the specifier is a variable so bundlers leave it alone.
async function readInNode(url) {
  const fs = "node:fs/promises";
  return (await import(/* @vite-ignore */ fs)).readFile(url);
}

export { ${classNames.join(", ")} } from "./reducto_wasm.js";
export { ${errorClasses} } from "${errorsModule}";
`);
writeFileSync(join(pkg, "index.d.ts"), `${publicTypes.trimEnd()}\n\nexport { ${errorClasses} } from "${errorsModule}";\n`);

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
  files: ["index.js", "index.d.ts", "reducto_wasm.js", "reducto_wasm_bg.wasm", "snippets"],
  sideEffects: ["./index.js"],
  engines: { node: ">=20" },
}, null, 2) + "\n");
// wasm-bindgen's typings of the raw wasm exports are internal (and full of `any`).
for (const file of [".gitignore", "reducto_wasm_bg.wasm.d.ts"]) rmSync(join(pkg, file), { force: true });

// Every JS module of the package ships minified, as a bundler would serve it; names are kept,
// so error classes still say what they are. The readable sources are js/ and src/.
const jsModules = readdirSync(pkg, { recursive: true }).filter((file) => file.endsWith(".js"));
for (const file of jsModules) {
  const source = readFileSync(join(pkg, file), "utf8");
  const { code, errors } = minifySync(file, source, { module: true, compress: true, mangle: { keepNames: true } });
  if (errors.length) throw new Error(`minifying ${file}: ${errors.map((e) => e.message).join("; ")}`);
  writeFileSync(join(pkg, file), code);
}

// What a browser downloads: the wasm and every JS module of the package.
const shipped = ["reducto_wasm_bg.wasm", ...jsModules];
const sizes = shipped.map((file) => {
  const bytes = readFileSync(join(pkg, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const { file, raw, gzip } of sizes) console.log(`  ${file.padEnd(48)} ${kb(raw).padStart(9)} ${kb(gzip).padStart(9)} gz`);
const total = sizes.reduce((sum, s) => ({ raw: sum.raw + s.raw, gzip: sum.gzip + s.gzip }), { raw: 0, gzip: 0 });
console.log(`  ${"client total (what a browser downloads)".padEnd(48)} ${kb(total.raw).padStart(9)} ${kb(total.gzip).padStart(9)} gz`);
