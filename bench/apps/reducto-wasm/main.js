// The three-line usage of reducto-wasm (upload, then run a deployed pipeline), as an app that
// a bundler can build: its bundle is what a browser downloads to make these calls.
import { Reducto } from "reducto-wasm";

const client = new Reducto({ baseURL: location.origin });
document.querySelector("input").addEventListener("change", async (event) => {
  const upload = await client.upload(event.target.files[0]);
  const result = await client.pipeline.run({ input: upload, pipeline_id: "k9" });
  console.log(result.usage.num_pages);
});
