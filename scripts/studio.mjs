// A few calls to reducto-local's Studio endpoints, shared by `npm start` (to deploy the example
// pipeline) and the page tests. The client package itself only runs pipelines.

export async function studio(baseURL, method, path, body, headers = {}) {
  const response = await fetch(`${baseURL}/studio/pipelines${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Studio ${method} ${path} failed with ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** Creates a pipeline with `steps`, deploys it, and resolves with its Pipeline ID. */
export async function deployPipeline(baseURL, name, steps, versionName, headers) {
  const { id } = await studio(baseURL, "POST", "", { name, steps }, headers);
  await studio(baseURL, "POST", `/${id}/deploy`, { version_name: versionName }, headers);
  return id;
}
