import type { ChildProcess } from "node:child_process";

export interface StartOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Where the server keeps its SQLite file and uploads; default a temporary folder that `close()` removes. */
  dataDir?: string;
  /** Require this key (`Authorization: Bearer …`) on every API call; at least 16 characters. */
  apiKey?: string;
  /** A reducto.pipelines.json to import at start: your pipelines with the IDs your app uses. */
  pipelines?: string;
  /** Mount the fault-injection API (`server.faults`); loopback only. */
  faults?: boolean;
  /** More `reducto-local` flags, as on its command line. */
  args?: string[];
  /** How long to wait for the server to listen, in ms; default 30 000. */
  timeoutMs?: number;
}

/** One scripted answer for the next requests to `method path`. */
export interface FaultAnswer {
  /** Default "GET". */
  method?: string;
  /** The exact path, without the query: "/pipeline". */
  path: string;
  /** How many of the next requests get this answer; default 1. */
  times?: number;
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON (a string as text). */
  body?: unknown;
  /** Wait this long first, in ms. */
  delayMs?: number;
  /** Close the connection without an answer. */
  drop?: boolean;
  /** Let the real route answer (after `delayMs`). */
  passthrough?: boolean;
}

/** A request the server saw since the last `reset()`. */
export interface SeenRequest {
  method: string;
  path: string;
  query: string | null;
  /** Milliseconds since the server started. */
  at_ms: number;
  /** Header names in lower case; credentials' values redacted. */
  headers: Record<string, string>;
  content_length: number | null;
  /** Whether a scripted answer was used. */
  faulted: boolean;
}

export interface Faults {
  next(answer: FaultAnswer): Promise<void>;
  reset(): Promise<void>;
  requests(): Promise<SeenRequest[]>;
}

export interface ReductoLocal {
  /** `http://127.0.0.1:PORT`: give it to your client as its `baseURL`. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Scripted faults; their methods reject unless the server was started with `faults: true`. */
  readonly faults: Faults;
  /** Stops the server and removes the temporary data folder it was given. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts reducto-local; resolves once it listens. */
export function startReductoLocal(options?: StartOptions): Promise<ReductoLocal>;

/** The path of the reducto-local binary this package runs. */
export function binaryPath(): string;
