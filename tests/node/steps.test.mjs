// The Studio checks a draft's steps before saving them (www/lib/step-editor.js, in words a person
// reads); the server checks them again when the draft is saved (server/src/steps.rs, a 422).
// Both run here on one table of cases against a real reducto-local, so neither can accept what
// the other refuses.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { shapeProblem } from "../../www/lib/step-editor.js";
import { startServer } from "../support/server.mjs";

const schema = { type: "object", properties: { total: { type: "number" } } };
const bbox = { left: 0.1, top: 0.1, width: 0.3, height: 0.02, page: 1, original_page: 1 };
const widget = { bbox, description: "Name", type: "text", value: "Ada" };

/** Steps, and whether they are a pipeline's (true) or not (false). */
const CASES = [
  [{}, true],
  [{ parse: {} }, true],
  [{ parse: { options: { chunking: { chunk_mode: "page", chunk_size: 500 } } } }, true],
  [{ parse: { options: { settings: { document_password: "secret" } } } }, true],
  [{ parse: { options: { chunking: { chunk_mode: "paragraphs" } } } }, false],
  [{ parse: { options: { chunking: { chunk_mode: "variable", chunk_size: 0 } } } }, false],
  [{ parse: { options: { settings: { document_password: 7 } } } }, false],
  [{ parse: { options: "fast" } }, false],
  [{ parse: { options: {
    formatting: { table_output_format: "html", add_page_markers: "yes", merge_tables: 0, include: ["comments"] },
    retrieval: { filter_blocks: ["Header", "Page Number"] },
    settings: { page_range: [{ start: 2, end: 3 }, 5], timeout: 30, embed_pdf_metadata_dpi: 100, extraction_mode: "ocr" },
    enhance: { summarize_figures: false }, spreadsheet: { clustering: "fast", max_cell_count: 10 },
  } } }, true],
  [{ parse: { options: { settings: { page_range: ["Summary", "Q1"] } } } }, true],
  [{ parse: { options: { formatting: { table_output_format: "markdown" } } } }, false],
  [{ parse: { options: { formatting: "html" } } }, false],
  [{ parse: { options: { formatting: { add_page_markers: "maybe" } } } }, false],
  [{ parse: { options: { retrieval: { filter_blocks: ["Headline"] } } } }, false],
  [{ parse: { options: { settings: { page_range: { start: 3, end: 1 } } } } }, false],
  [{ parse: { options: { settings: { page_range: [0] } } } }, false],
  [{ parse: { options: { settings: { page_range: "1-3" } } } }, false],
  [{ parse: { options: { settings: { timeout: 0 } } } }, false],
  [{ parse: { options: { settings: { embed_pdf_metadata_dpi: 400 } } } }, false],
  [{ parse: { options: { spreadsheet: { max_cell_count: 0.5 } } } }, false],
  [{ parse: { options: { enhance: { agentic: {} } } } }, false],
  [{ parse: { options: { spreadsheet: { split_large_tables: { enabled: true, size: { row: 20, column: null } } } } } }, true],
  [{ parse: { options: { spreadsheet: { split_large_tables: { size: 0 } } } } }, false],
  [{ parse: { options: { spreadsheet: { split_large_tables: { enabled: "sometimes" } } } } }, false],
  [{ parse: { options: { spreadsheet: { split_large_tables: { size: { row: 2.5 } } } } } }, false],
  [{ parse: [] }, false],
  [{ parsing: {} }, false],
  [{ parse: { option: {} } }, false],
  [{ split: { categories: [{ name: "Invoice", description: "an invoice", partition_key: "number" }] } }, true],
  [{ split: { categories: "Invoice" } }, false],
  [{ split: { categories: [{ name: "Invoice" }] } }, false],
  [{ split: { categories: [["Invoice", "an invoice"]] } }, false],
  [{ split: { categories: [{ name: "Invoice", description: "d", partition_key: 3 }] } }, false],
  [{ split: { categories: [{ name: "Invoice", description: "d", colour: "red" }] } }, false],
  [{ extract: { schema } }, true],
  [{ extract: { schema, system_prompt: "Be exact.", citations: { enabled: true } } }, true],
  [{ extract: {} }, false],
  [{ extract: { schema: "total" } }, false],
  [{ extract: { schema: { type: "object", properties: ["total"] } } }, false],
  [{ extract: { schema: { type: "object", properties: { total: "number" } } } }, false],
  [{ extract: { schema, system_prompt: 5 } }, false],
  [{ edit: { instructions: "Name: Ada" } }, true],
  [{ edit: {} }, false],
  [{ edit: { instructions: 5 } }, false],
  [{ edit: { instructions: "", form_schema: null } }, true],
  [{ edit: { instructions: "", form_schema: [widget] } }, true],
  [{ edit: { instructions: "", form_schema: widget } }, false],
  [{ edit: { instructions: "", form_schema: [Object.values(widget)] } }, false],
  [[], false],
];

let server;
let id;

before(async () => {
  server = await startServer();
  id = (await studio("POST", "", { name: "steps", steps: {} })).body.id;
});
after(() => server?.stop());

async function studio(method, path, body) {
  const response = await fetch(`${server.url}/studio/pipelines${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

test("the Studio page and the server take and refuse the same steps", async () => {
  for (const [steps, valid] of CASES) {
    const problem = shapeProblem(steps);
    const saved = await studio("PUT", `/${id}/draft`, { steps });
    const shown = JSON.stringify(steps);
    assert.equal(problem === null, valid, `the page on ${shown}: ${problem}`);
    assert.equal(saved.status === 200, valid, `the server on ${shown}: ${saved.status} ${JSON.stringify(saved.body)}`);
  }
});
