/**
 * The browser section of `npm run bench` (`npm run bench browser`): the MNIST CNN of spec.ts in
 * Chromium headless (playwright-core), the page served from 127.0.0.1 with COOP/COEP so that it is
 * cross-origin isolated: kerno-wasm training (model.fit on the first 8,192 training digits) and
 * inference (1,000 test digits in one batch); TensorFlow.js 4.22 training the same model on cpu
 * and webgl (the faster counts; its wasm backend is tried and its error kept); ONNX Runtime Web
 * (wasm execution provider, its threads when isolated) predicting with the model kerno-native
 * trained and exported to ONNX; and kerno-native and kerno-wasm in Node on the same work, for the
 * ratios. Every engine runs in its own page or process, one after another. Prints one JSON line,
 * a BrowserRun; skipped, with the reason, without chromium, the digits or the built wasm kernels.
 * Usage: node --conditions=kerno-source --import tsx bench/browser/section.ts [seconds]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dataDir } from "@kerno/node/data/cache.js";
import { build } from "esbuild";
import { chromium, type Page } from "playwright-core";
import { checkoutDataDir } from "../../scripts/data-dir.mjs";
import { typeOf } from "../../src/playground/files.js";
import { type BrowserRow, type BrowserRun, ratioOf } from "../rows.js";
import { folderFiles, type Served, serve } from "./server.js";
import { BATCH, DIGIT_FILES, type Digits, type PageResult, PIXELS, TEST_DIGITS, TRAIN_DIGITS } from "./spec.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(import.meta.url);
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
const WASM_BUILD = join(root, "packages/wasm/build");
const MNIST_GZ = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
/** TensorFlow.js backends timed for training; wasm is only tried (it has no kernels for a convolution's gradients). */
const TFJS_TRAINING = ["webgl", "cpu"] as const;

/** The data folder as `npm start` and the tests find it: KERNO_DATA_DIR, else ../shared/datasets beside the checkout, else ~/.kerno/datasets. */
export const dataFolder = () => checkoutDataDir() ?? dataDir();

/** Why the section cannot run here, or null. */
export function skipReason(): string | null {
  if (!CHROMIUM) return "no chromium at /usr/bin/chromium (apt-get install chromium)";
  const mnist = join(dataFolder(), "mnist");
  const missing = MNIST_GZ.filter((f) => !existsSync(join(mnist, f)));
  if (missing.length) return `no MNIST digits: ${missing.join(", ")} missing in ${mnist} (set KERNO_DATA_DIR to a folder holding mnist/)`;
  if (!existsSync(join(WASM_BUILD, "kerno-kernels.wasm")))
    return "the WebAssembly kernels are not built (npm run build:wasm -w @kerno/wasm, which needs Emscripten)";
  return null;
}

/** The first 8,192 training digits and 1,000 test digits, from the data folder through kerno's MNIST loader. */
export async function loadDigits(): Promise<Digits> {
  process.env.KERNO_DATA_DIR = dataFolder();
  const { mnist } = await import("@kerno/node/data/mnist.js");
  const data = await mnist();
  const bytes = (values: Float32Array | Int32Array, n: number) => Uint8Array.from(values.subarray(0, n));
  return {
    trainImages: bytes(data.train.images.values as Float32Array, TRAIN_DIGITS * PIXELS),
    trainLabels: bytes(data.train.labels.values as Int32Array, TRAIN_DIGITS),
    testImages: bytes(data.test.images.values as Float32Array, TEST_DIGITS * PIXELS),
    testLabels: bytes(data.test.labels.values as Int32Array, TEST_DIGITS),
  };
}

interface NodeResult {
  training: number;
  accuracy: number;
  finalAccuracy: number;
  inference: number;
  threads: number;
}

function nodeSide(backend: "native" | "wasm", dir: string, seconds: number, onnx: string | undefined, log: (s: string) => void): NodeResult {
  log(`  running kerno-${backend} in Node`);
  const args = ["--conditions=kerno-source", "--import", "tsx", "bench/browser/node-side.ts", backend, dir, String(seconds), ...(onnx ? [onnx] : [])];
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, KERNO_BACKEND: backend },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error(`kerno-${backend} in Node failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as NodeResult;
}

/** The three pages, bundled for the browser (the workspace packages from their sources, ONNX Runtime Web's module from /ort/). */
async function bundles(): Promise<Map<string, Served>> {
  const out = new Map<string, Served>();
  for (const name of ["kerno", "tfjs", "ort"]) {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(`./${name}-page.ts`, import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "esm",
      conditions: ["kerno-source", "onnxruntime-web-use-extern-wasm"],
      // only reached in Node (the wasm module's bytes from disk)
      external: ["node:*"],
      write: false,
      logLevel: "silent",
    });
    out.set(`/app/${name}.mjs`, { type: "text/javascript", body: result.outputFiles[0].text });
    out.set(`/${name}.html`, {
      type: typeOf(`${name}.html`),
      body: `<!doctype html><meta charset="utf-8"><title>kerno bench: ${name}</title><link rel="icon" href="data:,"><script type="module" src="/app/${name}.mjs"></script>`,
    });
  }
  return out;
}

const packageDir = (entry: string) => dirname(require.resolve(entry));
const versionOf = (distDir: string) => (JSON.parse(readFileSync(join(distDir, "..", "package.json"), "utf8")) as { version: string }).version;

/** A page's result, or an error naming the page. */
export async function runPage(page: Page, url: string, limitS: number): Promise<PageResult> {
  await page.goto(url);
  await page.waitForFunction(() => "benchResult" in window, null, { timeout: 60_000 });
  const result = page.evaluate(() => (window as unknown as { benchResult: Promise<PageResult> }).benchResult);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${url}: no result after ${limitS} s`)), limitS * 1000);
  });
  try {
    return await Promise.race([result, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The best of several engines' figures, and which gave it. */
export function bestOf(values: Record<string, number | null | undefined>, higherIsBetter = true): { value: number | null; name?: string } {
  let value: number | null = null,
    name: string | undefined;
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined) continue;
    if (value === null || (higherIsBetter ? v > value : v < value)) [value, name] = [v, k];
  }
  return { value, name };
}

/** The engines' results for one kind of page (cross-origin isolated or not). */
export interface PageResults {
  kernoWasm: PageResult;
  ortWeb: PageResult;
  tfjs: Record<string, PageResult>;
  native: NodeResult;
  wasmNode: NodeResult | null;
}

/** The section's rows for one kind of page: training, accuracy after one epoch, inference. */
export function browserRows(r: PageResults, browser: string, crossOriginIsolated: boolean): BrowserRow[] {
  type Values = Pick<BrowserRow, "kernoWasm" | "tfjs" | "tfjsBackend" | "ortWeb" | "kernoNative" | "kernoWasmNode">;
  const row = (metric: string, unit: string, values: Values): BrowserRow => ({
    workload: `mnist-cnn, browser (${crossOriginIsolated ? "" : "not "}isolated)`,
    metric,
    unit,
    higherIsBetter: true,
    ...values,
    ratioTfjs: ratioOf(values.kernoWasm, values.tfjs, true),
    ratioOrtWeb: ratioOf(values.kernoWasm, values.ortWeb, true),
    ratioNative: ratioOf(values.kernoWasm, values.kernoNative, true),
    browser,
    crossOriginIsolated,
  });
  const tfjsOf = (pick: (p: PageResult) => number | null | undefined) => {
    const b = bestOf(Object.fromEntries(Object.entries(r.tfjs).map(([k, p]) => [k, pick(p)])));
    return { tfjs: b.value, ...(b.name ? { tfjsBackend: b.name } : {}) };
  };
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : 100 * v);
  const digits = (n: number) => n.toLocaleString("en-US");
  return [
    row(`training (fit), first ${digits(TRAIN_DIGITS)} digits`, "images/s", {
      kernoWasm: r.kernoWasm.training ?? null,
      ...tfjsOf((p) => p.training),
      ortWeb: null,
      kernoNative: r.native.training,
      kernoWasmNode: r.wasmNode?.training ?? null,
    }),
    row(`test accuracy after 1 epoch (${digits(TEST_DIGITS)} digits)`, "%", {
      kernoWasm: pct(r.kernoWasm.accuracy),
      tfjs: null,
      ortWeb: null,
      kernoNative: pct(r.native.accuracy),
      kernoWasmNode: pct(r.wasmNode?.accuracy),
    }),
    row(`inference, ${digits(TEST_DIGITS)} digits in one batch`, "images/s", {
      kernoWasm: r.kernoWasm.inference ?? null,
      ...tfjsOf((p) => p.inference),
      ortWeb: r.ortWeb.inference ?? null,
      kernoNative: r.native.inference,
      kernoWasmNode: r.wasmNode?.inference ?? null,
    }),
  ];
}

const rate = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v.toFixed(1));

export async function browserSection(seconds: number, log: (s: string) => void): Promise<BrowserRun> {
  const skipped = skipReason();
  if (skipped) return { skipped, notes: [], rows: [] };
  const notes: string[] = [];
  const digits = await loadDigits();
  const dir = mkdtempSync(join(tmpdir(), "kerno-browser-bench-"));
  try {
    for (const [k, f] of Object.entries(DIGIT_FILES)) writeFileSync(join(dir, f), digits[k as keyof Digits]);
    const native = nodeSide("native", dir, seconds, join(dir, "mnist-cnn.onnx"), log);
    let wasmNode: NodeResult | null = null;
    try {
      wasmNode = nodeSide("wasm", dir, seconds, undefined, log);
    } catch (err) {
      notes.push(`kerno-wasm in Node: ${(err as Error).message}`);
    }
    const ortDist = packageDir("onnxruntime-web/wasm");
    const files = new Map<string, Served>([
      ...(await bundles()),
      ...folderFiles(WASM_BUILD, "/build/"),
      ...folderFiles(ortDist, "/ort/", (f) => /^ort-wasm-simd-threaded\.(mjs|wasm)$/.test(f)),
      ...folderFiles(packageDir("@tensorflow/tfjs-backend-wasm"), "/tfjs-wasm/", (f) => f.endsWith(".wasm")),
      ...folderFiles(dir, "/data/"),
    ]);
    const servers = { isolated: await serve(files), plain: await serve(files, { isolated: false }) };
    // Chromium without the allocator settings the bench gives the Node and Python processes
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MALLOC_"))) as Record<string, string>;
    // without a GPU, WebGL is SwiftShader's, drawn on the CPU, which Chromium enables only when asked
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--enable-unsafe-swiftshader"], env });
    try {
      const version = `Chromium ${browser.version()} (headless)`;
      const limitS = Math.max(600, 60 * seconds);
      const open = async (who: string, server: keyof typeof servers, path: string): Promise<PageResult> => {
        log(`  running ${who} in ${version}, ${server === "isolated" ? "" : "not "}cross-origin isolated`);
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          page.on("console", (m) => log(`    [${who}] ${m.text()}`));
          const result = await runPage(page, `${servers[server].origin}${path}`, limitS);
          if (result.error) throw new Error(`${who}: ${result.error.split("\n")[0]}`);
          return result;
        } finally {
          await context.close();
        }
      };
      const kerno = {
        isolated: await open("kerno-wasm", "isolated", `/kerno.html?seconds=${seconds}`),
        plain: await open("kerno-wasm", "plain", `/kerno.html?seconds=${seconds}`),
      };
      const ort = {
        isolated: await open("ONNX Runtime Web", "isolated", `/ort.html?seconds=${seconds}`),
        plain: await open("ONNX Runtime Web", "plain", `/ort.html?seconds=${seconds}`),
      };
      notes.push(
        `ONNX Runtime Web predicts the exported model (kerno-native's, after its timed epochs) at ${(100 * (ort.isolated.accuracy ?? 0)).toFixed(1)}% of the test digits, kerno-native at ${(100 * native.finalAccuracy).toFixed(1)}%`,
      );
      // TensorFlow.js's cpu and webgl backends use no threads: timed once, on the isolated page, for both kinds of rows
      const tfjs: Record<string, PageResult> = {};
      for (const backend of [...TFJS_TRAINING, "wasm"]) {
        try {
          const t = await open(`TensorFlow.js ${backend}`, "isolated", `/tfjs.html?backend=${backend}&seconds=${seconds}`);
          notes.push(...(t.notes ?? []).map((n) => `TensorFlow.js ${backend}: ${n}`));
          if (t.training === null || t.training === undefined) continue;
          tfjs[backend] = t;
          const batches = (t.trainedImages ?? 0) / BATCH;
          notes.push(
            `TensorFlow.js ${backend}: training ${rate(t.training)} images/s over ${batches} batches of ${BATCH} after one warm-up batch${batches * BATCH < TRAIN_DIGITS ? " (not a whole epoch)" : ""}, inference ${rate(t.inference)} images/s`,
          );
        } catch (err) {
          notes.push(`TensorFlow.js ${backend}: ${(err as Error).message}`);
        }
      }
      const ratio = (a: number | null | undefined, b: number | null | undefined) => ratioOf(a ?? null, b ?? null, true)?.toFixed(2) ?? "-";
      notes.push(
        `one thread against one: kerno-wasm ${ratio(kerno.plain.inference, ort.plain.inference)}x ONNX Runtime Web at inference on the page that is not isolated`,
      );
      return {
        browser: version,
        crossOriginIsolated: kerno.isolated.crossOriginIsolated && ort.isolated.crossOriginIsolated,
        threads: {
          kernoWasm: kerno.isolated.threads ?? null,
          ortWeb: ort.isolated.threads ?? null,
          kernoNative: native.threads,
          kernoWasmNode: wasmNode?.threads ?? null,
        },
        versions: { tfjs: versionOf(packageDir("@tensorflow/tfjs")), ortWeb: versionOf(ortDist) },
        notes,
        rows: [
          ...browserRows({ kernoWasm: kerno.isolated, ortWeb: ort.isolated, tfjs, native, wasmNode }, version, kerno.isolated.crossOriginIsolated),
          ...browserRows({ kernoWasm: kerno.plain, ortWeb: ort.plain, tfjs, native, wasmNode }, version, kerno.plain.crossOriginIsolated),
        ],
      };
    } finally {
      await browser.close();
      await Promise.all([servers.isolated.close(), servers.plain.close()]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const run = await browserSection(Number(process.argv[2] ?? 3), (s) => process.stderr.write(`${s}\n`));
  console.log(JSON.stringify(run));
}
