// The engine on documents other people made (bench/real/, see its README): invoices and
// receipts through /extract with a four-field schema, fillable forms through /edit one
// instruction at a time, and every document through /classify among invoice, form, legal text
// and letter. A wrong value is counted apart from a missing one (null): a wrong value is worse.
// bench/quality.mjs reports it beside the generated corpus; tests/node/quality.test.mjs runs it
// on the documents with a text layer.
import { readFileSync } from "node:fs";
import { formValues } from "../tests/support/forms.mjs";

const here = new URL("./real/", import.meta.url);
export const MANIFEST = JSON.parse(readFileSync(new URL("manifest.json", here), "utf8"));
/** npm test's gates on the real documents with a text layer, and issue 19's targets (goals.json). */
export const REAL_GOALS = JSON.parse(readFileSync(new URL("./goals.json", import.meta.url), "utf8")).real.goals;

/** What a user of the drop page would ask for: four fields with plain descriptions. */
export const INVOICE_SCHEMA = {
  type: "object",
  properties: {
    invoice_number: { type: "string", description: "The invoice number" },
    invoice_date: { type: "string", format: "date", description: "The date of the invoice" },
    vendor_name: { type: "string", description: "The name of the company that issued the invoice" },
    total: { type: "number", description: "The total amount" },
  },
};

/** The classes every document is told apart by, with the words of each in English. */
export const CLASSES = [
  { category: "invoice", criteria: ["invoice number", "amount due", "total", "receipt"] },
  { category: "form", criteria: ["fill in", "signature", "date of birth", "tick the box"] },
  { category: "legal", criteria: ["agreement", "article", "shall", "terms and conditions"] },
  { category: "letter", criteria: ["dear", "sincerely", "regards", "yours"] },
];

/** The class a document of `kind` should get (a receipt is an invoice of a sale). */
const classOf = (kind) => (kind === "receipt" ? "invoice" : kind);

/** Letters and digits only, lowercase: "Contoso, Ltd." and "CONTOSO LTD." read the same. */
const bare = (text) => String(text).toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}]/gu, "");

function same(field, expected, got) {
  if (got === null || got === undefined) return false;
  if (field === "total") return typeof got === "number" && Math.abs(got - expected) < 0.005;
  return bare(expected) === bare(got);
}

async function call(server, path, body) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function upload(server, file) {
  const form = new FormData();
  form.append("file", new Blob([readFileSync(new URL(file, here))]), file.split("/").pop());
  const response = await fetch(`${server.url}/upload`, { method: "POST", body: form });
  return (await response.json()).file_id;
}

/**
 * Measures `documents` (manifest entries, all by default) on `server` ({ url }). Returns
 * `{ fields: {right, wrong, missed, invented, scored}, forms: {right, all}, classify: {right,
 * all}, lines: [...] }`: `wrong` is a value unlike the expected one, `invented` a value where
 * the document has none, `missed` a null where it has one; `lines` name every miss.
 */
export async function measureReal(server, documents = MANIFEST) {
  const fields = { right: 0, wrong: 0, missed: 0, invented: 0, scored: 0 };
  const forms = { right: 0, all: 0 };
  const classify = { right: 0, all: 0 };
  const lines = [];
  for (const doc of documents) {
    const file = await upload(server, doc.file);
    if (doc.kind === "invoice" || doc.kind === "receipt") {
      const { status, json } = await call(server, "/extract", { input: file, instructions: { schema: INVOICE_SCHEMA } });
      const got = status === 200 ? json.result?.[0] ?? {} : {};
      if (status !== 200) lines.push(`${doc.file}: /extract answered ${status}: ${json.detail}`);
      for (const field of Object.keys(INVOICE_SCHEMA.properties)) {
        const expected = doc.expected[field] ?? null;
        const value = got[field] ?? null;
        if (expected === null) {
          if (value !== null) {
            fields.invented++;
            lines.push(`${doc.file} ${field}: the document has none, got ${JSON.stringify(value)}`);
          }
          continue;
        }
        fields.scored++;
        if (same(field, expected, value)) fields.right++;
        else if (value === null) {
          fields.missed++;
          lines.push(`${doc.file} ${field}: expected ${JSON.stringify(expected)}, got null`);
        } else {
          fields.wrong++;
          lines.push(`${doc.file} ${field}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(value)} (wrong)`);
        }
      }
    }
    if (doc.kind === "form") {
      for (const field of doc.expected.fields) {
        forms.all++;
        const { status, json } = await call(server, "/edit", { document_url: file, edit_instructions: field.instruction });
        if (status !== 200) {
          lines.push(`${doc.file} "${field.instruction}": /edit answered ${status}: ${json.detail?.slice(0, 160)}`);
          continue;
        }
        const edited = await (await fetch(json.document_url)).arrayBuffer();
        const value = (await formValues(edited))[field.field_name];
        if (value === field.value) forms.right++;
        else lines.push(`${doc.file} "${field.instruction}": ${field.field_name} holds ${JSON.stringify(value)}`);
      }
    }
    const wanted = classOf(doc.kind);
    classify.all++;
    const { json } = await call(server, "/classify", { input: file, classification_schema: CLASSES });
    const got = json.result?.category ?? null;
    if (got === wanted) classify.right++;
    else lines.push(`${doc.file}: classified ${JSON.stringify(got)}, not ${wanted}`);
  }
  return { fields, forms, classify, lines };
}

/** The real set's section of bench/quality.md. */
export function realMarkdown({ fields, forms, classify, lines }, documents = MANIFEST) {
  const languages = [...new Set(documents.map((d) => d.language))].join(", ");
  const ratio = (n, of) => `${n}/${of} = ${of ? (n / of).toFixed(3) : "–"}`;
  return `## Engine quality on real documents (bench/real/)

${documents.length} documents made by other people, in ${languages} (sources and licences in
bench/real/README.md). Invoices and receipts through \`/extract\` with a four-field schema
(invoice_number, invoice_date, vendor_name, total); forms through \`/edit\`, one instruction at a
time, read back with pdf.js; every document through \`/classify\` among invoice, form, legal
text and letter.

| measure | result | target (issue 19) |
| --- | --- | --- |
| invoice and receipt fields right | ${ratio(fields.right, fields.scored)} | ≥ ${REAL_GOALS.fields.target} |
| wrong values (worse than null) | ${ratio(fields.wrong, fields.scored)} | ≤ ${REAL_GOALS.wrong.target} |
| nulls where the document has a value | ${fields.missed} | |
| values where the document has none | ${fields.invented} | |
| form fields filled right | ${ratio(forms.right, forms.all)} | ≥ ${REAL_GOALS.forms.target} |
| documents classified right | ${ratio(classify.right, classify.all)} | ≥ ${REAL_GOALS.classify.target} |

npm test holds the documents with a text layer to gates a little under what they measured
(bench/goals.json, \`real\`).

<details><summary>Every miss</summary>

${lines.map((line) => `- ${line}`).join("\n")}

</details>
`;
}
