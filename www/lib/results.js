// A Reducto response rendered for people: each step a pipeline ran (parse, split, extract,
// classify, edit) as text by page, sections with their pages, a table of fields, a category, a
// link to the edited PDF; beside them a raw-JSON tab and a download. Clicking a field draws its
// citation on the document view; parse blocks can be drawn there too. Used by the drop page and
// by the Studio's "Try the draft".
import { documentView } from "./document-view.js";
import { el } from "./dom.js";

/**
 * `response`: a pipeline's answer, `{ result: { parse, split, extract, edit } }` (a `classify`
 * beside them is shown too). `view`: the document view to draw boxes on, or null. `name`: the
 * file's name, for the download.
 */
export function renderResult(response, { view = null, name = "result" } = {}) {
  const steps = STEP_ORDER.filter((step) => response?.result?.[step] != null);
  const results = el("div", { className: "result-steps" });
  for (const step of steps) results.append(SECTIONS[step](response.result[step], view));
  if (steps.length === 0) results.append(el("p", { className: "muted" }, "The response has no step results."));
  const raw = el("pre", { className: "raw-json" }, JSON.stringify(response, null, 2));
  return tabs([["Results", results], ["JSON", raw]], downloadButton(response, name));
}

/** The steps in the order a pipeline runs them. */
const STEP_ORDER = ["parse", "split", "extract", "classify", "edit"];

const SECTIONS = {
  parse(parse, view) {
    const documents = Array.isArray(parse) ? parse : [parse];
    const section = stepSection("parse", "Parse: text by page");
    const blocks = documents.flatMap((doc) =>
      doc.result?.type === "full" ? doc.result.chunks.flatMap((chunk) => chunk.blocks) : []);
    const asUrl = documents.find((doc) => doc.result?.type === "url")?.result;
    if (asUrl) {
      section.append(el("p", {}, "The result was too large to send inline: ", el("a", { href: asUrl.url }, "open it")));
    }
    if (view && blocks.length) {
      const toggle = el("input", { type: "checkbox", name: "show-blocks" });
      toggle.addEventListener("change", () =>
        toggle.checked ? view.showBoxes(blocks.map((b) => b.bbox), "block") : view.clearBoxes("block"));
      section.append(el("label", { className: "inline" }, toggle, " Show the blocks on the document"));
    }
    const byPage = Map.groupBy(blocks, (block) => block.bbox.page);
    for (const [page, pageBlocks] of [...byPage].sort(([a], [b]) => a - b)) {
      const pageText = el("div", { className: "page-text" }, el("h4", {}, `Page ${page}`));
      pageText.dataset.page = String(page);
      for (const block of pageBlocks) {
        pageText.append(el("p", { className: "block" }, el("small", {}, block.type), block.content));
      }
      section.append(pageText);
    }
    if (blocks.length === 0 && !asUrl) {
      section.append(el("p", { className: "muted" }, "No text was found."));
    }
    return section;
  },

  split(split) {
    const section = stepSection("split", "Split: sections");
    const splits = split.result?.splits ?? [];
    if (splits.length === 0) {
      section.append(el("p", { className: "muted" }, "No page matched any category."));
      return section;
    }
    const rows = splits.flatMap((s) => [
      [s.name, pageRanges(s.pages), s.conf ?? ""],
      ...(s.partitions ?? []).map((p) => [`↳ ${p.name}`, pageRanges(p.pages), p.conf ?? ""]),
    ]);
    section.append(table(["Section", "Pages", "Confidence"], rows));
    return section;
  },

  extract(extract, view) {
    const section = stepSection("extract", "Extract: fields");
    const detail = el("p", { className: "citation-detail muted", role: "status" });
    const cite = citer(view, detail);
    // One ExtractResponse, or one per split section (ExtractSplitResponse).
    const parts = Array.isArray(extract) ? extract : [{ result: extract }];
    for (const part of parts) {
      if (part.split_name) {
        const partition = part.partition ? ` · ${part.partition}` : "";
        section.append(el("h4", {}, `${part.split_name}${partition} (pages ${pageRanges(part.page_range ?? [])})`));
      }
      const values = part.result?.result;
      for (const object of Array.isArray(values) ? values : [values]) section.append(fieldTable(object ?? {}, cite));
    }
    section.append(detail);
    detail.textContent = hasCitations(extract)
      ? "Choose a field to see where it was read."
      : "Turn on citations in the extract step to see where each value was read.";
    return section;
  },

  classify(classify) {
    const section = stepSection("classify", "Classify: category");
    const category = classify.result?.category ?? "unknown";
    const scores = classify.response_confidence?.categories ?? [];
    const confidence = scores.find((c) => c.category === category)?.confidence;
    section.append(el("p", { className: "category" }, el("strong", {}, category),
      confidence == null ? "" : ` (confidence ${confidence.toFixed(2)})`));
    if (scores.length) section.append(table(["Category", "Confidence"], scores.map((c) => [c.category, c.confidence.toFixed(2)])));
    return section;
  },

  edit(edit) {
    const section = stepSection("edit", "Edit: the filled document");
    const link = el("a", { href: edit.document_url, target: "_blank", rel: "noopener" }, "Open the edited PDF");
    section.append(el("p", {}, link));
    const preview = documentView({ url: edit.document_url, name: "edited.pdf" });
    section.append(preview.element);
    return section;
  },
};

/** A table of an extracted object: nested objects as sub-tables, arrays of objects as tables. */
function fieldTable(object, cite, path = "") {
  const rows = el("tbody");
  for (const [key, raw] of Object.entries(object)) {
    const fieldPath = path ? `${path}.${key}` : key;
    const name = el("th", { scope: "row" }, citable(key, raw, fieldPath, cite, "field-name"));
    const row = el("tr", {}, name, el("td", {}, valueView(raw, cite, fieldPath)));
    row.dataset.field = fieldPath;
    rows.append(row);
  }
  return el("table", { className: "fields" }, rows);
}

function valueView(raw, cite, path) {
  const value = unwrap(raw);
  if (value === null || value === undefined) return el("span", { className: "not-found" }, "not found");
  if (Array.isArray(value)) {
    if (value.every((item) => typeof unwrap(item) !== "object" || unwrap(item) === null)) {
      return value.map((item) => String(unwrap(item))).join(", ");
    }
    return itemsTable(value, cite, path);
  }
  if (typeof value === "object") return fieldTable(value, cite, path);
  return String(value);
}

/** An array of extracted objects as one table: a column per property, a row per item. */
function itemsTable(items, cite, path) {
  const columns = [...new Set(items.flatMap((item) => Object.keys(unwrap(item) ?? {})))];
  const body = el("tbody");
  items.forEach((item, i) => {
    const row = el("tr");
    for (const column of columns) {
      const raw = unwrap(item)?.[column];
      const fieldPath = `${path}[${i}].${column}`;
      row.append(el("td", {}, citable(valueView(raw, cite, fieldPath), raw, fieldPath, cite, "field-name value")));
    }
    body.append(row);
  });
  return el("table", { className: "items" }, el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, c)))), body);
}

/** `content` as it is, or, when the field has citations, a button that shows them. */
function citable(content, raw, path, cite, className) {
  const citations = citationsOf(raw);
  if (citations.length === 0) return content;
  const button = el("button", { type: "button", className }, content);
  button.dataset.field = path;
  button.addEventListener("click", () => cite(path, citations));
  return button;
}

/** What clicking a cited field does: its boxes on the document, its words under the table. */
function citer(view, detail) {
  return async (path, citations) => {
    const where = citations.map((c) => `page ${c.bbox.page}: “${c.content.replace(/\s+/g, " ").trim()}”`).join("; ");
    detail.textContent = `${path} was read on ${where}.`;
    const drawn = await view?.showBoxes(citations.map((c) => c.bbox), "citation");
    if (!drawn) detail.textContent = `${path} was read on ${where} (not on a drawn page).`;
  };
}

/** Extract with citations wraps each leaf as `{ value, citations }`. */
const isCited = (raw) => raw !== null && typeof raw === "object" && !Array.isArray(raw) &&
  "value" in raw && Array.isArray(raw.citations);
const unwrap = (raw) => (isCited(raw) ? raw.value : raw);
const citationsOf = (raw) => (isCited(raw) ? raw.citations.filter((c) => c?.bbox) : []);
const hasCitations = (value) => JSON.stringify(value ?? null).includes('"citations":[{');

/** 1, 2, 3, 5 → "1–3, 5". */
function pageRanges(pages) {
  const ranges = [];
  for (const page of pages) {
    const last = ranges.at(-1);
    if (last && page === last[1] + 1) last[1] = page;
    else ranges.push([page, page]);
  }
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(", ");
}

function tabs(panels, ...extra) {
  const root = el("div", { className: "result" });
  const list = el("div", { className: "tabs", role: "tablist" });
  const buttons = panels.map(([label, panel], i) => {
    const button = el("button", { type: "button", role: "tab", className: "tab" }, label);
    button.setAttribute("aria-selected", String(i === 0));
    panel.setAttribute("role", "tabpanel");
    panel.hidden = i !== 0;
    button.addEventListener("click", () => {
      buttons.forEach((b, j) => {
        b.setAttribute("aria-selected", String(i === j));
        panels[j][1].hidden = i !== j;
      });
    });
    return button;
  });
  list.append(...buttons, ...extra);
  root.append(list, ...panels.map(([, panel]) => panel));
  return root;
}

function downloadButton(response, name) {
  const button = el("button", { type: "button", className: "download" }, "Download JSON");
  button.addEventListener("click", () => {
    const blob = new Blob([JSON.stringify(response, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: `${name.replace(/\.[^.]+$/, "")}.json` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  return button;
}

function stepSection(step, title) {
  const section = el("section", { className: `step ${step}` }, el("h3", {}, title));
  section.dataset.step = step;
  return section;
}

function table(headers, rows) {
  return el("table", {},
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, String(c)))))));
}
