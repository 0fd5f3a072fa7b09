// Error classes of reducto-wasm, in plain JS so that `instanceof`, `.name` and `.stack` behave
// as every JS developer expects. The Rust side decides which class an error is (src/errors.rs)
// and builds it through `createError`; nothing else here makes decisions.

export class ReductoError extends Error {}

export class APIError extends ReductoError {
  constructor(message, status, headers, body) {
    super(message);
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class ConflictError extends APIError {}
export class UnprocessableEntityError extends APIError {}
export class RateLimitError extends APIError {}
export class InternalServerError extends APIError {}

export class APIConnectionError extends ReductoError {}
export class APIConnectionTimeoutError extends APIConnectionError {}
export class APIUserAbortError extends ReductoError {}

export class JobFailedError extends ReductoError {
  constructor(message, jobId, reason) {
    super(message);
    this.jobId = jobId;
    this.reason = reason;
  }
}

// In the order of `ErrorClass` in src/errors.rs, which names a class by its index here.
const named = {
  ReductoError, APIError, BadRequestError, AuthenticationError, PermissionDeniedError,
  NotFoundError, ConflictError, UnprocessableEntityError, RateLimitError, InternalServerError,
  APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, JobFailedError,
};
const classes = Object.values(named);
// `error.name` comes from these keys, which survive minification (class names do not).
for (const [name, Class] of Object.entries(named)) Class.prototype.name = name;

export function createJobFailedError(message, jobId, reason) {
  return new JobFailedError(message, jobId, reason);
}

/** Builds error class number `index`; API errors also get status, headers and body. */
export function createError(index, message, status, headers, body) {
  const Class = classes[index];
  return status === undefined ? new Class(message) : new Class(message, status, headers, body);
}
