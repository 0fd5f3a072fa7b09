// The document packet of the browser tests: an invoice, a purchase order and a receipt, one per
// page, written to target/test-fixtures/packet.pdf before the tests compile (they include it).
// (The edit tests' form is committed: tests/fixtures/forms/application.pdf.)
import { mkdirSync, writeFileSync } from "node:fs";
import { pdfFromPages } from "../../scripts/make-pdf.mjs";

export const packetPages = [
  ["INVOICE", "Invoice Number: INV-2041", "Invoice Date: 2024-03-05", "Vendor: Acme Corp", "Total Due: $1,250.00"],
  ["PURCHASE ORDER", "PO Number: PO-77", "Ordered by: Jane Smith", "Ship to: 12 Harbour Road"],
  ["RECEIPT", "Receipt Number: R-19", "Amount Paid: $99.95", "Payment received, thank you"],
];

export function writePacket() {
  const dir = new URL("../../target/test-fixtures/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("packet.pdf", dir), pdfFromPages(packetPages));
}
