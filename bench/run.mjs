// `npm run bench`: measurements, not tests. Writes bench/report.md. Needs the release build
// (`npm run build`) and poppler's pdftotext (`scripts/bootstrap.sh --bench` installs it).
//
// Client size: what a browser downloads for the three-line usage, as built by Vite from
// reducto-wasm (tests/vite-app) and from the official `reductoai` SDK (bench/sdk-size), side by
// side in one run, gzip -9.
//
// Parse throughput: a generated 500-page PDF parsed by reducto-local (`POST /parse`, so HTTP
// and JSON are included) and by poppler's `pdftotext`, alternating, medians of 7 runs each.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { startServer } from "../tests/support/server.mjs";
import { makePdf } from "../scripts/make-pdf.mjs";

const root = new URL("..", import.meta.url).pathname;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

function viteBundle(dir) {
  execFileSync("vite", ["build", "--config", join(root, dir, "vite.config.js")], { cwd: root, stdio: "inherit" });
  const assets = join(root, dir, "dist", "assets");
  return sizeOf(readdirSync(assets).map((name) => join(assets, name)));
}

function sizeOf(paths) {
  const files = paths.map((path) => readFileSync(path));
  return {
    raw: files.reduce((sum, bytes) => sum + bytes.length, 0),
    gzip: files.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function parseThroughput(pages, runs) {
  const pdf = join(mkdtempSync(join(tmpdir(), "reducto-bench-")), `${pages}-pages.pdf`);
  writeFileSync(pdf, makePdf(pages));
  const server = await startServer();
  try {
    const form = new FormData();
    form.append("file", new Blob([readFileSync(pdf)]), "bench.pdf");
    const { file_id } = await (await fetch(`${server.url}/upload`, { method: "POST", body: form })).json();
    const parse = async () => {
      const started = performance.now();
      const response = await fetch(`${server.url}/parse`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: file_id }),
      });
      const result = await response.json();
      if (result.usage?.num_pages !== pages) throw new Error(`parse gave ${JSON.stringify(result).slice(0, 200)}`);
      return performance.now() - started;
    };
    const pdftotext = () => {
      const started = performance.now();
      execFileSync("pdftotext", [pdf, "/dev/null"]);
      return performance.now() - started;
    };
    await parse(); pdftotext(); // warm up caches
    const ours = [], poppler = [];
    for (let run = 0; run < runs; run++) {
      ours.push(await parse());
      poppler.push(pdftotext());
    }
    return { ours: median(ours), poppler: median(poppler) };
  } finally {
    await server.stop();
  }
}

const PAGES = 500;
const throughput = await parseThroughput(PAGES, 7);
const ours = viteBundle("tests/vite-app");
const pkg = sizeOf(["pkg/index.js", "pkg/reducto_wasm_bg.wasm"].map((file) => join(root, file)));
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

Both apps also carry their own few lines and Vite's module-preload polyfill. The package alone
(\`pkg/index.js\` and the wasm, as \`npm run build\` counts them) is ${kb(pkg.gzip)} gzip, against a
budget of 32 KB: ${pkg.gzip <= 32 * 1024 ? `${32 * 1024 - pkg.gzip} bytes to spare` : `over by ${pkg.gzip - 32 * 1024} bytes`}.

## Parse throughput (generated ${PAGES}-page PDF, medians of 7 alternating runs)

| parser | median time | pages per second |
| --- | ---: | ---: |
| reducto-local \`POST /parse\` (blocks, boxes, JSON over HTTP) | ${throughput.ours.toFixed(0)} ms | ${(PAGES / throughput.ours * 1000).toFixed(0)} |
| poppler \`pdftotext\` (plain text to /dev/null) | ${throughput.poppler.toFixed(0)} ms | ${(PAGES / throughput.poppler * 1000).toFixed(0)} |
| ratio (reducto-local / pdftotext time) | ${(throughput.ours / throughput.poppler).toFixed(2)}× | |
`;
writeFileSync(join(root, "bench/report.md"), report);
console.log(report);
