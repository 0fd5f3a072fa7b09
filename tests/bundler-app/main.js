import { NotFoundError, Reducto } from "reducto-wasm";

const client = new Reducto({ baseURL: location.origin });
const pipelineId = new URLSearchParams(location.search).get("pipeline");
const output = document.getElementById("pages");

document.getElementById("file").addEventListener("change", async (event) => {
  try {
    const result = await client.pipeline.run({ input: event.target.files[0], pipeline_id: pipelineId });
    output.textContent = `${result.usage.num_pages} pages`;
  } catch (error) {
    output.textContent = error instanceof NotFoundError ? `not found: ${error.message}` : `error: ${error}`;
  }
});
document.body.dataset.ready = "true";
