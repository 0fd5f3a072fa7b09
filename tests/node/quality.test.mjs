// The engine's quality goals (issue 11), asserted on the generated corpus through a real
// reducto-local: the same measurement as `npm run bench` (bench/quality.mjs), with OCR on two
// layouts only, since each scanned page costs seconds. The goals, a small margin under what was
// measured, and the margins are bench/goals.json, which the bench's report reads too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GOALS, measureQuality } from "../../bench/quality.mjs";
import { MANIFEST, measureReal, REAL_GOALS } from "../../bench/real.mjs";
import { startServer } from "../support/server.mjs";

test("extract, split, classify, OCR and parse meet their goals on the corpus and the samples", async () => {
  const { summary, markdown } = await measureQuality({ ocrLayouts: 2 });
  assert.deepEqual(Object.keys(GOALS).sort(), ["classify", "fields", "ocrClean", "rightToLeft", "samples", "scanFields", "split"]);
  const missed = Object.entries(GOALS)
    .filter(([key, goal]) => !(summary[key] >= goal.min))
    .map(([key, goal]) => `${goal.label}: ${summary[key]}, under the goal ${goal.min} (${goal.why})`);
  assert.deepEqual(missed, [], `\n${markdown}`);
});

test("on real documents with a text layer (bench/real/), extract, edit and classify hold their gates", async () => {
  const subset = MANIFEST.filter((doc) => doc.file.endsWith(".pdf") && !doc.file.includes("scan"));
  const server = await startServer();
  try {
    const { fields, forms, classify, lines } = await measureReal(server, subset);
    const measured = {
      fields: fields.right / fields.scored,
      wrong: fields.wrong / fields.scored,
      forms: forms.right / forms.all,
      classify: classify.right / classify.all,
    };
    const missed = Object.entries(REAL_GOALS)
      .filter(([key, goal]) => (goal.max !== undefined ? measured[key] > goal.max : measured[key] < goal.min))
      .map(([key, goal]) => `${goal.label}: ${measured[key].toFixed(3)} (gate ${goal.max ?? goal.min}: ${goal.why})`);
    assert.deepEqual(missed, [], `\n${lines.join("\n")}`);
  } finally {
    await server.stop();
  }
});

test("a photo of a receipt on a wooden table is read: its total and its class", async () => {
  // The first reading, one threshold for the whole photo, stops at the first shadow; the
  // second, Sauvola's adaptive threshold, reads the whole receipt (server/src/engine/ocr.rs).
  const photo = MANIFEST.filter((doc) => doc.file === "docs/fr-receipt-contoso-restaurant.png");
  const server = await startServer();
  try {
    const { classify, lines } = await measureReal(server, photo);
    assert.equal(classify.right, 1, lines.join("\n"));
    assert.ok(!lines.some((line) => / total: /.test(line)), lines.join("\n"));
  } finally {
    await server.stop();
  }
});

test("a receipt scanned sideways is turned upright, and a screenshot's small print enlarged, before OCR", async () => {
  // Tesseract's orientation detection turns the REWE receipt, laid across the scanner; the
  // Contoso invoice, its words 10 pixels high, is read at twice its size, where "125,00€" is
  // no longer "125,006" (server/src/engine/ocr.rs).
  const scans = MANIFEST.filter((doc) =>
    ["docs/de-receipt-rewe-scan.pdf", "docs/it-invoice-contoso.png"].includes(doc.file),
  );
  assert.equal(scans.length, 2);
  const server = await startServer();
  try {
    const { lines } = await measureReal(server, scans);
    const missed = lines.filter((line) => / (invoice_number|vendor_name|total): /.test(line));
    assert.deepEqual(missed, [], lines.join("\n"));
  } finally {
    await server.stop();
  }
});
