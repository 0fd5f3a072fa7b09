//! The TypeScript interfaces of every param and response, written from Reducto's OpenAPI spec.
//!
//! Responses stay plain JS objects (the JSON the server sent); these declarations are how a
//! TypeScript caller sees them. Wire names are kept as the API spells them (`pipeline_id`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `new Reducto(…)`. */
export interface ReductoOptions {
  /** Sent as `Authorization: Bearer <apiKey>`; never logged, never put in a URL. */
  apiKey?: string;
  /** Where requests go, e.g. `http://127.0.0.1:8080` for reducto-local. Wins over `environment`. */
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
export type PipelineInput = string | string[] | Upload | File | Blob;

export interface PipelineSettings {
  /** Password of an encrypted PDF. */
  document_password?: string | null;
}

export interface PipelineRunParams {
  input: PipelineInput;
  /** The Pipeline ID shown by the Studio after Deploy. */
  pipeline_id: string;
  settings?: PipelineSettings;
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

/** Values extracted with the pipeline's JSON Schema. */
export type ExtractResponse = Record<string, unknown>;

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
  parse: ParseResponse | ParseResponse[] | null;
  extract: ExtractSplitResponse[] | ExtractResponse | null;
  split: SplitResponse | null;
}

export interface PipelineResponse {
  response_type?: "pipeline";
  job_id: string;
  usage: ParseUsage;
  result: PipelineResult;
}
"#;
