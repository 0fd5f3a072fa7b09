// The drop page: three lines of reducto-wasm (client, upload, run) and a view of the result.
// The pipeline comes from `?pipeline=<id>`, else the first deployed pipeline on this server.
import { Reducto } from "/pkg/index.js";

const $ = (id) => document.getElementById(id);
const client = new Reducto({ baseURL: location.origin });
const pipelineId = new URLSearchParams(location.search).get("pipeline") ?? (await firstDeployedPipeline());

$("server").textContent = location.origin;
$("pipeline-id").textContent = pipelineId ?? "none deployed";
if (!pipelineId) showError("No pipeline is deployed on this server yet: deploy one in the Studio, or run `npm start`.");
$("file").disabled = !pipelineId;

async function firstDeployedPipeline() {
  const response = await fetch("/studio/pipelines");
  if (!response.ok) return null;
  const pipelines = await response.json();
  return pipelines.find((pipeline) => pipeline.deployed)?.id ?? null;
}

async function run(file) {
  $("result").replaceChildren();
  setStatus(`Uploading ${file.name}…`);
  try {
    const upload = await client.upload(file);
    setStatus(`Running pipeline ${pipelineId}…`);
    const started = performance.now();
    const response = await client.pipeline.run({ input: upload, pipeline_id: pipelineId });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const pages = response.usage.num_pages;
    setStatus(`${file.name}: ${pages} ${pages === 1 ? "page" : "pages"} parsed in ${seconds} s`);
    $("status").dataset.pages = String(pages);
    showParse(response.result.parse);
  } catch (error) {
    showError(`${error.name}: ${error.message}`);
  }
}

function showParse(parse) {
  const results = Array.isArray(parse) ? parse : parse ? [parse] : [];
  const blocks = results.flatMap((p) => (p.result.type === "full" ? p.result.chunks.flatMap((c) => c.blocks) : []));
  const pages = Map.groupBy(blocks, (block) => block.bbox.page);
  for (const [page, pageBlocks] of [...pages].sort(([a], [b]) => a - b)) {
    const section = element("div", { className: "page" }, element("h3", {}, `Page ${page}`));
    section.dataset.page = String(page);
    for (const block of pageBlocks) {
      section.append(element("p", { className: "block" }, element("small", {}, block.type), block.content));
    }
    $("result").append(section);
  }
}

function element(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function setStatus(text) {
  $("status").className = "";
  $("status").textContent = text;
}

function showError(text) {
  $("status").className = "error";
  $("status").textContent = text;
}

const drop = $("drop");
drop.dataset.ready = "true";
$("file").addEventListener("change", (event) => event.target.files[0] && run(event.target.files[0]));
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const file = event.dataTransfer.files[0];
  if (file && pipelineId) run(file);
});
