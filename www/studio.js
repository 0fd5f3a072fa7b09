// The Studio page: list, create and rename pipelines; edit the draft's steps with a form (kept
// in sync with its JSON); try the draft on a file with the drop page's result view; deploy it
// behind a dialog that says what a deploy does; compare versions and roll back; copy the
// Pipeline ID and the code that runs it; see webhook deliveries. Studio calls go through
// lib/studio-api.js; the file to try is uploaded with reducto-wasm, as an app would.
import { deliveriesTable } from "./lib/deliveries.js";
import { renderStepsDiff } from "./lib/diff.js";
import { documentView } from "./lib/document-view.js";
import { dropZone } from "./lib/drop-zone.js";
import { el } from "./lib/dom.js";
import { renderResult } from "./lib/results.js";
import { clientFor, localSettings } from "./lib/settings.js";
import { createStepEditor } from "./lib/step-editor.js";
import { studio } from "./lib/studio-api.js";

const $ = (id) => document.getElementById(id);
/** The open pipeline, as the server last answered, and its versions. */
let current = null;
let versions = [];

const editor = createStepEditor($("steps"), {
  onChange: () => {
    $("draft-state").textContent = "Unsaved changes";
  },
});

function say(text, error = false) {
  $("message").textContent = text;
  $("message").className = error ? "error" : "";
}

/** Runs a user's action; a refusal is shown in words instead of thrown. */
async function act(work) {
  try {
    await work();
  } catch (error) {
    const hint = error.status === 401 ? " Enter this server's API key in the drop page's Settings (/)." : "";
    say(`${error.name === "Error" ? "" : `${error.name}: `}${error.message}${hint}`, true);
  }
}

// ---- the pipeline list ----

async function listPipelines() {
  const pipelines = await studio.list();
  $("pipelines").replaceChildren(...pipelines.map((pipeline) => {
    const live = pipeline.deployed ? `v${pipeline.deployed.version}` : "not deployed";
    const button = el("button", { type: "button" }, pipeline.name, el("small", { className: "muted" }, ` · ${live}`));
    if (pipeline.id === current?.id) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => act(() => open(pipeline.id)));
    return el("li", {}, button);
  }));
  return pipelines;
}

async function open(id) {
  current = await studio.get(id);
  versions = await studio.versions(id);
  $("editor").hidden = false;
  $("name").textContent = current.name;
  $("pipeline-id").textContent = current.id;
  $("deploy-id").textContent = current.id;
  $("live").textContent = current.deployed ? versionLabel(current.deployed) : "none (not deployed yet)";
  editor.setSteps(current.draft);
  $("draft-state").textContent = "Saved";
  $("try-result").replaceChildren();
  $("diff").replaceChildren();
  showVersions();
  await Promise.all([listPipelines(), showSnippets(), showDeliveries()]);
}

const versionLabel = (v) => `v${v.version}${v.version_name ? ` (${v.version_name})` : ""}`;

// ---- pipelines as a file ----

$("export").addEventListener("click", () => act(async () => {
  const file = await studio.exportAll();
  const blob = new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: "application/json" });
  const link = el("a", { href: URL.createObjectURL(blob), download: "reducto.pipelines.json" });
  link.click();
  URL.revokeObjectURL(link.href);
  say(`Exported ${file.pipelines.length} pipeline(s) as reducto.pipelines.json.`);
}));

$("import").addEventListener("click", () => $("import-file").click());
$("import-file").addEventListener("change", () => act(async () => {
  const [picked] = $("import-file").files;
  $("import-file").value = "";
  if (!picked) return;
  let file;
  try {
    file = JSON.parse(await picked.text());
  } catch (error) {
    throw new Error(`${picked.name} is not JSON: ${error.message}`);
  }
  const { imported } = await studio.importFile(file);
  await listPipelines();
  if (current && imported.includes(current.id)) await open(current.id);
  say(`Imported ${imported.length} pipeline(s) from ${picked.name}: ${imported.join(", ")}.`);
}));

// ---- create and rename ----

$("create").addEventListener("submit", (event) => act(async () => {
  event.preventDefault();
  const pipeline = await studio.create($("new-name").value.trim(), { parse: { options: { chunking: { chunk_mode: "page" } } } });
  $("new-name").value = "";
  await open(pipeline.id);
  say(`Created “${pipeline.name}”. Design its steps, try them on a file, then deploy.`);
}));

$("rename").addEventListener("click", () => {
  $("rename-form").hidden = false;
  $("rename-input").value = current.name;
  $("rename-input").focus();
});
$("rename-cancel").addEventListener("click", () => {
  $("rename-form").hidden = true;
  $("rename").focus();
});
$("rename-form").addEventListener("submit", (event) => act(async () => {
  event.preventDefault();
  await studio.rename(current.id, $("rename-input").value.trim());
  $("rename-form").hidden = true;
  await open(current.id);
  say(`Renamed. Its ID and live version are unchanged.`);
}));

// ---- the draft: save, try, deploy ----

/** The editor's steps, saved as the draft; refused in words while the editor has errors. */
async function saveDraft() {
  const problems = editor.validate();
  if (problems.length) throw new Error(`The draft has errors: ${problems.join("; ")}`);
  current = await studio.saveDraft(current.id, editor.getSteps());
  $("draft-state").textContent = "Saved";
}

$("save").addEventListener("click", () => act(async () => {
  await saveDraft();
  say("Draft saved. Callers still get the live version until you deploy.");
}));

$("open-deploy").addEventListener("click", () => act(async () => {
  await saveDraft();
  $("version-name").value = "";
  $("deploy-dialog").showModal();
}));

$("deploy-dialog").addEventListener("close", () => act(async () => {
  if ($("deploy-dialog").returnValue !== "deploy") return;
  const deployed = await studio.deploy(current.id, $("version-name").value.trim());
  await open(current.id);
  say(`Deployed ${versionLabel(deployed)}: every caller of ${deployed.pipeline_id} gets it now.`);
}));

async function tryDraft(file) {
  await saveDraft();
  say(`Trying the draft on ${file.name}…`);
  $("try-result").replaceChildren(el("p", { className: "muted", role: "status" }, `Running the draft on ${file.name}…`));
  // The draft runs on this server, so the file goes to this server too.
  const upload = await clientFor(localSettings()).upload(file);
  const response = await studio.tryDraft(current.id, upload.file_id);
  const view = documentView(file);
  $("try-result").replaceChildren(el("div", { className: "document-column" }, view.element),
    el("div", { className: "result-column" }, renderResult(response, { view, name: file.name })));
  say(`The draft ran on ${file.name}. Nothing changed for callers.`);
}

dropZone($("try-drop"), {
  input: $("try-file"),
  button: $("try-choose"),
  onFiles: ([file]) => file && act(() => tryDraft(file)),
});

// ---- versions: list, roll back, compare ----

function showVersions() {
  const rows = versions.toReversed().map((version) => {
    const live = current.deployed?.version === version.version;
    const rollback = el("button", { type: "button", disabled: live }, live ? "Live" : "Make live");
    rollback.addEventListener("click", () => act(async () => {
      await studio.rollback(current.id, version.version);
      await open(current.id);
      say(`${versionLabel(version)} is live again for every caller.`);
    }));
    const row = el("tr", {},
      el("td", {}, `v${version.version}`, live ? el("strong", { className: "live" }, " · live") : ""),
      el("td", {}, version.version_name ?? ""),
      el("td", {}, new Date(version.deployed_at).toLocaleString()),
      el("td", {}, rollback));
    row.dataset.version = String(version.version);
    return row;
  });
  $("versions").replaceChildren(...rows);
  if (rows.length === 0) $("versions").append(el("tr", {}, el("td", { colSpan: 4, className: "muted" }, "Not deployed yet.")));
  const choices = () => [
    ...versions.toReversed().map((v) => el("option", { value: String(v.version) }, versionLabel(v))),
    el("option", { value: "draft" }, "the draft"),
  ];
  $("compare-from").replaceChildren(...choices());
  $("compare-to").replaceChildren(...choices());
  // By default: the live version (or the newest) against the draft.
  $("compare-from").value = String(current.deployed?.version ?? versions.at(-1)?.version ?? "draft");
  $("compare-to").value = "draft";
  $("compare").hidden = versions.length === 0;
}

/** A version's steps, or the editor's draft. */
function stepsOf(choice) {
  if (choice === "draft") {
    const problems = editor.validate();
    if (problems.length) throw new Error(`The draft has errors: ${problems.join("; ")}`);
    return editor.getSteps();
  }
  return versions.find((v) => String(v.version) === choice).steps;
}

const choiceLabel = (choice) =>
  choice === "draft" ? "the draft" : versionLabel(versions.find((v) => String(v.version) === choice));

$("compare").addEventListener("submit", (event) => act(async () => {
  event.preventDefault();
  const [from, to] = [$("compare-from").value, $("compare-to").value];
  $("diff").replaceChildren(renderStepsDiff(stepsOf(from), stepsOf(to), { beforeLabel: choiceLabel(from), afterLabel: choiceLabel(to) }));
}));

// ---- use it: the ID and the snippets, each with a copy button ----

async function showSnippets() {
  const snippets = await studio.snippets(current.id);
  const labels = { typescript: "TypeScript (reducto-wasm)", python: "Python", rest: "REST (curl)" };
  $("snippets").replaceChildren(...Object.entries(labels).map(([kind, label]) => {
    const code = el("pre", { className: "snippet" }, el("code", {}, snippets[kind]));
    code.dataset.snippet = kind;
    const copy = el("button", { type: "button", className: "copy" }, "Copy");
    copy.addEventListener("click", () => copyText(snippets[kind], copy));
    return el("figure", {}, el("figcaption", { className: "row" }, el("strong", {}, label), copy), code);
  }));
}

for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", () => copyText($(button.dataset.copy).textContent, button));
}

/** Copies `text`, then says so on the button for a moment. */
async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Select and copy it";
  }
  setTimeout(() => (button.textContent = "Copy"), 1500);
}

async function showDeliveries() {
  const { deliveries } = await studio.webhookDeliveries();
  $("deliveries").replaceChildren(deliveriesTable(deliveries.slice(0, 10)));
}

await act(async () => {
  const pipelines = await listPipelines();
  const wanted = new URLSearchParams(location.search).get("pipeline");
  const first = pipelines.find((p) => p.id === wanted) ?? pipelines[0];
  if (first) await open(first.id);
  else say("No pipelines yet: create one to start.");
});
document.body.dataset.ready = "true";
