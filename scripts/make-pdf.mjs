// Writes plain PDFs (Helvetica, uncompressed, a text layer and nothing else), the same bytes every
// time: the benchmark's 500-page document and the browser tests' document packet.
// Usage: node scripts/make-pdf.mjs OUT.pdf [pages]
import { writeFileSync } from "node:fs";

const words = ("invoice total amount due customer order shipment payment terms account balance " +
  "quarter revenue report section summary table figure appendix reference number date").split(" ");

/** `pages` pages of running text, each headed "Page N of M". */
export function makePdf(pages) {
  return pdfFromPages(Array.from({ length: pages }, (_, index) => {
    const page = index + 1;
    const lines = Array.from({ length: 40 }, (_, line) =>
      Array.from({ length: 11 }, (_, i) => words[(page * 7 + line * 3 + i) % words.length]).join(" "));
    return [`Page ${page} of ${pages}`, ...lines];
  }));
}

/** A PDF with one page per entry of `pages`, each a list of lines; the first line is a heading. */
export function pdfFromPages(pages) {
  const escape = (text) => text.replace(/[\\()]/g, (c) => `\\${c}`);
  const objects = [];
  const add = (body) => objects.push(body) && objects.length;
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const pagesId = objects.length + 1 + pages.length * 2; // the Pages object comes after every page
  const kids = [];
  for (const [heading, ...body] of pages) {
    const lines = [`BT /F1 16 Tf 72 740 Td (${escape(heading)}) Tj ET`];
    body.forEach((text, line) => lines.push(`BT /F1 11 Tf 72 ${710 - line * 16} Td (${escape(text)}) Tj ET`));
    const stream = lines.join("\n");
    const content = add(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] ` +
      `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  add(`<< /Type /Pages /Kids [${kids.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`);
  const catalog = add(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`);

  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(process.argv[2], makePdf(Number(process.argv[3] ?? 500)));
}
