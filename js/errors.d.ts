/** Base class of every error thrown by reducto-wasm, including bad arguments. */
export class ReductoError extends Error {}

/** The API answered with an error status. `message` is the server's `detail`. */
export class APIError extends ReductoError {
  /** HTTP status code of the response. */
  readonly status: number;
  /** Response headers, names in lower case. */
  readonly headers: Record<string, string>;
  /** Parsed JSON body (usually `{ detail }`), or the raw text when the body is not JSON. */
  readonly body: unknown;
}

/** 400 */ export class BadRequestError extends APIError {}
/** 401 */ export class AuthenticationError extends APIError {}
/** 403 */ export class PermissionDeniedError extends APIError {}
/** 404 */ export class NotFoundError extends APIError {}
/** 409, e.g. running a pipeline that was never deployed */ export class ConflictError extends APIError {}
/** 422 */ export class UnprocessableEntityError extends APIError {}
/** 429 */ export class RateLimitError extends APIError {}
/** ≥ 500 */ export class InternalServerError extends APIError {}

/** The request never got an answer (network down, DNS, CORS, connection reset). */
export class APIConnectionError extends ReductoError {}
/** An attempt took longer than the `timeout` option. */
export class APIConnectionTimeoutError extends APIConnectionError {}
/** The caller's `AbortSignal` aborted the request. */
export class APIUserAbortError extends ReductoError {}

/** A job ended in `Failed`; `reason` is the server's explanation. */
export class JobFailedError extends ReductoError {
  readonly jobId: string;
  readonly reason: string;
}

/** `job.wait` passed its `timeout`; the job goes on running on the server. */
export class JobWaitTimeoutError extends ReductoError {
  readonly jobId: string;
}
