// The same app with the official SDK, for a like-for-like bundle size. The SDK wants an API key
// and takes the upload's `file_id` rather than the upload itself.
import Reducto from "reductoai";

const client = new Reducto({ apiKey: "k", baseURL: location.origin, dangerouslyAllowBrowser: true });
document.querySelector("input").addEventListener("change", async (event) => {
  const upload = await client.upload({ file: event.target.files[0] });
  const result = await client.pipeline.run({ input: upload.file_id, pipeline_id: "k9" });
  console.log(result.usage.num_pages);
});
