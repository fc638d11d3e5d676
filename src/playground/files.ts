/**
 * The playground page's files, by URL path: its HTML and CSS, its module bundled for the browser
 * (@kerno/core, @kerno/wasm's loader and the page's code), and @kerno/wasm's built kernels. An
 * installed kerno carries the bundle (dist/playground/app/, made when the package is packed); a
 * checkout bundles the sources with esbuild when the page is first asked for.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PageFile {
  type: string;
  body: Uint8Array;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};
export const typeOf = (name: string) => TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";

const STATIC = fileURLToPath(new URL("../../src/playground/static/", import.meta.url));
const PREBUILT = fileURLToPath(new URL("./app/", import.meta.url));
const ENTRY = fileURLToPath(new URL("./page/main.ts", import.meta.url));

/** The page's module and its chunks, bundled from the sources (esbuild, a dependency of the checkout only). */
export async function bundlePage(): Promise<Map<string, Uint8Array>> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: { playground: ENTRY },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["kerno-source"],
    // reached only in Node (@kerno/wasm reads its files from disk there)
    external: ["node:*"],
    minify: true,
    outdir: "/app",
    chunkNames: "chunk-[hash]",
    write: false,
    logLevel: "silent",
  });
  return new Map(result.outputFiles.map((f) => [`app/${f.path.split("/").at(-1)}`, f.contents]));
}

/** The page's module: the packed bundle where there is one, else bundled now. */
async function pageModule(): Promise<Map<string, Uint8Array>> {
  if (existsSync(join(PREBUILT, "playground.js"))) return new Map(readdirSync(PREBUILT).map((f) => [`app/${f}`, readFileSync(join(PREBUILT, f))]));
  return bundlePage();
}

/** @kerno/wasm's build folder, or null when @kerno/wasm is not installed. */
export function wasmBuildDir(): string | null {
  try {
    return join(dirname(fileURLToPath(import.meta.resolve("@kerno/wasm"))), "..", "build");
  } catch {
    return null;
  }
}

/** The kernels a browser loads (the Node build, .cjs, stays out). */
const BROWSER_KERNELS = /^kerno-kernels[\w.-]*\.(mjs|js|wasm)$/;

export async function playgroundFiles(): Promise<Map<string, PageFile>> {
  const files = new Map<string, PageFile>();
  for (const name of ["index.html", "playground.css"]) files.set(name, { type: typeOf(name), body: readFileSync(join(STATIC, name)) });
  for (const [path, body] of await pageModule()) files.set(path, { type: typeOf(path), body });
  const wasm = wasmBuildDir();
  const built = wasm && existsSync(wasm) ? readdirSync(wasm).filter((f) => BROWSER_KERNELS.test(f)) : [];
  for (const name of built) files.set(`build/${name}`, { type: typeOf(name), body: readFileSync(join(wasm!, name)) });
  return files;
}
