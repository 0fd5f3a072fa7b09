// The Studio page: create pipelines, edit their draft, deploy versions, roll back, and copy the
// code that runs them. Studio calls go to reducto-local's /studio endpoints; trying a draft on a
// file uploads it with reducto-wasm, like any app would.
import { Reducto } from "/pkg/index.js";

const $ = (id) => document.getElementById(id);
const client = new Reducto({ baseURL: location.origin });
let current = null;
let snippets = null;

async function studio(method, path = "", body) {
  const response = await fetch(`/studio/pipelines${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(typeof data?.detail === "string" ? data.detail : JSON.stringify(data?.detail ?? response.status));
  return data;
}

function say(text, error = false) {
  $("message").textContent = text;
  $("message").className = error ? "error" : "";
}

async function act(work) {
  try {
    await work();
  } catch (error) {
    say(error.message, true);
  }
}

async function listPipelines() {
  const pipelines = await studio("GET");
  $("pipelines").replaceChildren(...pipelines.map((pipeline) => {
    const button = Object.assign(document.createElement("button"), { textContent: pipeline.name });
    if (pipeline.id === current?.id) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => act(() => open(pipeline.id)));
    const item = document.createElement("li");
    item.append(button);
    return item;
  }));
}

async function open(id) {
  current = await studio("GET", `/${id}`);
  snippets = null;
  $("editor").hidden = false;
  $("name").textContent = current.name;
  $("pipeline-id").textContent = current.id;
  $("live").textContent = current.deployed ? `v${current.deployed.version}${current.deployed.version_name ? ` (${current.deployed.version_name})` : ""}` : "none (not deployed yet)";
  $("draft").value = JSON.stringify(current.draft, null, 2);
  $("test-result").hidden = true;
  $("snippet").textContent = "";
  const versions = await studio("GET", `/${id}/versions`);
  $("versions").replaceChildren(...versions.toReversed().map((version) => {
    const row = document.createElement("tr");
    row.dataset.version = String(version.version);
    const live = current.deployed?.version === version.version;
    for (const text of [`v${version.version}${live ? " · live" : ""}`, version.version_name ?? "", version.deployed_at]) {
      row.append(Object.assign(document.createElement("td"), { textContent: text }));
    }
    const rollback = Object.assign(document.createElement("button"), { textContent: "Make live", disabled: live });
    rollback.addEventListener("click", () => act(async () => {
      await studio("POST", `/${id}/rollback`, { version: version.version });
      await open(id);
      say(`v${version.version} is live again.`);
    }));
    const cell = document.createElement("td");
    cell.append(rollback);
    row.append(cell);
    return row;
  }));
  await listPipelines();
}

function draftSteps() {
  try {
    return JSON.parse($("draft").value);
  } catch (error) {
    throw new Error(`The draft is not valid JSON: ${error.message}`);
  }
}

$("create").addEventListener("submit", (event) => act(async () => {
  event.preventDefault();
  const pipeline = await studio("POST", "", { name: $("new-name").value, steps: { parse: { options: { chunking: { chunk_mode: "page" } } } } });
  $("new-name").value = "";
  await open(pipeline.id);
  say(`Created ${pipeline.name}. Edit the draft, then deploy it.`);
}));

$("save").addEventListener("click", () => act(async () => {
  await studio("PUT", `/${current.id}/draft`, { steps: draftSteps() });
  say("Draft saved. Callers still get the live version until you deploy.");
}));

$("deploy").addEventListener("click", () => act(async () => {
  await studio("PUT", `/${current.id}/draft`, { steps: draftSteps() });
  const versionName = $("version-name").value.trim() || undefined;
  const deployed = await studio("POST", `/${current.id}/deploy`, { version_name: versionName });
  $("version-name").value = "";
  await open(current.id);
  say(`Deployed v${deployed.version}: every caller of ${deployed.pipeline_id} gets it now.`);
}));

$("test-file").addEventListener("change", (event) => act(async () => {
  const file = event.target.files[0];
  if (!file) return;
  say(`Trying the draft on ${file.name}…`);
  await studio("PUT", `/${current.id}/draft`, { steps: draftSteps() });
  const upload = await client.upload(file);
  const result = await studio("POST", `/${current.id}/test`, { input: upload.file_id });
  $("test-result").hidden = false;
  $("test-result").textContent = JSON.stringify(result, null, 2);
  say(`The draft ran on ${file.name}: ${result.usage.num_pages} pages.`);
}));

for (const button of document.querySelectorAll("[data-snippet]")) {
  button.addEventListener("click", () => act(async () => {
    snippets ??= await studio("GET", `/${current.id}/snippets`);
    $("snippet").textContent = snippets[button.dataset.snippet];
  }));
}

await act(async () => {
  await listPipelines();
  const first = (await studio("GET"))[0];
  if (first) await open(first.id);
});
document.body.dataset.ready = "true";
