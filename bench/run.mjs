// `npm run bench`: measurements, not tests. Writes bench/report.md.
//
// Client size: what a browser downloads for the three-line usage, as built by Vite from
// reducto-wasm (tests/vite-app) and from the official `reductoai` SDK (bench/sdk-size), side by
// side in one run, gzip -9.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function viteBundle(dir) {
  execFileSync("vite", ["build", "--config", join(root, dir, "vite.config.js")], { cwd: root, stdio: "inherit" });
  const assets = join(root, dir, "dist", "assets");
  const files = readdirSync(assets).map((name) => readFileSync(join(assets, name)));
  return {
    raw: files.reduce((sum, bytes) => sum + bytes.length, 0),
    gzip: files.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0),
  };
}

const ours = viteBundle("tests/vite-app");
const official = viteBundle("bench/sdk-size");
const sdkVersion = JSON.parse(readFileSync(join(root, "node_modules/reductoai/package.json"), "utf8")).version;

const report = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.

## Client size (what a browser downloads for upload + pipeline.run, Vite build, gzip -9)

| client | raw | gzip |
| --- | ---: | ---: |
| reducto-wasm (wasm + JS) | ${kb(ours.raw)} | ${kb(ours.gzip)} |
| reductoai ${sdkVersion} (official SDK) | ${kb(official.raw)} | ${kb(official.gzip)} |
| ratio | ${(ours.raw / official.raw).toFixed(1)}× | ${(ours.gzip / official.gzip).toFixed(1)}× |
`;
writeFileSync(join(root, "bench/report.md"), report);
console.log(report);
