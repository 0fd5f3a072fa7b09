// A minimal app that depends on reducto-wasm the way a user's Vite app would: a plain import,
// no plugin, no init call. `reducto-wasm` resolves to the freshly built pkg/.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  logLevel: "warn",
  resolve: { alias: { "reducto-wasm": fileURLToPath(new URL("../../pkg/index.js", import.meta.url)) } },
  build: { outDir: "dist", emptyOutDir: true },
});
