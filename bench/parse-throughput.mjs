// Parse throughput: a generated PDF parsed by reducto-local (`POST /parse`, so HTTP and JSON are
// included), by reducto-local with `--workers 1`, and by poppler's `pdftotext`, plain and with
// boxes (`-bbox-layout`: blocks, lines and words with their boxes, as XHTML), in turn, medians
// of `runs` runs each. reducto-local's time is to the response's last byte (what the server
// does), and, beside it, with the caller's `JSON.parse` of the answer too (what a Node.js test
// waits for; megabytes of JSON take Node tens of ms).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startServer } from "../tests/support/server.mjs";
import { makePdf } from "../scripts/make-pdf.mjs";
import { median } from "./lib.mjs";

/**
 * Median milliseconds of each ({ ours, oursParsed, oneWorker, poppler, popplerBoxes }) and the
 * answer's size.
 */
export async function parseThroughput(pages, runs) {
  const pdf = join(mkdtempSync(join(tmpdir(), "reducto-bench-")), `${pages}-pages.pdf`);
  writeFileSync(pdf, makePdf(pages));
  const servers = [await startServer(), await startServer(["--workers", "1"])];
  try {
    const [parse, parseOnOneWorker] = await Promise.all(servers.map((server) => parser(server, pdf, pages)));
    const pdftotext = (...flags) => {
      const started = performance.now();
      execFileSync("pdftotext", [...flags, pdf, "/dev/null"]);
      return performance.now() - started;
    };
    await parse(); await parseOnOneWorker(); pdftotext(); // warm up caches
    const ours = [], oursParsed = [], oneWorker = [], poppler = [], popplerBoxes = [];
    let answerBytes = 0;
    for (let run = 0; run < runs; run++) {
      const { received, parsed, bytes } = await parse();
      answerBytes = bytes;
      ours.push(received);
      oursParsed.push(parsed);
      oneWorker.push((await parseOnOneWorker()).received);
      poppler.push(pdftotext());
      popplerBoxes.push(pdftotext("-bbox-layout"));
    }
    return {
      ours: median(ours), oursParsed: median(oursParsed), oneWorker: median(oneWorker), poppler: median(poppler),
      popplerBoxes: median(popplerBoxes), answerMb: (answerBytes / 2 ** 20).toFixed(1),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/**
 * A function that parses `pdf` on `server` and gives the milliseconds it took: to the answer's
 * last byte (`received`), and to its JSON read (`parsed`).
 */
async function parser(server, pdf, pages) {
  const form = new FormData();
  form.append("file", new Blob([readFileSync(pdf)]), "bench.pdf");
  const { file_id } = await (await fetch(`${server.url}/upload`, { method: "POST", body: form })).json();
  return async () => {
    const started = performance.now();
    const response = await fetch(`${server.url}/parse`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: file_id }),
    });
    const text = await response.text();
    const received = performance.now() - started;
    const result = JSON.parse(text);
    const parsed = performance.now() - started;
    if (result.usage?.num_pages !== pages) throw new Error(`parse gave ${text.slice(0, 200)}`);
    return { received, parsed, bytes: Buffer.byteLength(text) };
  };
}
