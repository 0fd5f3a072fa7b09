// The app built by Vite as a user's Vite app would build it: a plain import, no plugin, no init
// call. `reducto-wasm` resolves to the freshly built pkg/.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  resolve: { alias: { "reducto-wasm": fileURLToPath(new URL("../../pkg/index.js", import.meta.url)) } },
  build: { outDir: "dist/vite", emptyOutDir: true },
});
