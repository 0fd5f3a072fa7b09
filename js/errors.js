// The error classes of reducto-wasm. They are plain JS because only a JS class can extend
// `Error` so that `instanceof`, `.name` and `.stack` behave as every JS developer expects.
// Rust decides which class an error is (src/errors.rs) and names it to `createError`.

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

export class JobWaitTimeoutError extends ReductoError {
  constructor(message, jobId) {
    super(message);
    this.jobId = jobId;
  }
}

const classes = {
  ReductoError, APIError, BadRequestError, AuthenticationError, PermissionDeniedError,
  NotFoundError, ConflictError, UnprocessableEntityError, RateLimitError, InternalServerError,
  APIConnectionError, APIConnectionTimeoutError, APIUserAbortError,
};
// `error.name` comes from these keys, so it stays right even where an app's bundler renames classes.
for (const [name, Class] of Object.entries({ ...classes, JobFailedError, JobWaitTimeoutError })) {
  Class.prototype.name = name;
}

/** An error of the class named `name`; API errors also get their status, headers and body. */
export function createError(name, message, status, headers, body) {
  const Class = classes[name];
  if (!Class) throw new TypeError(`reducto-wasm has no error class named ${name}`);
  return status === undefined ? new Class(message) : new Class(message, status, headers, body);
}

export function createJobFailedError(message, jobId, reason) {
  return new JobFailedError(message, jobId, reason);
}

export function createJobWaitTimeoutError(message, jobId) {
  return new JobWaitTimeoutError(message, jobId);
}
