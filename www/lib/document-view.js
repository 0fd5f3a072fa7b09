// The document beside its results: PDF pages drawn by pdf.js (npm's pdfjs-dist, served from
// /vendor/pdfjs/ by the build), an image as it is, and boxes drawn over them: the parse blocks,
// or the citation of a field. Boxes are Reducto's page fractions (`left`, `top`, `width`,
// `height` of page `page`), so they are placed in percent and follow the drawing at any width.

import { el } from "./dom.js";

/** Pages drawn at most: a long document shows its start, and the results still cover all of it. */
const MAX_PAGES = 30;
/** Canvas pixels per CSS pixel, for sharp text on ordinary and high-density screens. */
const RESOLUTION = Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));

let pdfjsLoading = null;

/** pdf.js, loaded the first time a PDF is shown, so pages without one never fetch it. */
function pdfjs() {
  pdfjsLoading ??= import("/vendor/pdfjs/pdf.min.mjs").then((module) => {
    module.GlobalWorkerOptions.workerSrc = "/vendor/pdfjs/pdf.worker.min.mjs";
    return module;
  });
  return pdfjsLoading;
}

const isPdf = (name, type) => type === "application/pdf" || /\.pdf$/i.test(name ?? "");
const isImage = (name, type) => /^image\//.test(type ?? "") || /\.(png|jpe?g|gif|webp|bmp)$/i.test(name ?? "");

/**
 * A view of `source` (a File or Blob, or `{ url, name }` of a PDF such as an edited document).
 * Returns `{ element, ready, showBoxes(boxes, kind), clearBoxes(kind) }`; `ready` settles once
 * the pages are drawn (it never rejects: a document pdf.js cannot draw says so in the view), and
 * boxes asked for earlier are drawn then.
 */
export function documentView(source) {
  const element = el("div", { className: "document-view" });
  const pages = new Map();
  const name = source.name ?? "";
  const type = source.type ?? "";

  const ready = (async () => {
    try {
      if (source.url || isPdf(name, type)) await drawPdf(source, element, pages);
      else if (isImage(name, type)) drawImage(source, element, pages);
      else element.append(note(`No preview for ${name || "this file"}: only PDFs and images are drawn.`));
    } catch (error) {
      element.replaceChildren(note(`The document could not be drawn: ${error.message}`));
    }
  })();

  /** Draws `boxes` once the pages are drawn; resolves with whether any landed on a page. */
  async function showBoxes(boxes, kind) {
    await ready;
    clearBoxes(kind);
    let first = null;
    for (const box of boxes) {
      const page = pages.get(box.page);
      if (!page) continue;
      const mark = document.createElement("div");
      mark.className = `box ${kind}`;
      Object.assign(mark.style, {
        left: `${box.left * 100}%`,
        top: `${box.top * 100}%`,
        width: `${box.width * 100}%`,
        height: `${box.height * 100}%`,
      });
      mark.dataset.page = String(box.page);
      page.append(mark);
      first ??= mark;
    }
    first?.scrollIntoView({ block: "center", behavior: "smooth" });
    return first !== null;
  }

  function clearBoxes(kind) {
    for (const mark of element.querySelectorAll(`.box.${kind}`)) mark.remove();
  }

  return { element, ready, showBoxes, clearBoxes };
}

async function drawPdf(source, element, pages) {
  const { getDocument } = await pdfjs();
  // A URL is fetched here, in one request with a clear error, rather than by pdf.js's ranges.
  const bytes = source.url ? await download(source.url) : await source.arrayBuffer();
  const pdf = await getDocument({ data: new Uint8Array(bytes) }).promise;
  const count = Math.min(pdf.numPages, MAX_PAGES);
  for (let number = 1; number <= count; number++) {
    const page = await pdf.getPage(number);
    // Drawn for a column about 600 CSS pixels wide; CSS scales the canvas to the real width.
    const unscaled = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (600 / unscaled.width) * RESOLUTION });
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `Page ${number} of ${pdf.numPages}`);
    const holder = pageHolder(number, canvas);
    element.append(holder);
    pages.set(number, holder);
    await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
  }
  if (pdf.numPages > count) element.append(note(`Pages ${count + 1}–${pdf.numPages} are not drawn here.`));
}

async function download(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.arrayBuffer();
}

function drawImage(source, element, pages) {
  const image = el("img", { src: URL.createObjectURL(source), alt: source.name ?? "The image" });
  const holder = pageHolder(1, image);
  element.append(holder);
  pages.set(1, holder);
}

/** A page's drawing in a box that its marks are placed in. */
function pageHolder(number, drawing) {
  const holder = el("div", { className: "document-page" }, drawing);
  holder.dataset.page = String(number);
  return holder;
}

function note(text) {
  return el("p", { className: "muted" }, text);
}
