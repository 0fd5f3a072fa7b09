// The official SDK doing what the three-line usage does, for a like-for-like bundle size.
import Reducto from "reductoai";

const client = new Reducto({ apiKey: "k", baseURL: location.origin, dangerouslyAllowBrowser: true });
document.querySelector("input").addEventListener("change", async (event) => {
  const upload = await client.upload({ file: event.target.files[0] });
  const result = await client.pipeline.run({ input: upload.file_id, pipeline_id: "k9" });
  console.log(result.usage.num_pages);
});
