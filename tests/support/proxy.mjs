// A recording proxy in front of a real reducto-local: it forwards every request unchanged
// (its `Host` too, so the URLs the server hands out lead back through the proxy) and keeps what
// arrived, bodies included, for tests of exactly what a client sends on the wire. In-process:
// the tests that use it await their calls, so this event loop stays free to forward.
import { createServer, request } from "node:http";

/** Resolves with { url, requests, stop() }; `requests` fills with `{ method, path, headers,
 * body }` (headers as Node reads them, names in lower case; body a Buffer) as they arrive. */
export async function startRecordingProxy(target) {
  const requests = [];
  const server = createServer((incoming, outgoing) => {
    const chunks = [];
    incoming.on("data", (chunk) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: incoming.method, path: incoming.url, headers: { ...incoming.headers }, body });
      const upstream = request(new URL(incoming.url, target), { method: incoming.method, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode, answer.headers);
        answer.pipe(outgoing);
      });
      upstream.on("error", (error) => {
        outgoing.statusCode = 502;
        outgoing.end(`the recording proxy could not reach ${target}: ${error.message}`);
      });
      upstream.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
