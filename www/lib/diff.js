// A readable diff of two pipeline `steps` objects, for comparing versions in the Studio. Both
// sides are printed as JSON with keys sorted at every level, so key order never shows as a
// change, then compared line by line (longest common subsequence). Long unchanged stretches are
// folded to "… N unchanged lines …" around a few lines of context.
//
// The table is quadratic in the lines that differ after trimming the common start and end;
// steps are a few hundred lines at most, which stays well under a millisecond or two.

import { el } from "./dom.js";

/** Unchanged lines shown on each side of a change; longer runs fold into one line. */
const CONTEXT = 3;

/**
 * The line diff of `a` and `b` (arrays of strings): `{ op, line }` in order, where op is
 * " " (in both), "-" (only in a) or "+" (only in b). Within a change, removals come first.
 */
export function diffLines(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }

  // common[i][j]: length of the longest common subsequence of a[i..endA] and b[j..endB].
  const rows = endA - start;
  const cols = endB - start;
  const common = Array.from({ length: rows + 1 }, () => new Uint32Array(cols + 1));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = cols - 1; j >= 0; j--) {
      common[i][j] = a[start + i] === b[start + j]
        ? common[i + 1][j + 1] + 1
        : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }

  const ops = a.slice(0, start).map((line) => ({ op: " ", line }));
  let i = 0;
  let j = 0;
  while (i < rows || j < cols) {
    if (i < rows && j < cols && a[start + i] === b[start + j]) {
      ops.push({ op: " ", line: a[start + i] });
      i++;
      j++;
    } else if (j >= cols || (i < rows && common[i + 1][j] >= common[i][j + 1])) {
      ops.push({ op: "-", line: a[start + i] });
      i++;
    } else {
      ops.push({ op: "+", line: b[start + j] });
      j++;
    }
  }
  ops.push(...a.slice(endA).map((line) => ({ op: " ", line })));
  return ops;
}

/**
 * A `.steps-diff` element: a summary sentence ("v1 → v2: 2 lines added, 1 removed", or
 * "No differences.") above the lines, each marked "+", "-" or " " (not by colour alone).
 */
export function renderStepsDiff(before, after, { beforeLabel = "before", afterLabel = "after" } = {}) {
  const ops = diffLines(jsonLines(before), jsonLines(after));
  const added = ops.filter((o) => o.op === "+").length;
  const removed = ops.filter((o) => o.op === "-").length;

  const lines = fold(ops).map((item) => item.folded
    ? el("li", { className: "folded" }, `… ${item.folded} unchanged line${item.folded === 1 ? "" : "s"} …`)
    : el("li", { className: { "+": "added", "-": "removed", " ": "unchanged" }[item.op] },
      el("span", { className: "marker" }, item.op), item.line));
  return el("div", { className: "steps-diff" },
    el("p", { className: "diff-summary" }, summarize(added, removed, beforeLabel, afterLabel)),
    el("ol", { className: "diff-lines", "aria-label": `Changes from ${beforeLabel} to ${afterLabel}` }, lines));
}

function summarize(added, removed, beforeLabel, afterLabel) {
  if (!added && !removed) return "No differences.";
  const lines = (n) => `${n} line${n === 1 ? "" : "s"}`;
  const parts = [];
  if (added) parts.push(`${lines(added)} added`);
  if (removed) parts.push(`${added ? removed : lines(removed)} removed`);
  return `${beforeLabel} → ${afterLabel}: ${parts.join(", ")}`;
}

/** Keeps CONTEXT unchanged lines next to each change and folds the rest of every unchanged run. */
function fold(ops) {
  const out = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].op !== " ") {
      out.push(ops[i++]);
      continue;
    }
    let end = i;
    while (end < ops.length && ops[end].op === " ") end++;
    const keepBefore = i > 0 ? CONTEXT : 0; // context after the previous change
    const keepAfter = end < ops.length ? CONTEXT : 0; // context before the next change
    const hidden = end - i - keepBefore - keepAfter;
    if (hidden > 1) {
      out.push(...ops.slice(i, i + keepBefore), { folded: hidden }, ...ops.slice(end - keepAfter, end));
    } else {
      out.push(...ops.slice(i, end));
    }
    i = end;
  }
  return out;
}

function jsonLines(value) {
  return (JSON.stringify(sortKeys(value ?? {}), null, 2) ?? "").split("\n");
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
}
