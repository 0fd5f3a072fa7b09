// Parse throughput: a generated PDF parsed by reducto-local (`POST /parse`, so HTTP and JSON are
// included), by reducto-local with `--workers 1`, and by poppler's `pdftotext`, in turn, medians
// of `runs` runs each.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startServer } from "../tests/support/server.mjs";
import { makePdf } from "../scripts/make-pdf.mjs";
import { median } from "./lib.mjs";

/** Median milliseconds of each: { ours, oneWorker, poppler }. */
export async function parseThroughput(pages, runs) {
  const pdf = join(mkdtempSync(join(tmpdir(), "reducto-bench-")), `${pages}-pages.pdf`);
  writeFileSync(pdf, makePdf(pages));
  const servers = [await startServer(), await startServer(["--workers", "1"])];
  try {
    const [parse, parseOnOneWorker] = await Promise.all(servers.map((server) => parser(server, pdf, pages)));
    const pdftotext = () => {
      const started = performance.now();
      execFileSync("pdftotext", [pdf, "/dev/null"]);
      return performance.now() - started;
    };
    await parse(); await parseOnOneWorker(); pdftotext(); // warm up caches
    const ours = [], oneWorker = [], poppler = [];
    for (let run = 0; run < runs; run++) {
      ours.push(await parse());
      oneWorker.push(await parseOnOneWorker());
      poppler.push(pdftotext());
    }
    return { ours: median(ours), oneWorker: median(oneWorker), poppler: median(poppler) };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** A function that parses `pdf` on `server` and gives the milliseconds it took. */
async function parser(server, pdf, pages) {
  const form = new FormData();
  form.append("file", new Blob([readFileSync(pdf)]), "bench.pdf");
  const { file_id } = await (await fetch(`${server.url}/upload`, { method: "POST", body: form })).json();
  return async () => {
    const started = performance.now();
    const response = await fetch(`${server.url}/parse`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: file_id }),
    });
    const result = await response.json();
    if (result.usage?.num_pages !== pages) throw new Error(`parse gave ${JSON.stringify(result).slice(0, 200)}`);
    return performance.now() - started;
  };
}
