// A few calls to reducto-local's Studio endpoints and the example pipeline, shared by `npm start`
// (which deploys it) and the page tests. The client package itself only runs pipelines.

export async function studio(baseURL, method, path, body, headers = {}) {
  const response = await fetch(`${baseURL}/studio/pipelines${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Studio ${method} ${path} failed with ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Creates a pipeline with `steps`, deploys it, and resolves with its Pipeline ID. */
export async function deployPipeline(baseURL, name, steps, versionName, headers) {
  const { id } = await studio(baseURL, "POST", "", { name, steps }, headers);
  await studio(baseURL, "POST", `/${id}/deploy`, { version_name: versionName }, headers);
  return id;
}

/** `npm start`'s example: parse, then extract a few invoice fields with citations (the drop
 * page's banner names www/samples/invoice.pdf to try it on). */
export const EXAMPLE_STEPS = {
  parse: { options: { chunking: { chunk_mode: "page" } } },
  extract: {
    schema: {
      type: "object",
      properties: {
        invoice_number: { type: "string", description: "The invoice number" },
        invoice_date: { type: "string", format: "date", description: "The date the invoice was issued" },
        vendor_name: { type: "string", description: "Who issued the invoice" },
        customer_name: { type: "string", description: "Who the invoice is billed to" },
        total: { type: "number", description: "The total amount due" },
      },
      required: ["invoice_number", "total"],
    },
    citations: true,
  },
};
