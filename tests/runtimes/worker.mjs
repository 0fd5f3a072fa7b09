// A Cloudflare Worker that runs the runtimes' check: the request's body is the PDF, its query
// names the server and the pipeline. Bundled by esbuild with the Workers' conditions and run in
// workerd by miniflare (runtimes.test.mjs).
import * as reductoWasm from "reducto-wasm";
import { check } from "./check.mjs";

export default {
  async fetch(request) {
    const query = new URL(request.url).searchParams;
    const pdf = new Uint8Array(await request.arrayBuffer());
    try {
      return Response.json(await check(reductoWasm, { baseURL: query.get("baseURL"), pipelineId: query.get("pipelineId"), pdf }));
    } catch (error) {
      return Response.json({ failed: `${error.name}: ${error.message}` }, { status: 500 });
    }
  },
};
