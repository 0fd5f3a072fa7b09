//! The TypeScript interfaces of every param and response, written from Reducto's OpenAPI spec.
//!
//! Responses stay plain JS objects (the JSON the server sent); these declarations are how a
//! TypeScript caller sees them. Wire names are kept as the API spells them (`pipeline_id`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `new Reducto(…)`. */
export interface ReductoOptions {
  /** Sent as `Authorization: Bearer <apiKey>`; never logged, never put in a URL. In Node.js, defaults to `REDUCTO_API_KEY`. */
  apiKey?: string;
  /** Where requests go, e.g. `http://127.0.0.1:8080` for reducto-local. Wins over `environment`. In Node.js, defaults to `REDUCTO_BASE_URL`. */
  baseURL?: string;
  /** Reducto's region: platform / eu.platform / au.platform .reducto.ai. Default "production". */
  environment?: "production" | "eu" | "au";
  /** Milliseconds per attempt. Default 3 600 000 (one hour). */
  timeout?: number;
  /** Retries of connection errors, timeouts, 408, 409, 429 and ≥ 500. Default 2. */
  maxRetries?: number;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
  /** Allow sending `apiKey` from a browser page to a reducto.ai host, where anyone can read it. */
  dangerouslyAllowBrowser?: boolean;
}

/** Options of a single request; they override the client's. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeout?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
}

export interface UploadProgress { loaded: number; total: number }

export interface UploadOptions extends RequestOptions {
  /** File extension without the dot ("pdf"); taken from the file name when omitted. */
  extension?: string;
  /** Name sent with the file; a `File`'s own name when omitted. */
  filename?: string;
  onProgress?: (progress: UploadProgress) => void;
}

/** What `upload` accepts; the bytes are handed to the browser as they are, never copied into wasm. */
export type Uploadable = File | Blob | ArrayBuffer | ArrayBufferView;

/** An uploaded file: pass it (or its `file_id`) as `input`. */
export interface Upload {
  /** `reducto://…` */
  file_id: string;
  presigned_url?: string | null;
}

/** A document URL (`https://…`, `reducto://…`, `jobid://…`), several of them, an `Upload`, or a file to upload first. */
export type DocumentInput = string | string[] | Upload | File | Blob;

export interface PipelineSettings {
  /** Password of an encrypted PDF. */
  document_password?: string | null;
}

export interface PipelineRunParams {
  input: DocumentInput;
  /** The Pipeline ID shown by the Studio after Deploy. */
  pipeline_id: string;
  settings?: PipelineSettings;
}

/** How a job runs: `priority` jobs go first; `metadata` comes back with the job. */
export interface AsyncOptions {
  priority?: boolean;
  metadata?: unknown;
  webhook?: { mode?: "disabled" | "svix" | "direct"; url?: string; metadata?: unknown; channels?: string[] } | null;
}

export interface PipelineRunJobParams extends PipelineRunParams {
  async?: AsyncOptions;
}

/** A started job: follow it with `client.job.get` or `client.job.wait`. */
export interface AsyncJob {
  job_id: string;
}

export interface PageRange {
  start?: number | null;
  end?: number | null;
}

export interface Chunking {
  chunk_mode?: "variable" | "section" | "page" | "disabled" | "block" | "page_sections";
  chunk_size?: number | null;
  chunk_overlap?: number;
}

export interface Retrieval {
  chunking?: Chunking;
  filter_blocks?: string[];
  embedding_optimized?: boolean;
}

export interface ParseSettings {
  document_password?: string | null;
  page_range?: PageRange | PageRange[] | number[] | null;
  ocr_system?: "standard" | "legacy";
  extraction_mode?: "ocr" | "hybrid";
  force_url_result?: boolean;
  force_file_extension?: string | null;
  return_ocr_data?: boolean;
  persist_results?: boolean;
  timeout?: number | null;
}

export interface ParseRunParams {
  input: DocumentInput;
  enhance?: Record<string, unknown>;
  retrieval?: Retrieval;
  formatting?: Record<string, unknown>;
  spreadsheet?: Record<string, unknown>;
  settings?: ParseSettings;
}

export interface ParseRunJobParams extends ParseRunParams {
  async?: AsyncOptions;
}

/** Parse options used by extract and split. */
export interface ParseOptions {
  retrieval?: Retrieval;
  settings?: ParseSettings;
  [option: string]: unknown;
}

/** A JSON Schema: the shape of the values to extract. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ExtractRunParams {
  input: DocumentInput;
  instructions?: { schema?: JsonSchema; system_prompt?: string };
  parsing?: ParseOptions;
  settings?: {
    include_images?: boolean;
    optimize_for_latency?: boolean;
    array_extract?: boolean;
    deep_extract?: boolean;
    citations?: { enabled?: boolean; numerical_confidence?: boolean };
  };
}

export interface ExtractRunJobParams extends ExtractRunParams {
  async?: AsyncOptions;
}

export interface SplitCategory {
  name: string;
  description: string;
  partition_key?: string | null;
}

export interface SplitRunParams {
  input: DocumentInput;
  split_description: SplitCategory[];
  split_rules?: string;
  parsing?: ParseOptions;
  settings?: { table_cutoff?: "truncate" | "preserve"; allow_page_overlap?: boolean; deep_split?: boolean };
}

export interface SplitRunJobParams extends SplitRunParams {
  async?: AsyncOptions;
}

export interface BoundingBox {
  /** Fractions of the page width and height, origin at the top left. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** 1-indexed. */
  page: number;
  original_page?: number;
}

export type ParseBlockType =
  | "Header" | "Footer" | "Title" | "Section Header" | "Page Number" | "List Item"
  | "Figure" | "Table" | "Key Value" | "Text" | "Comment" | "Signature";

export interface ParseBlock {
  type: ParseBlockType;
  bbox: BoundingBox;
  content: string;
  image_url?: string | null;
  chart_data?: string[] | null;
  confidence?: string | null;
  granular_confidence?: { extract_confidence?: number | null; parse_confidence?: number | null } | null;
  extra?: Record<string, unknown> | null;
}

export interface ParseChunk {
  content: string;
  embed: string;
  enriched: string | null;
  enrichment_success?: boolean;
  blocks: ParseBlock[];
}

export interface FullResult {
  type: "full";
  chunks: ParseChunk[];
  ocr?: unknown;
  custom?: unknown;
}

/** A result too large for one response, stored at `url`. */
export interface UrlResult {
  type: "url";
  url: string;
  result_id: string;
}

export interface ParseUsage {
  num_pages: number;
  credits?: number | null;
  credit_breakdown?: Record<string, number> | null;
  page_billing_breakdown?: Record<string, string[]> | null;
  non_empty_cell_count?: number | null;
}

export interface ParseResponse {
  response_type?: "parse";
  job_id: string;
  /** Seconds. */
  duration: number;
  pdf_url?: string | null;
  studio_link?: string | null;
  usage: ParseUsage;
  result: FullResult | UrlResult;
  parse_mode?: "base" | "lite" | null;
}

/** Values extracted with a JSON Schema. `result` holds one object of values; with citations
 * on, each value is `{ value, citations }`. */
export interface ExtractResponse {
  job_id?: string;
  usage?: ParseUsage & { num_fields?: number };
  result: Record<string, unknown>[] | Record<string, unknown>;
  citations?: unknown;
  studio_link?: string | null;
  [field: string]: unknown;
}

/** One section of a split → extract pipeline. */
export interface ExtractSplitResponse {
  split_name: string;
  page_range: number[];
  partition?: string | null;
  result: ExtractResponse;
}

export interface SplitPartition { name: string; pages: number[]; conf?: "high" | "low" }

export interface Split {
  name: string;
  pages: number[];
  conf?: "high" | "low";
  partitions?: SplitPartition[] | null;
}

export interface SplitResult {
  section_mapping: Record<string, number[]> | null;
  splits: Split[];
}

export interface SplitResponse {
  response_type?: "split";
  usage: ParseUsage;
  result: SplitResult;
}

export interface PipelineResult {
  /** Filled when the pipeline is parse only. */
  parse: ParseResponse | ParseResponse[] | null;
  /** One result per split section when the pipeline splits before extracting. */
  extract: ExtractSplitResponse[] | ExtractResponse | null;
  split: SplitResponse | null;
}

export interface PipelineResponse {
  response_type?: "pipeline";
  job_id: string;
  usage: ParseUsage;
  result: PipelineResult;
}

/** What a finished job resolves with, by the kind of job. */
export type JobResult = ParseResponse | ExtractResponse | SplitResponse | PipelineResponse;

export type JobStatus = "Pending" | "Completed" | "Failed" | "Idle";

export interface JobResponse {
  status: JobStatus;
  /** From 0 to 1, as pages complete. */
  progress?: number | null;
  /** Why the job failed. */
  reason?: string | null;
  result?: JobResult | null;
}

export interface SingleJob {
  job_id: string;
  status: JobStatus | "InProgress" | "Completing" | "Cancelled";
  type?: "Parse" | "Extract" | "Split" | "Edit" | "Pipeline" | "Classify" | null;
  raw_config?: string | null;
  created_at: string;
  num_pages?: number | null;
  total_pages?: number | null;
  duration?: number | null;
  source?: unknown;
  bucket?: unknown;
}

export interface JobsPage {
  jobs: SingleJob[];
  /** Pass it as `cursor` for the next page; `null` on the last page. */
  next_cursor?: string | null;
}

export interface JobListParams {
  cursor?: string | null;
  /** 1 to 500; the server's default is 100. */
  limit?: number;
  exclude_configs?: boolean;
}

export interface JobWaitOptions {
  /** Called whenever the job's progress (0 to 1) changes. */
  onProgress?: (progress: number, job: JobResponse) => void;
  /** Stops waiting (the job goes on). */
  signal?: AbortSignal;
  /** The first wait between polls in ms (default 250); it grows to 5 s. */
  pollInterval?: number;
  /** Gives up after this many ms with a `ReductoError`; the job goes on. */
  timeout?: number;
}
"#;
