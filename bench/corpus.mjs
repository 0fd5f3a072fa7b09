// The quality corpus: a seeded generator of business documents whose right answers are known,
// for `npm run bench` (bench/quality.mjs). Nothing here is in the tests: the engine never sees
// these documents while it is being built, only when it is measured.
//
// - 12 layouts (invoices in five styles, a credit note, two receipts, two purchase orders, a
//   bank statement, an application form), each made 4 times with other names, label wordings,
//   date and number conventions, fonts and positions: 48 documents with their expected values.
// - Packets for split (cover letter, invoice, contract, in varying orders and lengths) with their
//   sections; the documents and their categories for classify.
// - Scans for OCR: pages rasterized at 150 and 300 dpi, turned by up to a degree and speckled,
//   as images inside PDFs (see bench/quality.mjs, which makes them with poppler).
//
// Same seed, same bytes: `corpus(seed)` is deterministic.

const FONTS = ["Helvetica", "Helvetica-Bold", "Times-Roman", "Times-Bold", "Courier"];

/** A tiny seeded PRNG (mulberry32), so the corpus is the same on every machine. */
function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(next() * list.length)];
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, pick, int };
}

const VENDORS = ["Acme Industrial Supply", "Northwind Traders", "Bluebird Logistics GmbH", "Copperleaf Studio",
  "Harbor Point Marine", "Quantum Office Solutions", "Greenfield Farms Co.", "Silverline Analytics Ltd"];
const CUSTOMERS = ["Jane Smith", "Globex Corporation", "Riverside Dental Clinic", "Oliver Martin",
  "Initech LLC", "Maria Garcia", "Stark Family Trust", "Pinecrest Elementary School"];
const STREETS = ["12 Harbour Road", "450 Market Street", "Hauptstrasse 7", "88 Elm Avenue", "3 Quay Lane"];
const CITIES = ["Springfield, IL 62704", "10115 Berlin", "Portland, OR 97205", "Leeds LS1 4AP", "Austin, TX 78701"];
const ITEMS = ["Steel brackets", "Consulting hours", "Printer paper (box)", "Freight charge", "Design review",
  "Safety gloves", "Annual license", "Installation"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];

const LABELS = {
  invoice_number: ["Invoice Number:", "Invoice #", "Invoice No.", "Inv. No.", "Reference:"],
  invoice_date: ["Invoice Date:", "Date:", "Issued:", "Date of issue:", "Billing date:"],
  total: ["Total:", "Amount Due:", "Balance Due:", "Grand Total:", "TOTAL DUE"],
  customer: ["Bill To", "Billed To", "Customer", "Sold To", "Client"],
};

/** A date written one of the common ways, and its ISO form. */
function date(r) {
  const [y, m, d] = [r.int(2022, 2026), r.int(1, 12), r.int(1, 28)];
  const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const written = r.pick([
    iso,
    `${MONTHS[m - 1]} ${d}, ${y}`,
    `${d} ${MONTHS[m - 1]} ${y}`,
    `${MONTHS[m - 1].slice(0, 3)} ${d}, ${y}`,
    `${String(d).padStart(2, "0")}.${String(m).padStart(2, "0")}.${y}`,
  ]);
  return { iso, written };
}

/** An amount written with one of the decimal conventions, and its value. */
function money(r, value, negative = false) {
  const [whole, cents] = value.toFixed(2).split(".");
  const grouped = (sep) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  let written = r.pick([
    `$${grouped(",")}.${cents}`,
    `${grouped(".")},${cents} €`,
    `EUR ${grouped(" ")},${cents}`,
    `${grouped(",")}.${cents} USD`,
    `£${grouped(",")}.${cents}`,
  ]);
  if (negative) written = r.pick([`(${written})`, `-${written}`]);
  return { value: negative ? -value : value, written };
}

/** A page under construction: text items at points, top-down. */
class Page {
  constructor(r) {
    this.items = [];
    this.font = r.pick([0, 2, 4]);
  }
  text(x, y, value, { size = 10, bold = false } = {}) {
    const font = bold && this.font < 4 ? this.font + 1 : this.font;
    this.items.push({ x, y: 792 - y, size, font, text: value });
  }
}

function lineItems(r) {
  const count = r.int(2, 4);
  return Array.from({ length: count }, () => {
    const quantity = r.int(1, 12);
    const price = r.int(5, 400) + r.pick([0, 0.5, 0.25, 0.99]);
    return { description: r.pick(ITEMS), quantity, unit_price: price, amount: Math.round(quantity * price * 100) / 100 };
  });
}

/** The items' amounts added up, to the cent. */
const sumOf = (items) => Math.round(items.reduce((sum, item) => sum + item.amount, 0) * 100) / 100;

function table(page, r, items, top, { money: write }) {
  const columns = [72, 300, 380, 470];
  ["Description", "Qty", "Unit Price", "Amount"].forEach((h, i) => page.text(columns[i], top, h, { bold: true }));
  items.forEach((item, row) => {
    const y = top + 18 * (row + 1);
    page.text(columns[0], y, item.description);
    page.text(columns[1], y, String(item.quantity));
    page.text(columns[2], y, write(item.unit_price));
    page.text(columns[3], y, write(item.amount));
  });
  return top + 18 * (items.length + 1);
}

/** An invoice in one of five styles; `style` decides where the parties, labels and totals sit. */
function invoice(r, style) {
  const page = new Page(r);
  const vendor = r.pick(VENDORS);
  const customer = r.pick(CUSTOMERS);
  const number = `${r.pick(["INV", "A", "2024", "F"])}-${r.int(100, 99999)}`;
  const issued = date(r);
  const items = lineItems(r);
  const subtotal = items.reduce((sum, item) => sum + item.amount, 0);
  const total = money(r, Math.round(subtotal * 108) / 100, style === "credit");
  const convention = total.written.includes("€") || total.written.startsWith("EUR") ? "eu" : "us";
  const write = (v) => (convention === "eu" ? v.toFixed(2).replace(".", ",") : v.toFixed(2));
  const label = (field) => r.pick(LABELS[field]);
  const title = style === "credit" ? "CREDIT NOTE" : r.pick(["INVOICE", "Invoice", "TAX INVOICE"]);
  const partyLabel = label("customer");
  // Where each piece goes, by style.
  if (style === "classic" || style === "credit") {
    page.text(72, 60, vendor, { size: 16, bold: true });
    page.text(72, 78, r.pick(STREETS));
    page.text(72, 92, r.pick(CITIES));
    page.text(400, 60, title, { size: 18, bold: true });
    page.text(380, 100, label("invoice_number"));
    page.text(480, 100, number);
    page.text(380, 116, label("invoice_date"));
    page.text(480, 116, issued.written);
    page.text(72, 150, partyLabel, { bold: true });
    page.text(72, 166, customer);
    page.text(72, 180, r.pick(STREETS));
  } else if (style === "centered") {
    page.text(220, 50, vendor.toUpperCase(), { size: 15, bold: true });
    page.text(240, 68, `${r.pick(STREETS)}, ${r.pick(CITIES)}`, { size: 8 });
    page.text(72, 110, title, { size: 20, bold: true });
    page.text(72, 140, label("invoice_number"));
    page.text(200, 140, number);
    page.text(72, 156, label("invoice_date"));
    page.text(200, 156, issued.written);
    page.text(350, 140, partyLabel, { bold: true });
    page.text(350, 156, customer);
    page.text(350, 170, r.pick(CITIES));
  } else if (style === "stacked") {
    page.text(72, 56, title, { size: 22, bold: true });
    page.text(72, 84, vendor, { size: 12, bold: true });
    page.text(72, 130, label("invoice_number").replace(/:$/, ""), { bold: true });
    page.text(72, 146, number);
    page.text(220, 130, label("invoice_date").replace(/:$/, ""), { bold: true });
    page.text(220, 146, issued.written);
    page.text(380, 130, partyLabel, { bold: true });
    page.text(380, 146, customer);
  } else if (style === "letterhead") {
    // A letterhead across the top, the parties side by side, the meta labels above their values.
    page.text(72, 44, vendor, { size: 20, bold: true });
    page.text(72, 62, `${r.pick(STREETS)} · ${r.pick(CITIES)}`, { size: 8 });
    page.text(72, 110, "From", { bold: true });
    page.text(72, 126, vendor);
    page.text(300, 110, partyLabel, { bold: true });
    page.text(300, 126, customer);
    page.text(72, 170, title, { size: 14, bold: true });
    page.text(72, 196, label("invoice_number").replace(/:$/, ""), { size: 8 });
    page.text(72, 208, number);
    page.text(300, 196, label("invoice_date").replace(/:$/, ""), { size: 8 });
    page.text(300, 208, issued.written);
  } else {
    // "right": the vendor on the right, the meta as a two-column table on the left.
    page.text(360, 56, vendor, { size: 14, bold: true });
    page.text(360, 72, r.pick(CITIES), { size: 9 });
    page.text(72, 56, title, { size: 18, bold: true });
    page.text(72, 100, label("invoice_date"));
    page.text(190, 100, issued.written);
    page.text(72, 116, label("invoice_number"));
    page.text(190, 116, number);
    page.text(72, 140, "Ship To", { bold: true });
    page.text(72, 156, r.pick(STREETS));
    page.text(300, 140, partyLabel, { bold: true });
    page.text(300, 156, customer);
  }
  const end = table(page, r, items, 230, { money: write });
  const totalsX = style === "stacked" ? 72 : 380;
  page.text(totalsX, end + 30, "Subtotal:");
  page.text(totalsX + 90, end + 30, write(subtotal));
  page.text(totalsX, end + 48, label("total"), { bold: true });
  page.text(totalsX + 90, end + 48, total.written, { bold: true });
  if (r.next() < 0.5) page.text(72, 720, `Payment terms: net ${r.pick([15, 30, 45])} days. Thank you for your business.`, { size: 8 });
  return {
    kind: "invoice",
    layout: `invoice-${style}`,
    pages: [page.items],
    schema: INVOICE_SCHEMA,
    expected: { invoice_number: number, invoice_date: issued.iso, vendor_name: vendor, customer_name: customer, total: total.value },
  };
}

const INVOICE_SCHEMA = {
  type: "object",
  properties: {
    invoice_number: { type: "string", description: "The invoice's number" },
    invoice_date: { type: "string", format: "date", description: "When the invoice was issued" },
    vendor_name: { type: "string", description: "Who issued the invoice" },
    customer_name: { type: "string", description: "Who is billed" },
    total: { type: "number", description: "The total amount due" },
  },
};

function receipt(r, style) {
  const page = new Page(r);
  const store = r.pick(VENDORS);
  const when = date(r);
  const items = lineItems(r);
  const total = money(r, sumOf(items));
  const x = style === "narrow" ? 200 : 72;
  page.text(x, 60, store, { size: 13, bold: true });
  page.text(x, 76, r.pick(STREETS), { size: 8 });
  page.text(x, 100, style === "narrow" ? "SALES RECEIPT" : "Receipt", { size: 14, bold: true });
  page.text(x, 124, `${r.pick(["Date:", "Date of purchase:", "Purchased:"])} ${when.written}`);
  items.forEach((item, i) => {
    page.text(x, 150 + 16 * i, `${item.quantity} x ${item.description}`);
    page.text(x + 220, 150 + 16 * i, item.amount.toFixed(2));
  });
  const y = 160 + 16 * items.length;
  page.text(x, y, r.pick(["TOTAL", "Total paid:", "Amount paid:"]), { bold: true });
  page.text(x + 220, y, total.written, { bold: true });
  page.text(x, y + 30, "Thank you for shopping with us", { size: 8 });
  return {
    kind: "receipt",
    layout: `receipt-${style}`,
    pages: [page.items],
    schema: {
      type: "object",
      properties: {
        store_name: { type: "string", description: "The shop that issued the receipt" },
        date: { type: "string", format: "date" },
        total: { type: "number", description: "The amount paid" },
      },
    },
    expected: { store_name: store, date: when.iso, total: total.value },
  };
}

function purchaseOrder(r, style) {
  const page = new Page(r);
  const buyer = r.pick(CUSTOMERS);
  const vendor = r.pick(VENDORS);
  const po = `PO-${r.int(1000, 99999)}`;
  const when = date(r);
  const items = lineItems(r);
  const total = money(r, sumOf(items));
  page.text(72, 56, "PURCHASE ORDER", { size: 18, bold: true });
  page.text(72, 80, buyer, { size: 12, bold: true });
  if (style === "side") {
    page.text(360, 100, r.pick(["PO Number:", "P.O. #", "Order No."]));
    page.text(460, 100, po);
    page.text(360, 116, r.pick(["Order Date:", "Date:"]));
    page.text(460, 116, when.written);
    page.text(72, 140, "Vendor", { bold: true });
    page.text(72, 156, vendor);
  } else {
    page.text(72, 120, "PO Number", { bold: true });
    page.text(72, 136, po);
    page.text(240, 120, "Order Date", { bold: true });
    page.text(240, 136, when.written);
    page.text(400, 120, "Supplier", { bold: true });
    page.text(400, 136, vendor);
  }
  const end = table(page, r, items, 200, { money: (v) => v.toFixed(2) });
  page.text(380, end + 30, r.pick(["Order Total:", "Total:"]), { bold: true });
  page.text(470, end + 30, total.written, { bold: true });
  return {
    kind: "purchase order",
    layout: `po-${style}`,
    pages: [page.items],
    schema: {
      type: "object",
      properties: {
        po_number: { type: "string", description: "The purchase order number" },
        order_date: { type: "string", format: "date" },
        vendor_name: { type: "string", description: "Who the order is placed with" },
        total: { type: "number" },
        line_items: {
          type: "array",
          items: { type: "object", properties: { description: { type: "string" }, quantity: { type: "number" }, amount: { type: "number" } } },
        },
      },
    },
    expected: {
      po_number: po, order_date: when.iso, vendor_name: vendor, total: total.value,
      line_items: items.map(({ description, quantity, amount }) => ({ description, quantity, amount })),
    },
  };
}

function bankStatement(r) {
  const page = new Page(r);
  const bank = r.pick(["First Harbor Bank", "Union Savings", "Meridian Credit Union"]);
  const holder = r.pick(CUSTOMERS);
  const opening = money(r, r.int(500, 9000) + 0.37);
  const closing = money(r, r.int(500, 9000) + 0.12);
  const account = `${r.int(1000, 9999)} ${r.int(1000, 9999)} ${r.int(1000, 9999)}`;
  page.text(72, 56, bank, { size: 16, bold: true });
  page.text(72, 80, "Account Statement", { size: 13 });
  page.text(72, 110, "Account holder:");
  page.text(200, 110, holder);
  page.text(72, 126, "Account number:");
  page.text(200, 126, account);
  page.text(72, 150, "Opening balance:");
  page.text(200, 150, opening.written);
  page.text(72, 166, "Closing balance:");
  page.text(200, 166, closing.written);
  ["Date", "Description", "Amount"].forEach((h, i) => page.text([72, 170, 420][i], 200, h, { bold: true }));
  for (let i = 0; i < 5; i++) {
    page.text(72, 218 + 16 * i, date(r).written);
    page.text(170, 218 + 16 * i, r.pick(["Card payment", "Transfer in", "Direct debit", "ATM withdrawal"]));
    page.text(420, 218 + 16 * i, (r.int(-900, 900) + 0.5).toFixed(2));
  }
  return {
    kind: "bank statement",
    layout: "bank-statement",
    pages: [page.items],
    schema: {
      type: "object",
      properties: {
        account_holder: { type: "string" },
        account_number: { type: "string" },
        opening_balance: { type: "number" },
        closing_balance: { type: "number" },
      },
    },
    expected: { account_holder: holder, account_number: account, opening_balance: opening.value, closing_balance: closing.value },
  };
}

function applicationForm(r) {
  const page = new Page(r);
  const name = r.pick(CUSTOMERS);
  const born = date(r);
  const member = r.next() < 0.5;
  page.text(72, 56, "Membership Application Form", { size: 16, bold: true });
  page.text(72, 100, "Full name:");
  page.text(200, 100, name);
  page.text(72, 120, "Date of birth:");
  page.text(200, 120, born.written);
  page.text(72, 140, "Email:");
  page.text(200, 140, `${name.split(" ")[0].toLowerCase()}@example.com`);
  page.text(72, 170, `[${member ? "X" : " "}] I am already a member`);
  page.text(72, 186, `[${member ? " " : "X"}] I am a new applicant`);
  page.text(72, 230, "Signature: ______________________");
  return {
    kind: "form",
    layout: "application-form",
    pages: [page.items],
    schema: {
      type: "object",
      properties: {
        full_name: { type: "string" },
        date_of_birth: { type: "string", format: "date" },
        already_member: { type: "boolean", description: "I am already a member" },
      },
    },
    expected: { full_name: name, date_of_birth: born.iso, already_member: member },
  };
}

const LAYOUTS = [
  (r) => invoice(r, "classic"),
  (r) => invoice(r, "centered"),
  (r) => invoice(r, "stacked"),
  (r) => invoice(r, "right"),
  (r) => invoice(r, "credit"),
  (r) => receipt(r, "wide"),
  (r) => receipt(r, "narrow"),
  (r) => purchaseOrder(r, "side"),
  (r) => purchaseOrder(r, "stacked"),
  (r) => bankStatement(r),
  (r) => applicationForm(r),
  (r) => invoice(r, "letterhead"),
];

function coverLetter(r) {
  const page = new Page(r);
  page.text(72, 60, r.pick(VENDORS), { size: 14, bold: true });
  page.text(72, 100, `Dear ${r.pick(CUSTOMERS)},`);
  page.text(72, 124, "Please find enclosed our documents for your records. We appreciate your business");
  page.text(72, 140, "and look forward to working with you again.");
  page.text(72, 180, "Sincerely,");
  page.text(72, 196, "Accounts Department");
  return [page.items];
}

function contract(r, length) {
  return Array.from({ length }, (_, i) => {
    const page = new Page(r);
    if (i === 0) page.text(72, 60, r.pick(["SERVICE AGREEMENT", "Master Services Agreement", "CONTRACT FOR SERVICES"]), { size: 16, bold: true });
    page.text(72, 100, `${i + 1}. ${r.pick(["Term", "Payment", "Confidentiality", "Termination", "Liability"])}`, { bold: true });
    page.text(72, 120, "This agreement is made between the parties named below. Each party agrees to the terms");
    page.text(72, 136, "set out in this section, and to the obligations and governing law of this contract.");
    if (i === length - 1) page.text(72, 200, "Signed by both parties: ____________   ____________");
    return page.items;
  });
}

export const SPLIT_CATEGORIES = [
  { name: "Cover Letter", description: "A letter that introduces the enclosed documents, with a greeting and a signature" },
  { name: "Invoice", description: "A bill with an invoice number, line items and a total amount due" },
  { name: "Contract", description: "An agreement between parties with terms, clauses and signatures" },
];

export const CLASSIFY_SCHEMA = [
  { category: "invoice", criteria: ["invoice number", "amount due", "bill to"] },
  { category: "receipt", criteria: ["receipt", "amount paid", "thank you for shopping"] },
  { category: "purchase order", criteria: ["purchase order", "PO number", "supplier"] },
  { category: "bank statement", criteria: ["account statement", "opening balance", "closing balance"] },
  { category: "form", criteria: ["application form", "signature", "full name"] },
];

/** The whole corpus for `seed`. */
export function corpus(seed = 2026) {
  const r = random(seed);
  const documents = [];
  for (let round = 0; round < 4; round++) {
    LAYOUTS.forEach((layout, i) => documents.push({ name: `doc-${round}-${String(i).padStart(2, "0")}`, ...layout(r) }));
  }
  const packets = Array.from({ length: 6 }, (_, i) => {
    const parts = [
      { name: "Cover Letter", pages: coverLetter(r) },
      { name: "Invoice", pages: invoice(r, r.pick(["classic", "centered", "right"])).pages },
      { name: "Contract", pages: contract(r, r.int(2, 4)) },
    ];
    if (i % 2 === 1) parts.reverse();
    let next = 1;
    const sections = parts.map((part) => {
      const pages = part.pages.map(() => next++);
      return { name: part.name, pages };
    });
    return { name: `packet-${i}`, pages: parts.flatMap((part) => part.pages), sections };
  });
  return { documents, packets };
}

/** Text as WinAnsiEncoding's bytes, written as latin1 characters (only € differs from latin1). */
const winAnsi = (text) => text.replace(/€/g, "\x80");

/** A PDF of pages of positioned text items, in the standard 14 fonts (no embedding). */
export function layoutPdf(pages) {
  const objects = [];
  const add = (body) => objects.push(body) && objects.length;
  const fonts = FONTS.map((name) => add(`<< /Type /Font /Subtype /Type1 /BaseFont /${name} /Encoding /WinAnsiEncoding >>`));
  const fontResources = fonts.map((id, i) => `/F${i} ${id} 0 R`).join(" ");
  const pagesId = objects.length + 1 + pages.length * 2;
  const kids = [];
  for (const items of pages) {
    const ops = items.map(({ x, y, size, font, text }) =>
      `BT /F${font} ${size} Tf ${x} ${y} Td (${winAnsi(text).replace(/[\\()]/g, (c) => `\\${c}`)}) Tj ET`);
    const content = ops.join("\n");
    const contentId = add(`<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] ` +
      `/Resources << /Font << ${fontResources} >> >> /Contents ${contentId} 0 R >>`));
  }
  add(`<< /Type /Pages /Kids [${kids.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`);
  const catalog = add(`<< /Type /Catalog /Pages ${pagesId} 0 R >>`);
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, i) => {
    const offset = Buffer.byteLength(pdf, "latin1");
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(pdf, "latin1");
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}
