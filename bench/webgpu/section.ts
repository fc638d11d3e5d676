/**
 * The webgpu section of `npm run bench` (`npm run bench webgpu`): kerno on its webgpu backend
 * beside TensorFlow.js's WebGPU backend in Chromium headless (playwright-core), pages served from
 * 127.0.0.1: the browser section's MNIST CNN trained through model.fit (images/s) and VGG16's conv
 * base predicting (images/s), each engine and work in its own page, one after another.
 * Chromium starts with --enable-unsafe-webgpu (and --enable-features=Vulkan on Linux; more flags
 * from KERNO_BENCH_WEBGPU_FLAGS, space-separated), and a probe page asks navigator.gpu for its
 * adapter: without one, or with a CPU one (SwiftShader, a fallback adapter), the section is skipped
 * with the reason: no timings on a CPU fake. KERNO_BENCH_WEBGPU_SOFTWARE=1 runs it anyway on
 * SwiftShader (--use-webgpu-adapter=swiftshader) with tiny sizes, to exercise the code path only:
 * its rows say they are no timings. Prints one JSON line, a WebGpuRun.
 * Usage: node --conditions=kerno-source --import tsx bench/webgpu/section.ts [seconds]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { dataFolder, loadDigits, runPage } from "../browser/section.js";
import { folderFiles, type Served, serve } from "../browser/server.js";
import { BATCH, DIGIT_FILES, type Digits, type PageResult } from "../browser/spec.js";
import { ratioOf, type WebGpuRow, type WebGpuRun } from "../rows.js";
import { type AdapterProbe, describeAdapter, notAGpu, PROBE_SCRIPT, sizesFor, type Work } from "./spec.js";

const require = createRequire(import.meta.url);
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
const MNIST_GZ = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
const ENGINES = ["kerno", "tfjs"] as const;
type Engine = (typeof ENGINES)[number];
const ENGINE_NAMES: Record<Engine, string> = { kerno: "kerno-webgpu", tfjs: "TensorFlow.js webgpu" };

/** Whether KERNO_BENCH_WEBGPU_SOFTWARE asks for the software run. */
export const softwareRequested = (env: NodeJS.ProcessEnv = process.env) => env.KERNO_BENCH_WEBGPU_SOFTWARE === "1";

/** Chromium's flags for WebGPU: on SwiftShader when `software`, else the platform's GPU; `extra` from KERNO_BENCH_WEBGPU_FLAGS. */
export function launchFlags(software: boolean, platform: NodeJS.Platform = process.platform, extra = process.env.KERNO_BENCH_WEBGPU_FLAGS ?? ""): string[] {
  return [
    "--enable-unsafe-webgpu",
    ...(platform === "linux" ? ["--enable-features=Vulkan"] : []),
    ...(software ? ["--use-webgpu-adapter=swiftshader"] : []),
    ...extra.split(/\s+/).filter(Boolean),
  ];
}

/** Why the section cannot run here before any browser starts (no chromium), or null. */
export function chromiumMissing(): string | null {
  return CHROMIUM ? null : "no chromium at /usr/bin/chromium (apt-get install chromium)";
}

function digitsMissing(): string | null {
  const mnist = join(dataFolder(), "mnist");
  const missing = MNIST_GZ.filter((f) => !existsSync(join(mnist, f)));
  return missing.length ? `no MNIST digits: ${missing.join(", ")} missing in ${mnist} (set KERNO_DATA_DIR to a folder holding mnist/)` : null;
}

/** Chromium with WebGPU on (playwright adds --no-sandbox's peers; the bench's allocator settings are kept from it). */
export async function launchWebGpu(software: boolean): Promise<{ browser: Browser; flags: string[] }> {
  const flags = launchFlags(software);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MALLOC_"))) as Record<string, string>;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", ...flags], env });
  return { browser, flags };
}

/** What navigator.gpu.requestAdapter() gives a page of `origin` (a secure context: 127.0.0.1), within 60 s. */
export async function probeAdapter(browser: Browser, origin: string): Promise<AdapterProbe> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/probe.html`);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the adapter probe: navigator.gpu.requestAdapter() gave no answer in 60 s")), 60_000);
    });
    try {
      return await Promise.race([page.evaluate(PROBE_SCRIPT) as Promise<AdapterProbe>, limit]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await context.close();
  }
}

const page = (title: string, script: string): Served => ({
  type: "text/html; charset=utf-8",
  body: `<!doctype html><meta charset="utf-8"><title>kerno bench: ${title}</title><link rel="icon" href="data:,">${script}`,
});

/** The two engines' pages, bundled for the browser (the workspace packages from their sources). */
async function bundles(): Promise<Map<string, Served>> {
  const out = new Map<string, Served>();
  for (const name of ENGINES) {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(`./${name}-page.ts`, import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "esm",
      conditions: ["kerno-source"],
      // only reached in Node (the webgpu package's Dawn, the wasm module's bytes from disk)
      external: ["node:*"],
      write: false,
      logLevel: "silent",
    });
    out.set(`/app/${name}.mjs`, { type: "text/javascript", body: result.outputFiles[0].text });
    out.set(`/${name}.html`, page(name, `<script type="module" src="/app/${name}.mjs"></script>`));
  }
  return out;
}

const versionOf = (entry: string) => {
  let dir = dirname(require.resolve(entry));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
};

/** One page's outcome: its figure, or the first line of its error. */
export type Outcome = { value: number | null; error?: string };
export type Outcomes = Partial<Record<Work, Record<Engine, Outcome>>>;

/** The section's rows from the pages' outcomes, one per work that ran. */
export function webgpuRows(o: Outcomes, software: boolean): WebGpuRow[] {
  const s = sizesFor(software);
  const row = (work: Work, workload: string, metric: string): WebGpuRow[] => {
    const outcome = o[work];
    if (!outcome) return [];
    const [k, t] = [outcome.kerno, outcome.tfjs];
    const r: WebGpuRow = {
      workload,
      metric,
      unit: "images/s",
      higherIsBetter: true,
      kernoWebgpu: k.value,
      tfjsWebgpu: t.value,
      ratioTfjs: ratioOf(k.value, t.value, true),
      timing: !software,
      ...(k.error ? { kernoError: k.error } : {}),
      ...(t.error ? { tfjsError: t.error } : {}),
    };
    return [r];
  };
  return [
    ...row("mnist", "mnist-cnn, webgpu", `training (fit), ${s.trainDigits.toLocaleString("en-US")} digits an epoch, batch ${BATCH}`),
    ...row("vgg16", "vgg16 conv base, webgpu", `inference, batch ${s.vggBatch} at ${s.vggSide}x${s.vggSide}`),
  ];
}

export interface SectionOptions {
  software?: boolean;
  /** The works to run (both by default; the test takes mnist alone). */
  works?: readonly Work[];
  log?: (s: string) => void;
}

/** A page's console for the log: each message once, at most 8 (WebGPU repeats a validation error for every dispatch). */
function consoleLog(who: string, log: (s: string) => void): (text: string) => void {
  const seen = new Set<string>();
  return (text) => {
    if (seen.has(text) || seen.size > 8) return;
    seen.add(text);
    log(seen.size > 8 ? `    [${who}] (further console messages left out)` : `    [${who}] ${text}`);
  };
}

export async function webgpuSection(
  seconds: number,
  { software = softwareRequested(), works = ["mnist", "vgg16"], log = () => {} }: SectionOptions = {},
): Promise<WebGpuRun> {
  const noChromium = chromiumMissing();
  if (noChromium) return { skipped: noChromium, notes: [], rows: [] };
  const files = new Map<string, Served>([["/probe.html", page("adapter probe", "")]]);
  const server = await serve(files);
  const dir = mkdtempSync(join(tmpdir(), "kerno-webgpu-bench-"));
  let browser: Browser | undefined;
  try {
    const { browser: b, flags } = await launchWebGpu(software);
    browser = b;
    const version = `Chromium ${b.version()} (headless)`;
    let probe: AdapterProbe;
    try {
      probe = await probeAdapter(b, server.origin);
    } catch (err) {
      return { browser: version, flags, software, skipped: `the adapter probe failed: ${(err as Error).message.split("\n")[0]}`, notes: [], rows: [] };
    }
    const base = { browser: version, flags, ...(probe.adapter ? { adapter: probe.adapter } : {}), software };
    const fake = notAGpu(probe);
    if (fake && !(software && probe.adapter)) {
      const hint = software ? "" : " (KERNO_BENCH_WEBGPU_SOFTWARE=1 runs the code path on SwiftShader with tiny sizes, no timings)";
      return { ...base, skipped: `${fake}${hint}`, notes: [], rows: [] };
    }
    const noDigits = digitsMissing();
    if (noDigits) return { ...base, skipped: noDigits, notes: [], rows: [] };
    const notes: string[] = [];
    if (software)
      notes.push(`software run on ${probe.adapter ? describeAdapter(probe.adapter) : "?"}, tiny sizes: the rows check the code path and are no timings`);
    const digits = await loadDigits();
    for (const [k, f] of Object.entries(DIGIT_FILES)) writeFileSync(join(dir, f), digits[k as keyof Digits]);
    for (const [path, served] of [...(await bundles()), ...folderFiles(dir, "/data/")]) files.set(path, served);
    const limitS = software ? 300 : Math.max(600, 60 * seconds);
    const open = async (engine: Engine, work: Work): Promise<Outcome> => {
      const who = `${ENGINE_NAMES[engine]} ${work}`;
      log(`  running ${who} in ${version}${software ? " (software adapter)" : ""}`);
      const context = await b.newContext();
      try {
        const p = await context.newPage();
        const toLog = consoleLog(who, log);
        p.on("console", (m) => toLog(m.text()));
        const r: PageResult = await runPage(p, `${server.origin}/${engine}.html?work=${work}&seconds=${seconds}${software ? "&software=1" : ""}`, limitS);
        notes.push(...(r.notes ?? []).filter((n) => !notes.includes(n)));
        if (r.error) return { value: null, error: r.error.split("\n")[0] };
        const value = work === "mnist" ? r.training : r.inference;
        return value === null || value === undefined ? { value: null, error: "the page gave no figure" } : { value };
      } catch (err) {
        return { value: null, error: (err as Error).message.split("\n")[0] };
      } finally {
        await context.close();
      }
    };
    const outcomes: Outcomes = {};
    for (const work of works) {
      const outcome = { kerno: await open("kerno", work), tfjs: await open("tfjs", work) };
      outcomes[work] = outcome;
      for (const engine of ENGINES) {
        const error = outcome[engine].error;
        if (error) notes.push(`${ENGINE_NAMES[engine]} ${work}: failed: ${error}`);
      }
    }
    const versions = { tfjs: versionOf("@tensorflow/tfjs"), tfjsWebgpu: versionOf("@tensorflow/tfjs-backend-webgpu") };
    if (versions.tfjs !== versions.tfjsWebgpu)
      notes.push(`TensorFlow.js ${versions.tfjs} with its WebGPU backend at ${versions.tfjsWebgpu}: the versions differ`);
    return { ...base, versions, notes, rows: webgpuRows(outcomes, software) };
  } finally {
    await browser?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const run = await webgpuSection(Number(process.argv[2] ?? 3), { log: (s) => process.stderr.write(`${s}\n`) });
  console.log(JSON.stringify(run));
}
