// A webhook receiver for the browser tests, in a process of its own (the test runner blocks its
// own event loop while a step runs). It records every POST to /hook, answering the first
// `?fail=N` of them for each job with a 500 (so the sender must retry), and lists what it got
// at GET /deliveries, readable by a page of any origin.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Starts the receiver process; resolves with { url, stop() }. */
export async function startReceiver() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ["ignore", "pipe", "inherit"] });
  const firstLine = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the webhook receiver exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  const url = /^listening on (\S+)$/.exec(firstLine)?.[1];
  if (!url) throw new Error(`the webhook receiver said "${firstLine}"`);
  return {
    url,
    stop: () => new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill();
    }),
  };
}

function serve() {
  const deliveries = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://receiver");
    res.setHeader("access-control-allow-origin", "*");
    if (req.method === "OPTIONS") {
      res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
      res.end();
      return;
    }
    if (req.method === "GET" && url.pathname === "/deliveries") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(deliveries));
      return;
    }
    if (req.method !== "POST" || url.pathname !== "/hook") {
      res.statusCode = 404;
      res.end();
      return;
    }
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      const earlier = deliveries.filter((d) => d.body?.job_id === body?.job_id).length;
      const failing = earlier < Number(url.searchParams.get("fail") ?? 0);
      deliveries.push({ body, contentType: req.headers["content-type"], answered: failing ? 500 : 200 });
      res.statusCode = failing ? 500 : 200;
      res.end(failing ? "injected failure" : "ok");
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) serve();
