/**
 * What the browser tests share: test pages bundled by esbuild for the browser (node:assert mapped
 * to browser-assert.ts), and Debian's Chromium (through playwright-core) opening a page served from
 * 127.0.0.1 until it leaves its result on `window.kernoResult`.
 */
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

/** Debian's Chromium, where it is installed. */
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
/** A test's skip reason without it. */
export const NO_CHROMIUM = "no chromium (apt-get install chromium)";

/** `entryPoints` (paths) bundled for the browser as ES modules: each output's path (under `outdir`) and text. */
export async function bundleForBrowser(entryPoints: readonly string[], outdir = "/"): Promise<Record<string, string>> {
  const bundle = await build({
    entryPoints: [...entryPoints],
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "browser",
    format: "esm",
    conditions: ["kerno-source"],
    // only reached in Node (a module's bytes from disk)
    external: ["node:*"],
    plugins: [
      {
        name: "browser-assert",
        setup: (b) =>
          b.onResolve({ filter: /^node:assert(\/strict)?$/ }, () => ({
            path: fileURLToPath(new URL("./browser-assert.ts", import.meta.url)),
          })),
      },
    ],
    write: false,
    logLevel: "silent",
  });
  return Object.fromEntries(bundle.outputFiles.map((file) => [file.path, file.text]));
}

/** Files to serve by path: [content type, body]. */
export type ServedFiles = Record<string, [string, string | Buffer]>;

export interface PageOptions {
  /** Chromium's command line. */
  args: string[];
  /** Headers on every response. */
  headers?: Record<string, string>;
  /** The path and query to open. */
  path?: string;
}

/** Serves `files`, opens `path` in Chromium, and gives what the page leaves on window.kernoResult and its console's lines. */
export async function inChromium<T>(files: ServedFiles, { args, headers = {}, path = "/" }: PageOptions): Promise<{ result: T; console: string[] }> {
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://127.0.0.1").pathname];
    if (!file) return void res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, "content-type": file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  try {
    const tab = await browser.newPage();
    const lines: string[] = [];
    tab.on("console", (message) => lines.push(message.text()));
    tab.on("pageerror", (error) => lines.push(`page error: ${error.message}`));
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    await tab.waitForFunction(() => "kernoResult" in window, null, { timeout: 60000 });
    const result = (await tab.evaluate(() => (window as unknown as { kernoResult: Promise<unknown> }).kernoResult)) as T;
    return { result, console: lines };
  } finally {
    await browser.close();
    server.close();
  }
}
