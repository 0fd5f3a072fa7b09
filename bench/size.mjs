// Client size, measured the way an app pays it: the same small app (bench/apps/<client>/:
// upload a file, run a deployed pipeline) bundled and minified by esbuild and by Vite, for
// reducto-wasm and for the official reductoai SDK. Sizes are gzip -9 of each emitted file,
// split into JS and wasm.
//
// "reducto-wasm" resolves to the built pkg/ directory (through its package.json, as an installed
// package would). esbuild leaves `new URL("…wasm", import.meta.url)` alone, so the wasm is
// copied beside its bundle, where that URL points, and counted; Vite emits it as an asset.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { build as viteBuild } from "vite";
import { filesUnder, outDir, root, sizeOf } from "./lib.mjs";

export const CLIENTS = ["reducto-wasm", "reductoai"];
export const BUNDLERS = ["esbuild", "vite"];

const pkgDir = join(root, "pkg");
const alias = { "reducto-wasm": pkgDir };

const bundlers = {
  // The same as `esbuild main.js --bundle --minify --format=esm --outdir=… --alias:…`.
  async esbuild(appDir, out) {
    await esbuild.build({
      entryPoints: [join(appDir, "main.js")],
      bundle: true, minify: true, format: "esm", platform: "browser",
      outdir: out, alias, logLevel: "error",
    });
    // Copy each wasm module of pkg/ that the bundle names, so its `new URL(…)` finds it.
    const bundle = readFileSync(join(out, "main.js"), "utf8");
    for (const name of new Set(bundle.match(/[\w.-]+\.wasm\b/g))) copyFileSync(join(pkgDir, name), join(out, name));
  },
  // A production `vite build` of the app's index.html, with nothing but the alias configured.
  async vite(appDir, out) {
    await viteBuild({
      root: appDir, configFile: false, logLevel: "warn",
      resolve: { alias },
      build: { outDir: out, emptyOutDir: true },
    });
  },
};

/** { [client]: { [bundler]: { js: {raw, gzip}, wasm: {raw, gzip} } } } */
export async function measureSizes() {
  const sizes = {};
  for (const client of CLIENTS) {
    sizes[client] = {};
    for (const bundler of BUNDLERS) {
      const out = join(outDir, "size", bundler, client);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      await bundlers[bundler](join(root, "bench/apps", client), out);
      // The page itself is the app's, not the client's: count what it loads.
      const files = filesUnder(out).filter((path) => !path.endsWith(".html"));
      sizes[client][bundler] = {
        js: sizeOf(files.filter((path) => !path.endsWith(".wasm"))),
        wasm: sizeOf(files.filter((path) => path.endsWith(".wasm"))),
      };
    }
  }
  return sizes;
}
