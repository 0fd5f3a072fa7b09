// The drop page: each dropped or picked file gets a card that follows it through the three
// lines of reducto-wasm an app writes (client, upload, run the pipeline by ID), with the
// upload's bytes and the job's progress, then shows the result beside the document. A few
// files run at once; one failing never stops the others.
import { documentView } from "./lib/document-view.js";
import { dropZone } from "./lib/drop-zone.js";
import { el } from "./lib/dom.js";
import { renderResult } from "./lib/results.js";
import { clientFor, isLocal, loadSettings, saveSettings } from "./lib/settings.js";
import { studio } from "./lib/studio-api.js";

/** Files processed at the same time; the rest wait their turn in order. */
const CONCURRENCY = 2;

const $ = (id) => document.getElementById(id);
const fromUrl = new URLSearchParams(location.search).get("pipeline");
if (fromUrl) saveSettings({ pipelineId: fromUrl });
let settings = loadSettings();

// ---- settings ----

async function showSettings() {
  const form = $("settings");
  form.baseURL.value = settings.baseURL;
  form.apiKey.value = settings.apiKey;
  const local = isLocal(settings.baseURL);
  form.pipelineId.hidden = local;
  form.pipelineId.value = settings.pipelineId;
  form.pipeline.hidden = !local;
  $("pipeline-label").htmlFor = local ? "pipeline" : "pipeline-id-input";
  const problem = local ? await listDeployed(form.pipeline) : "";
  $("server").textContent = settings.baseURL;
  $("pipeline-id").textContent = settings.pipelineId || "none chosen";
  const ready = Boolean(settings.pipelineId);
  $("choose").disabled = !ready;
  $("drop").toggleAttribute("data-ready", ready);
  $("notice").textContent = problem || (ready ? "" : "Choose a deployed pipeline in Settings, or deploy one in the Studio.");
}

/**
 * Lists this server's deployed pipelines in `select`, the saved one selected (else the first);
 * resolves with what went wrong, in words, or "".
 */
async function listDeployed(select) {
  let deployed;
  try {
    deployed = (await studio.list()).filter((pipeline) => pipeline.deployed);
  } catch (error) {
    // The saved choice is kept: it may be right once the key is entered.
    select.replaceChildren();
    const hint = error.status === 401 ? " This server needs its API key: enter it in Settings." : "";
    return `The pipelines could not be listed: ${error.message}.${hint}`;
  }
  select.replaceChildren(...deployed.map((pipeline) =>
    el("option", { value: pipeline.id }, `${pipeline.name} · v${pipeline.deployed.version} · ${pipeline.id}`)));
  if (!deployed.some((pipeline) => pipeline.id === settings.pipelineId)) {
    settings = saveSettings({ pipelineId: deployed[0]?.id ?? "" });
  }
  select.value = settings.pipelineId;
  return "";
}

$("settings").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const baseURL = form.baseURL.value.trim() || location.origin;
  const local = isLocal(baseURL);
  settings = saveSettings({
    baseURL,
    apiKey: form.apiKey.value.trim(),
    // An empty list (not yet readable without the key) keeps the pipeline chosen before.
    pipelineId: (local ? form.pipeline.value || settings.pipelineId : form.pipelineId.value).trim(),
  });
  await showSettings();
  $("settings-saved").textContent = "Saved.";
});

// ---- files ----

const waiting = [];
let running = 0;

function enqueue(files) {
  if (!settings.pipelineId) return;
  for (const file of files) waiting.push({ file, card: fileCard(file) });
  pump();
}

function pump() {
  while (running < CONCURRENCY && waiting.length) {
    const { file, card } = waiting.shift();
    running++;
    runFile(file, card).finally(() => {
      running--;
      pump();
    });
  }
}

/** Upload, start the pipeline as a job, follow it, show the result: the card tells each step. */
async function runFile(file, card) {
  const client = clientFor(settings);
  const pipelineId = settings.pipelineId;
  try {
    card.stage("uploading", "Uploading…", 0);
    const upload = await client.upload(file, {
      onProgress: ({ loaded, total }) => card.stage("uploading", `Uploading ${percent(loaded / total)}`, loaded / total),
    });
    card.stage("running", "Queued", 0);
    const { job_id } = await client.pipeline.runJob({ input: upload, pipeline_id: pipelineId });
    const response = await client.job.wait(job_id, {
      onProgress: (progress) => card.stage("running", `Running ${percent(progress)}`, progress),
    });
    card.done(response);
  } catch (error) {
    card.fail(error);
  }
}

const percent = (fraction) => `${Math.round(Math.min(1, Math.max(0, fraction || 0)) * 100)} %`;

function fileCard(file) {
  const state = el("span", { className: "state", role: "status" }, "Waiting");
  const progress = el("progress", { max: 1, value: 0 });
  progress.setAttribute("aria-label", `Progress of ${file.name}`);
  const body = el("div", { className: "card-body" });
  const card = el("article", { className: "card" },
    el("header", {}, el("h2", {}, file.name), el("span", { className: "size muted" }, size(file.size)), state),
    progress, body);
  card.dataset.file = file.name;
  card.dataset.state = "waiting";
  $("cards").append(card);
  return {
    stage(name, text, fraction) {
      card.dataset.state = name;
      state.textContent = text;
      progress.value = fraction;
    },
    done(response) {
      card.dataset.state = "done";
      const pages = response.usage?.num_pages;
      state.textContent = `Done${pages == null ? "" : ` · ${pages} ${pages === 1 ? "page" : "pages"}`}`;
      progress.remove();
      const view = documentView(file);
      body.append(el("div", { className: "document-column" }, view.element),
        el("div", { className: "result-column" }, renderResult(response, { view, name: file.name })));
    },
    fail(error) {
      card.dataset.state = "failed";
      state.textContent = "Failed";
      progress.remove();
      body.append(el("p", { className: "error", role: "alert" }, `${error.name}: ${error.message}`));
    },
  };
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

dropZone($("drop"), { input: $("file"), button: $("choose"), onFiles: enqueue });

await showSettings();
document.body.dataset.ready = "true";
