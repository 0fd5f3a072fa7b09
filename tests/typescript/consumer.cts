// A CommonJS TypeScript app (a .cts file under `module: nodenext`, so its imports compile to
// `require()`): the package's typings must serve it as they serve ES modules, under `strict`.
import { NotFoundError, Reducto, type PipelineResponse } from "reducto-wasm";

export async function numPages(file: Blob, pipelineId: string): Promise<number | "not found"> {
  const client = new Reducto({ baseURL: "http://127.0.0.1:8080" });
  try {
    const result: PipelineResponse = await client.pipeline.run({ input: await client.upload(file), pipeline_id: pipelineId });
    return result.usage.num_pages;
  } catch (error) {
    if (error instanceof NotFoundError) return "not found";
    throw error;
  }
}
