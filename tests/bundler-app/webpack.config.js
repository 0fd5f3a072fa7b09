// The app built by webpack 5 as a user's webpack app would build it: a plain import, no loader or
// plugin for wasm (webpack emits the `.wasm` that `new URL(…, import.meta.url)` names, and
// supports top-level await), ES module output so the page's `<script type="module">` is
// unchanged. `reducto-wasm` resolves to the freshly built pkg/.
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default {
  mode: "production",
  context: here("."),
  entry: "./main.js",
  experiments: { outputModule: true },
  output: { path: here("dist/webpack"), filename: "main.js", module: true, clean: true },
  resolve: { alias: { "reducto-wasm": here("../../pkg/index.js") } },
  performance: { hints: false },
};
