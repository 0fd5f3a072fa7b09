// A Vitest globalSetup that starts reducto-local once for the whole run, with the app's
// pipelines, and hands its URL to the tests; Vitest calls the returned function at the end.
import { startReductoLocal } from "reducto-local";

export default async function setup({ provide }) {
  const server = await startReductoLocal({ pipelines: "reducto.pipelines.json" });
  provide("reductoURL", server.url);
  console.log(`reducto-local listening on ${server.url}`);
  return () => server.close();
}
