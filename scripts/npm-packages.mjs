// The reducto-local npm packages, built into target/npm/ by `npm run build`, the way esbuild and
// biome ship native binaries: `reducto-local` (the JS API, `startReductoLocal`, and `npx
// reducto-local`), which names the platform package as an optional dependency, and
// `reducto-local-<platform>-<arch>`, which holds the binary with the pages and the client it
// serves beside it (it finds them there). `npm pack` packs either folder.
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function buildLocalPackages(root) {
  const version = readFileSync(join(root, "server/Cargo.toml"), "utf8").match(/^version = "(.*)"/m)[1];
  const platform = `${process.platform}-${process.arch}`;
  const nativeName = `reducto-local-${platform}`;
  const out = join(root, "target/npm");
  rmSync(out, { recursive: true, force: true });
  const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);

  const main = join(out, "reducto-local");
  cpSync(join(root, "npm/reducto-local"), main, { recursive: true });
  copyFileSync(join(root, "LICENSE"), join(main, "LICENSE"));
  writeJson(join(main, "package.json"), {
    name: "reducto-local",
    version,
    description: "A local Reducto for tests and CI: the same REST API and a Studio, offline, with your Pipeline IDs",
    license: "MIT",
    type: "module",
    main: "./index.js",
    types: "./index.d.ts",
    exports: { ".": { types: "./index.d.ts", default: "./index.js" }, "./package.json": "./package.json" },
    bin: { "reducto-local": "bin/reducto-local.js" },
    files: ["index.js", "index.d.ts", "bin", "README.md", "LICENSE"],
    optionalDependencies: { [nativeName]: version },
    engines: { node: ">=20" },
  });

  const native = join(out, nativeName);
  mkdirSync(join(native, "bin"), { recursive: true });
  copyFileSync(join(root, "target/release/reducto-local"), join(native, "bin/reducto-local"));
  chmodSync(join(native, "bin/reducto-local"), 0o755);
  cpSync(join(root, "www"), join(native, "www"), { recursive: true });
  cpSync(join(root, "pkg"), join(native, "pkg"), { recursive: true });
  copyFileSync(join(root, "LICENSE"), join(native, "LICENSE"));
  writeFileSync(join(native, "README.md"),
    `# ${nativeName}\n\nThe reducto-local server for ${platform}, with the pages and the client it serves. ` +
    "Install `reducto-local`, which runs it.\n");
  writeJson(join(native, "package.json"), {
    name: nativeName,
    version,
    description: `The reducto-local binary for ${platform}`,
    license: "MIT",
    os: [process.platform],
    cpu: [process.arch],
    files: ["bin", "www", "pkg", "README.md", "LICENSE"],
    preferUnplugged: true,
  });
  return { main, native };
}
