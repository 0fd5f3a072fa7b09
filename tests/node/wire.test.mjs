// What reducto-wasm puts on the wire, watched from the other end: the documented promises about
// job polling, params it does not know, and the fetch of a result sent as a URL, checked in the
// requests a real reducto-local (its fault log, `--enable-faults`) or a recording proxy in front
// of it saw arrive.
import assert from "node:assert/strict";
import { openAsBlob } from "node:fs";
import { after, before, test } from "node:test";
import { Reducto } from "../../pkg/node.js";
import { deployPipeline } from "../../scripts/studio.mjs";
import { faultLog, scriptResponses } from "../support/faults.mjs";
import { startRecordingProxy } from "../support/proxy.mjs";
import { startServer } from "../support/server.mjs";

const fourPagesPdf = new URL("../fixtures/pdfs/pdflatex-4-pages.pdf", import.meta.url);
let server;

before(async () => {
  server = await startServer(["--enable-faults"]);
});
after(() => server?.stop());

test("job.wait polls after 250 ms, then 1.5 times longer each time, up to 5 s", async () => {
  const client = new Reducto({ baseURL: server.url });
  const upload = await client.upload(await openAsBlob(fourPagesPdf));
  const { job_id } = await client.parse.runJob({ input: upload });
  // A job that stays Pending for nine polls (scripted answers of GET /job/{id}), so that the
  // intervals grow to their cap; the tenth poll reaches the real route and the finished job.
  const pending = { status: "Pending", progress: 0.5, reason: null, result: null };
  await scriptResponses(server.url, "GET", `/job/${job_id}`, Array(9).fill({ body: pending }));
  const result = await client.job.wait(job_id);
  assert.equal(result.usage.num_pages, 4, "the wait ends with the job's own result");

  const polls = (await faultLog(server.url)).filter((r) => r.method === "GET" && r.path === `/job/${job_id}`);
  assert.equal(polls.length, 10, "nine Pending answers, then the finished job");
  const gaps = polls.slice(1).map((poll, i) => poll.at_ms - polls[i].at_ms);
  const expected = [250, 375, 562.5, 843.75, 1265.6, 1898.4, 2847.7, 4271.5, 5000];
  // A timer never fires early. It may fire late when the machine is busy (npm test runs other
  // steps beside this one), by a few ms usually and now and then by a few hundred, and a slow
  // machine makes every gap a little longer than its wait (a poll's own round trip is in it):
  // so the typical lateness is held to a small share of the wait, and a single late one
  // loosely. A wrong policy (another start, factor or cap) is early, or late on most polls by
  // a growing share (a factor of 1.6 instead of 1.5 is 20% late by the fifth poll).
  const late = gaps.map((gap, i) => gap - expected[i]);
  const share = late.map((ms, i) => ms / expected[i]);
  const median = [...share].sort((a, b) => a - b)[Math.floor(share.length / 2)];
  const seen = `gaps between polls ${gaps.map(Math.round).join(", ")} ms, expected about ${expected.map(Math.round).join(", ")}`;
  assert.ok(late.every((ms) => ms > -15), `no poll comes early: ${seen}`);
  assert.ok(median < 0.12, `the typical poll is on time (median lateness ${Math.round(median * 100)}% of its wait): ${seen}`);
  assert.ok(Math.max(...late) < 600, `no poll is very late: ${seen}`);
});

test("params the client does not know arrive in the request body unchanged", async () => {
  const proxy = await startRecordingProxy(server.url);
  try {
    const client = new Reducto({ baseURL: proxy.url });
    const upload = await client.upload(await openAsBlob(fourPagesPdf));
    // Not in the API description the client was written from: a future option, at the top
    // level and inside an option group, with every kind of JSON value.
    const future = { flag: true, count: 3, ratio: 0.25, text: "ünïcödé ✓", nothing: null, list: [1, "two", { deep: [] }] };
    const parseParams = {
      input: upload.file_id,
      retrieval: { chunking: { chunk_mode: "page" }, future_retrieval_option: "as written" },
      future_option: future,
    };
    const parsed = await client.parse.run(parseParams);
    assert.equal(parsed.usage.num_pages, 4);
    const pipelineId = await deployPipeline(server.url, "Wire", { parse: {} });
    const pipelineParams = { input: upload.file_id, pipeline_id: pipelineId, settings: { future_setting: future }, future_option: future };
    const ran = await client.pipeline.run(pipelineParams);
    assert.equal(ran.usage.num_pages, 4);

    const body = (path) => {
      const sent = proxy.requests.filter((r) => r.method === "POST" && r.path === path);
      assert.equal(sent.length, 1, `one POST ${path} went through the proxy`);
      return JSON.parse(sent[0].body.toString("utf8"));
    };
    assert.deepEqual(body("/parse"), parseParams, "POST /parse carried the caller's params, no more and no less");
    assert.deepEqual(body("/pipeline"), pipelineParams, "POST /pipeline carried the caller's params, no more and no less");
  } finally {
    await proxy.stop();
  }
});

test("a result sent as a URL is fetched without the API key and without the client's headers", async () => {
  const key = "wire-test-key-0123456789";
  // Every parse result of this server is over its inline limit, so it answers with a URL.
  const keyed = await startServer(["--api-key", key, "--inline-result-limit-mb", "0.001", "--enable-faults"]);
  try {
    const headers = { authorization: `Bearer ${key}` };
    const client = new Reducto({ apiKey: key, baseURL: keyed.url, defaultHeaders: { "x-client-header": "client" } });
    const upload = await client.upload(await openAsBlob(fourPagesPdf));
    const parsed = await client.parse.run({ input: upload }, { headers: { "x-call-header": "call" } });
    assert.equal(parsed.result.type, "full", "the client fetched the URL and returned the full result in its place");
    // The same document's result as another server sends it inline.
    const inline = await new Reducto({ baseURL: server.url }).parse.run({ input: await openAsBlob(fourPagesPdf) });
    assert.equal(inline.result.type, "full");
    assert.deepEqual(parsed.result.chunks.map((c) => c.content), inline.result.chunks.map((c) => c.content));

    const log = await faultLog(keyed.url, headers);
    const call = log.find((r) => r.method === "POST" && r.path === "/parse");
    // The control: the API call itself carried the key and both headers.
    assert.equal(call?.headers.authorization, "Bearer [redacted]");
    assert.equal(call?.headers["x-client-header"], "client");
    assert.equal(call?.headers["x-call-header"], "call");
    const downloads = log.filter((r) => r.method === "GET" && r.path.startsWith("/download/"));
    assert.equal(downloads.length, 1, `one download of the result: ${JSON.stringify(log.map((r) => `${r.method} ${r.path}`))}`);
    for (const download of downloads) {
      for (const name of ["authorization", "x-client-header", "x-call-header"]) {
        assert.ok(!(name in download.headers), `the result's URL was fetched with ${name}: ${JSON.stringify(download.headers)}`);
      }
    }
  } finally {
    await keyed.stop();
  }
});
