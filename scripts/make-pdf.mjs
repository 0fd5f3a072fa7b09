// Writes plain PDFs (Helvetica, uncompressed), the same bytes every time: the benchmark's 500-page
// document, the browser tests' document packet (a text layer and nothing else), a one-page
// application form with fillable AcroForm fields for the edit tests, and the pages' sample
// invoice. Usage: node scripts/make-pdf.mjs OUT.pdf [pages | invoice]
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
  const objects = [];
  const add = (body) => objects.push(body) && objects.length;
  const font = add(helvetica);
  const pagesId = objects.length + 1 + pages.length * 2; // the Pages object comes after every page
  const kids = [];
  for (const [heading, ...body] of pages) {
    const lines = [text(72, 740, 16, heading)];
    body.forEach((line, i) => lines.push(text(72, 710 - i * 16, 11, line)));
    const content = add(stream(lines.join("\n")));
    kids.push(add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] ` +
      `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`));
  }
  add(`<< /Type /Pages /Kids [${kids.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`);
  const catalog = add(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`);
  return serialize(objects, catalog);
}

/** The fields of `formPdf()`: name (/T), label printed on the page, kind, optional tooltip (/TU). */
export const formFields = [
  { name: "full_name", label: "Full name", kind: "text", tooltip: "Full name" },
  { name: "date", label: "Date", kind: "text" },
  { name: "amount", label: "Amount", kind: "text" },
  { name: "member", label: "Member", kind: "checkbox" },
];

/**
 * A one-page "Application form" with an AcroForm: each field's label is page text at the left,
 * its widget sits to the right of the label on the same line. Text fields start empty; the
 * checkbox `member` has the appearance states /Yes and /Off and starts at /Off.
 */
export function formPdf(fields = formFields) {
  const objects = [];
  const add = (body) => objects.push(body) && objects.length;
  const font = add(helvetica);
  const rows = fields.map((field, i) => ({ field, y: 690 - i * 40 }));
  const content = add(stream([text(72, 740, 16, "Application form"),
    ...rows.map(({ field, y }) => text(72, y, 11, field.label))].join("\n")));
  // A checkbox's two looks: a cross when on, an empty box when off.
  const box = "0 g 0.5 w 0.5 0.5 13 13 re S";
  const on = add(formXObject(`${box}\n2 2 m 12 12 l 2 12 m 12 2 l S`));
  const off = add(formXObject(box));
  const pageId = objects.length + fields.length + 1; // the page comes right after the widgets
  const widgets = rows.map(({ field, y }) => {
    const checkbox = field.kind === "checkbox";
    const rect = checkbox ? [180, y - 4, 194, y + 10] : [180, y - 6, 450, y + 14];
    const tooltip = field.tooltip ? ` /TU (${escape(field.tooltip)})` : "";
    const kind = checkbox
      ? `/FT /Btn /V /Off /AS /Off /AP << /N << /Yes ${on} 0 R /Off ${off} 0 R >> >>`
      : "/FT /Tx /DA (/Helv 11 Tf 0 g)";
    return add(`<< /Type /Annot /Subtype /Widget /P ${pageId} 0 R /Rect [${rect.join(" ")}] /F 4 ` +
      `/T (${escape(field.name)})${tooltip} ${kind} >>`);
  });
  const refs = widgets.map((id) => `${id} 0 R`).join(" ");
  add(`<< /Type /Page /Parent ${pageId + 1} 0 R /MediaBox [0 0 612 792] ` +
    `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R /Annots [${refs}] >>`);
  add(`<< /Type /Pages /Kids [${pageId} 0 R] /Count 1 >>`);
  const catalog = add(`<< /Type /Catalog /Pages ${pageId + 1} 0 R /AcroForm << /Fields [${refs}] ` +
    `/DA (/Helv 11 Tf 0 g) /DR << /Font << /Helv ${font} 0 R >> >> >> >>`);
  return serialize(objects, catalog);
}

/**
 * The sample invoice the drop page's banner names (www/samples/invoice.pdf): a one-page invoice
 * laid out as people make them, with the issuer as letterhead, the customer in a "Bill To"
 * block, labels beside their values, a table of items and a total.
 */
export function invoicePdf() {
  const objects = [];
  const add = (body) => objects.push(body) && objects.length;
  const font = add(helvetica);
  const rows = [
    ["Website redesign", "1", "2,400.00", "2,400.00"],
    ["Hosting (12 months)", "12", "25.00", "300.00"],
    ["Support hours", "6", "80.00", "480.00"],
  ];
  const lines = [
    text(72, 730, 18, "Harbor Lane Studio"),
    text(72, 712, 10, "48 Harbor Lane, Portland, ME 04101"),
    text(430, 730, 22, "INVOICE"),
    text(380, 690, 10, "Invoice No."), text(470, 690, 10, "HLS-2025-0142"),
    text(380, 675, 10, "Invoice Date"), text(470, 675, 10, "March 14, 2025"),
    text(380, 660, 10, "Due Date"), text(470, 660, 10, "April 13, 2025"),
    text(72, 660, 11, "Bill To"),
    text(72, 645, 10, "Northwind Traders"),
    text(72, 631, 10, "1200 Pine Street, Seattle, WA 98101"),
    text(72, 590, 10, "Description"), text(300, 590, 10, "Qty"), text(360, 590, 10, "Unit Price"),
    text(470, 590, 10, "Amount"),
    ...rows.flatMap(([description, qty, unit, amount], i) => {
      const y = 570 - i * 18;
      return [text(72, y, 10, description), text(300, y, 10, qty), text(360, y, 10, unit), text(470, y, 10, amount)];
    }),
    text(360, 500, 10, "Subtotal"), text(470, 500, 10, "3,180.00"),
    text(360, 485, 10, "Tax (8%)"), text(470, 485, 10, "254.40"),
    text(360, 465, 12, "Total Due"), text(470, 465, 12, "$3,434.40"),
    text(72, 400, 9, "Payment within 30 days by bank transfer. Thank you for your business."),
  ];
  const content = add(stream(lines.join("\n")));
  const page = add(`<< /Type /Page /Parent ${content + 2} 0 R /MediaBox [0 0 612 792] ` +
    `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`);
  add(`<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`);
  const catalog = add(`<< /Type /Catalog /Pages ${page + 1} 0 R >>`);
  return serialize(objects, catalog);
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
const escape = (value) => value.replace(/[\\()]/g, (c) => `\\${c}`);
const text = (x, y, size, value) => `BT /F1 ${size} Tf ${x} ${y} Td (${escape(value)}) Tj ET`;
const stream = (data) => `<< /Length ${data.length} >>\nstream\n${data}\nendstream`;
const formXObject = (data) =>
  `<< /Type /XObject /Subtype /Form /BBox [0 0 14 14] /Length ${data.length} >>\nstream\n${data}\nendstream`;

/** Numbered objects 1..n, the cross-reference table and the trailer, as latin-1 bytes. */
function serialize(objects, catalog) {
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
  const [out, what = "500"] = process.argv.slice(2);
  writeFileSync(out, what === "invoice" ? invoicePdf() : makePdf(Number(what)));
}
