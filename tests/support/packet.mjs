// The document packet of the browser tests: an invoice, a purchase order and a receipt, one per
// page, written to target/test-fixtures/packet.pdf before the tests compile (they include it).
// (The edit tests' form is committed: tests/fixtures/forms/application.pdf.)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { pdfFromPages } from "../../scripts/make-pdf.mjs";

/** The pages of the client's packet, from tests/fixtures/packets.json (shared with the Rust tests). */
export const packetPages = JSON.parse(readFileSync(new URL("../fixtures/packets.json", import.meta.url), "utf8"))["invoice-order-receipt"];

export function writePacket() {
  const dir = new URL("../../target/test-fixtures/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL("packet.pdf", dir), pdfFromPages(packetPages));
}
