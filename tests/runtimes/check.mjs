// The check every runtime runs, as a user's app would, on the package installed from its tarball
// and loaded by name: imported by main.mjs (Node.js, Deno and Bun) and worker.mjs (a Worker),
// required by main.cjs (CommonJS in Node.js), each handing its exports here. Each hands back
// what it saw, and runtimes.test.mjs asserts it.

/**
 * apiVersion, upload, pipeline.runJob, job.wait, and the error class of an unknown pipeline,
 * with `reductoWasm`, the package's exports as the caller loaded them.
 */
export async function check(reductoWasm, { baseURL, pipelineId, pdf }) {
  const { JobWaitTimeoutError, NotFoundError, Reducto, ReductoError } = reductoWasm;
  const client = new Reducto({ baseURL, maxRetries: 0 });
  const version = await client.apiVersion();
  const upload = await client.upload(pdf, { extension: "pdf" });
  const { job_id } = await client.pipeline.runJob({ input: upload, pipeline_id: pipelineId });
  const result = await client.job.wait(job_id);
  const unknown = await client.pipeline.run({ input: upload, pipeline_id: "no-such-pipeline" }).catch((error) => error);
  return {
    version,
    fileId: upload.file_id,
    pages: result.usage.num_pages,
    chunks: result.result.parse.result.chunks.map((chunk) => chunk.content.slice(0, 30)),
    error: {
      name: unknown.name,
      status: unknown.status,
      isNotFound: unknown instanceof NotFoundError,
      isReductoError: unknown instanceof ReductoError,
    },
    jobWaitTimeoutError: typeof JobWaitTimeoutError === "function",
  };
}
