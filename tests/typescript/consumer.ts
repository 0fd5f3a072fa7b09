// A TypeScript app written from CONTRACT.md; it must compile against pkg/index.d.ts under
// `strict`. Each @ts-expect-error line is a misuse that must stay a compile error.
import {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  ConflictError,
  JobFailedError,
  JobWaitTimeoutError,
  NotFoundError,
  Reducto,
  ReductoError,
  type ClassifyResponse,
  type EditResponse,
  type ExtractResponse,
  type JobSummary,
  type JobResult,
  type JobsPage,
  type ParseResponse,
  type PipelineResponse,
  type SplitResponse,
  type Upload,
} from "reducto-wasm";

export async function threeLines(file: File, apiKey: string): Promise<number> {
  const client = new Reducto({ apiKey });
  const upload: Upload = await client.upload(file);
  const result: PipelineResponse = await client.pipeline.run({ input: upload, pipeline_id: "k9" });
  return result.usage.num_pages;
}

export async function everyOption(file: Blob, signal: AbortSignal): Promise<string> {
  const client = new Reducto({
    baseURL: "http://127.0.0.1:8080",
    environment: "eu",
    timeout: 60_000,
    maxRetries: 3,
    defaultHeaders: { "x-team": "docs" },
    dangerouslyAllowBrowser: false,
  });
  const upload = await client.upload(file, { extension: "pdf", filename: "a.pdf", signal, timeout: 5_000 });
  const fromUrl = await client.pipeline.run({ input: "https://example.com/a.pdf", pipeline_id: "k9", settings: { document_password: "pw" } });
  const fromList = await client.pipeline.run({ input: [upload.file_id, "jobid://123"], pipeline_id: "k9" }, { headers: { "x-trace": "1" } });
  const fromFile = await client.pipeline.run({ input: file, pipeline_id: "k9" });
  const parse = fromUrl.result.parse;
  const first: ParseResponse | undefined = Array.isArray(parse) ? parse[0] : parse ?? undefined;
  if (first?.result.type === "full") {
    const block = first.result.chunks[0].blocks[0];
    const page: number = block.bbox.page;
    console.log(page, block.type === "Title", fromList.job_id, fromFile.result.split);
  }
  return client.apiVersion();
}

export async function everyEndpoint(client: Reducto, file: File, signal: AbortSignal): Promise<number> {
  const upload = await client.upload(file, { onProgress: ({ loaded, total }) => console.log(loaded / total) });
  const parsed: ParseResponse = await client.parse.run({
    input: upload,
    retrieval: { chunking: { chunk_mode: "page" } },
    settings: { document_password: "pw", page_range: { start: 1, end: 2 } },
  });
  const extracted: ExtractResponse = await client.extract.run({
    input: `jobid://${parsed.job_id}`,
    instructions: { schema: { type: "object", properties: { total: { type: "number" } } } },
    settings: { citations: { enabled: true } },
  });
  const split: SplitResponse = await client.split.run({
    input: upload.file_id,
    split_description: [{ name: "Invoice", description: "Pages with an invoice" }],
  });
  const { job_id } = await client.pipeline.runJob({ input: upload, pipeline_id: "k9", async: { priority: true } });
  await client.parse.runJob({ input: upload });
  const status = await client.job.get(job_id, { signal });
  const result: JobResult = await client.job.wait(job_id, {
    onProgress: (progress, job) => console.log(progress, job.status),
    signal,
    pollInterval: 500,
    timeout: 60_000,
  });
  const page: JobsPage = await client.job.list({ limit: 50, cursor: null, exclude_configs: true });
  const next = page.next_cursor ? await client.job.list({ cursor: page.next_cursor }) : page;
  await client.job.cancel(job_id);
  console.log(extracted, split.result.splits[0]?.pages, status.progress, result, next.jobs[0]?.status);
  return next.jobs.length;
}

export async function theRestOfTheApi(client: Reducto, form: File): Promise<string[]> {
  const upload = await client.upload(form);
  const classified: ClassifyResponse = await client.classify.run({
    input: upload,
    classification_schema: [{ category: "invoice", criteria: ["invoice number", "total due"] }],
    page_range: [{ start: 1, end: 2 }],
  });
  const confidence: number | undefined = classified.response_confidence?.categories[0]?.confidence;
  const edited: EditResponse = await client.edit.run({
    document_url: form,
    edit_instructions: "Full name: Ada Lovelace",
    edit_options: { flatten: true, font_size: 10 },
  });
  const filled = edited.form_schema?.filter((widget) => widget.type === "checkbox" && widget.value === "true");
  await client.edit.runJob({ document_url: upload, edit_instructions: "", webhook: { mode: "direct", url: "http://127.0.0.1:9000/hook" } });
  await client.classify.runJob({ input: upload.file_id, classification_schema: [], async: { metadata: { order: 7 } } });
  const portal: string = await client.webhook.run();
  const { job_id } = await client.parse.runJob({ input: upload, async: { webhook: { mode: "direct", url: "http://127.0.0.1:9000/hook" } } });
  await client.job.delete(job_id);
  await client.deleteUpload(upload);
  await client.deleteUpload(upload.file_id, { timeout: 5_000 });
  const ids: string[] = [];
  for await (const job of client.job.list({ limit: 50 })) {
    const summary: JobSummary = job;
    ids.push(summary.job_id);
  }
  const firstPage: JobsPage = await client.job.getAll();
  const keeping = new Reducto({ resolveUrlResults: false });
  const parsed = await keeping.parse.run({ input: upload });
  if (parsed.result.type === "url") ids.push(parsed.result.url);
  return [classified.result.category, String(confidence), edited.document_url, String(filled?.length), portal, ...ids, String(firstPage.jobs.length)];
}

export function errorsAreClasses(error: unknown): string {
  if (error instanceof JobFailedError) return `${error.jobId}: ${error.reason}`;
  if (error instanceof JobWaitTimeoutError) return `still running: ${error.jobId}`;
  if (error instanceof APIConnectionTimeoutError) return "slow";
  if (error instanceof APIUserAbortError) return "aborted";
  if (error instanceof ConflictError) return `deploy first (${error.status})`;
  if (error instanceof NotFoundError) return `unknown pipeline: ${error.message}`;
  if (error instanceof APIError) return `${error.status} ${JSON.stringify(error.body)} ${error.headers["x-request-id"]}`;
  if (error instanceof ReductoError) return error.message;
  return "not ours";
}

export async function misuses(client: Reducto, file: File) {
  // @ts-expect-error pipeline_id is required
  await client.pipeline.run({ input: file });
  // @ts-expect-error a number is not an input
  await client.pipeline.run({ input: 42, pipeline_id: "k9" });
  // @ts-expect-error there is no "mars" environment
  new Reducto({ environment: "mars" });
  // @ts-expect-error timeout is a number of milliseconds
  new Reducto({ timeout: "1s" });
  // @ts-expect-error upload takes a file, not a path
  await client.upload(123);
  // @ts-expect-error split needs its categories
  await client.split.run({ input: file });
  // @ts-expect-error a job id is a string
  await client.job.wait(42);
  // @ts-expect-error limit is a number
  await client.job.list({ limit: "10" });
  // @ts-expect-error signal must be an AbortSignal
  await client.apiVersion({ signal: "stop" });
  // @ts-expect-error onProgress receives { loaded, total }
  await client.upload(file, { onProgress: (progress: string) => progress });
  const result = await client.pipeline.run({ input: file, pipeline_id: "k9" });
  // @ts-expect-error an edit names its document as document_url
  await client.edit.run({ input: file, edit_instructions: "x" });
  // @ts-expect-error a category has criteria
  await client.classify.run({ input: file, classification_schema: [{ category: "invoice" }] });
  // @ts-expect-error the job list's items are job summaries
  for await (const job of client.job.list()) console.log(job.result);
  // @ts-expect-error num_pages is a number
  const pages: string = result.usage.num_pages;
  return pages;
}
