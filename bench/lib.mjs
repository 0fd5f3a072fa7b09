// Small helpers shared by the benchmark modules: paths, sizes and statistics.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The repository root (bench/ is one level down). */
export const root = new URL("..", import.meta.url).pathname;
/** Where benchmarks put what they build; ignored by git (bench/.gitignore). */
export const outDir = join(root, "bench/out");

export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Raw and gzip -9 size of files, each compressed on its own, as a server would send them. */
export function sizeOf(paths) {
  const files = paths.map((path) => readFileSync(path));
  return {
    raw: files.reduce((sum, bytes) => sum + bytes.length, 0),
    gzip: files.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0),
  };
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** The value below which `fraction` of the values lie (nearest rank). */
export function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export const median = (values) => percentile(values, 0.5);

/** `items` starting at `round`'s place, wrapping around: each is first in turn. */
export const rotated = (items, round) => items.map((_, i) => items[(i + round) % items.length]);
