// Waiting for something a test cannot be told about by an event (a job's end, a webhook's
// delivery): ask again and again until it holds or a deadline passes. The one copy of this loop
// for the JS tests; never a fixed sleep in its place.

/**
 * Calls `check()` every `interval` ms until it resolves with a truthy value, and resolves with
 * that value; rejects naming `what` (and the last value seen) once `timeout` ms have passed.
 */
export async function pollUntil(check, { what = "the condition", timeout = 60_000, interval = 50 } = {}) {
  const deadline = performance.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > deadline) {
      throw new Error(`${what} did not happen within ${timeout} ms (last seen: ${JSON.stringify(value)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * Polls `getJob()` (resolving with a job as `GET /job/{id}` answers it) until the job leaves
 * Pending/Idle, and resolves with that job.
 */
export function waitForJob(getJob, { timeout = 60_000, interval = 50 } = {}) {
  let last;
  return pollUntil(async () => {
    last = await getJob();
    return ["Pending", "Idle"].includes(last.status) ? null : last;
  }, { what: "the job's end", timeout, interval });
}
