// The generated test documents, written to target/test-fixtures/ before the tests compile (the
// browser tests include them): packet.pdf, an invoice, a purchase order and a receipt, one per
// page; form.pdf, a one-page application form with fillable fields, for the edit tests.
import { mkdirSync, writeFileSync } from "node:fs";
import { formPdf, pdfFromPages } from "../../scripts/make-pdf.mjs";

export const packetPages = [
  ["INVOICE", "Invoice Number: INV-2041", "Invoice Date: 2024-03-05", "Vendor: Acme Corp", "Total Due: $1,250.00"],
  ["PURCHASE ORDER", "PO Number: PO-77", "Ordered by: Jane Smith", "Ship to: 12 Harbour Road"],
  ["RECEIPT", "Receipt Number: R-19", "Amount Paid: $99.95", "Payment received, thank you"],
];

export function writePacket() {
  const dir = new URL("../../target/test-fixtures/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("packet.pdf", dir), pdfFromPages(packetPages));
  writeFileSync(new URL("form.pdf", dir), formPdf());
}
