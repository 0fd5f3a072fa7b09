// Peak memory of the OCR of a poster-sized page, side by side in one run. Not part of
// `npm test`; `npm run load` runs it after a release build:
//
//   node bench/ocr-memory.mjs
//
// A one-page PDF of 2400 × 2400 pt with no text layer goes through POST /parse, so the server
// rasterizes it (pdftoppm) and OCRs it (tesseract), as it does any scan. Beside it, the same two
// tools run by hand as the server ran them before it bounded the raster: 300 dpi, in colour
// (100 million pixels). Each tool's peak RSS is its VmHWM, sampled every 10 ms from /proc.
// Results go to bench/load.md (section "ocr").
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startServer } from "../tests/support/server.mjs";
import { machine, mb, postJson, uploadMultipart, writeSection } from "./local.mjs";

const SIDE_PT = 2400;

/** A one-page PDF of `side` × `side` points with nothing on it. */
function posterPdf(side) {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${side} ${side}] >>`,
  ];
  let out = "%PDF-1.4\n";
  const offsets = objects.map((object, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out);
}

/** The processes whose parent is `pid`, by command name. */
function childrenOf(pid) {
  const children = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [, name, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat);
      if (Number(rest.split(" ")[1]) === pid) children.push({ pid: Number(entry), name });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return children;
}

/** Samples the peak RSS (VmHWM) of every child of `pid` by name until `stop()`. */
function watchChildren(pid) {
  const peaks = new Map();
  const sample = () => {
    for (const { pid: child, name } of childrenOf(pid)) {
      try {
        const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child}/status`, "utf8"))?.[1] ?? 0) * 1024;
        peaks.set(name, Math.max(peaks.get(name) ?? 0, hwm));
      } catch {
        // Gone already: its last sample stands.
      }
    }
  };
  const timer = setInterval(sample, 10);
  return { stop: () => (clearInterval(timer), sample(), peaks) };
}

/** Runs `command` to its end; resolves with how long it took. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} exited ${code}`))));
  });
}

const pngSize = (path) => {
  const header = readFileSync(path).subarray(16, 24);
  return [header.readUInt32BE(0), header.readUInt32BE(4)];
};

const pdf = posterPdf(SIDE_PT);
const server = await startServer(["--workers", "1"]);
let now, before;
try {
  const { file_id } = (await uploadMultipart(server.url, pdf, "poster.pdf", { extension: "pdf" })).body;
  const watch = watchChildren(server.pid);
  const started = performance.now();
  const response = await postJson(`${server.url}/parse`, { input: file_id });
  const seconds = (performance.now() - started) / 1000;
  const peaks = watch.stop();
  now = { status: response.status, detail: response.body?.detail, seconds, peaks };
} finally {
  await server.stop();
}

// The same page as the server rasterized it before: 300 dpi, colour, then tesseract on it.
const dir = mkdtempSync(join(tmpdir(), "ocr-memory-"));
writeFileSync(join(dir, "poster.pdf"), pdf);
{
  const watch = watchChildren(process.pid);
  const raster = await run("pdftoppm", ["-r", "300", "-png", "-singlefile", join(dir, "poster.pdf"), join(dir, "page")]);
  const ocr = await run("tesseract", [join(dir, "page.png"), join(dir, "out"), "-l", "eng", "--psm", "4", "tsv"]);
  before = { seconds: (raster + ocr) / 1000, peaks: watch.stop(), size: pngSize(join(dir, "page.png")) };
}
const version = (tool) => execFileSync(tool, ["-v"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0];

const row = (what, { seconds, peaks }, raster) =>
  `| ${what} | ${raster} | ${mb(peaks.get("pdftoppm") ?? 0)} | ${mb(peaks.get("tesseract") ?? 0)} | ${seconds.toFixed(1)} s |`;
const side = Math.floor((SIDE_PT / 72) * Math.min(300, Math.sqrt((40e6 * 0.98) / (SIDE_PT / 72) ** 2)));
const markdown = `## OCR of a poster-sized page (\`bench/ocr-memory.mjs\`)

- Date: ${new Date().toISOString()}
- Command: \`node bench/ocr-memory.mjs\`
- Machine: ${machine()}; ${version("tesseract")}
- Page: one ${SIDE_PT} × ${SIDE_PT} pt page with no text layer (438 bytes), parsed by \`POST /parse\` on \`--workers 1\`; the server answered ${now.status}: "${now.detail}"

| run | raster | pdftoppm peak RSS | tesseract peak RSS | time |
| --- | --- | ---: | ---: | ---: |
${row("reducto-local now (gray, dpi lowered to fit 40 Mpx)", now, `about ${side} × ${side} gray`)}
${row("the same tools as before the bound (300 dpi, colour)", before, `${before.size[0]} × ${before.size[1]} colour`)}

Peak RSS is each process's VmHWM, sampled every 10 ms from /proc; the time of the server's run is the whole request.
`;
console.log(markdown);
console.log(`wrote ${writeSection("ocr", markdown)}`);
