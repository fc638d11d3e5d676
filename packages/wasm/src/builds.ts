/**
 * Which of the builds (scripts/build-wasm.mjs) this platform loads, and how. Node: the threaded
 * CommonJS module, read from disk. A cross-origin isolated page (SharedArrayBuffer, so threads):
 * the threaded classic script (a <script> element on a page; in a worker, importScripts or its
 * text evaluated), since this Emscripten's thread workers load it with importScripts, which
 * cannot load an ES module. Any other page or worker: the one-thread ES module.
 */
import type { KernelModule } from "./call.js";

const built = (name: string) => new URL(`../build/${name}`, import.meta.url);
const WEB_MODULE = built("kerno-kernels.mjs");
const WEB_WASM = built("kerno-kernels.wasm");
const THREADS_MODULE = built("kerno-kernels-threads.cjs");
// one .wasm for both threaded builds: the build checks that their bytes are the same
const THREADS_WASM = built("kerno-kernels-threads.wasm");
const WEB_THREADS_SCRIPT = built("kerno-kernels-threads-web.js");

/**
 * A page's threads at most: each is a worker with its own instance of the module, started whether
 * the kernels need it or not, and a batch of 64 split 16 ways is 4 images a thread.
 */
export const MAX_BROWSER_THREADS = 16;

type Unref = { unref?: () => void };
export type LoadedModule = KernelModule & { PThread?: { unusedWorkers: Unref[]; runningWorkers: Unref[] } };

export interface ModuleOptions {
  wasmBinary: Uint8Array;
  locateFile: (path: string, dir: string) => string;
  /** The threaded web build's workers, started before the module runs (its PTHREAD_POOL_SIZE). */
  kernoWorkers?: number;
  /** Where the workers load the threaded web build's script from. */
  mainScriptUrlOrBlob?: string;
}
type CreateModule = (options: ModuleOptions) => Promise<LoadedModule>;

export interface Build {
  create: CreateModule;
  options: ModuleOptions;
  /** The threads the kernels' pool may use (kerno_limit_threads); 0 leaves it its own count (Node's cores). */
  threads: number;
  /** Said once when the kernels run on one thread in a browser: why, and how to get threads. */
  notice: string | null;
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url.href} gave HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

let classicFactory: Promise<CreateModule> | undefined;
/**
 * Runs the threaded web build's classic script once and gives the factory it defines: on a page
 * with a <script> element (which defines it globally), in a classic worker with importScripts, in
 * a module worker (whose importScripts throws) by evaluating its text with a `module` to set.
 */
function loadClassicScript(url: URL): Promise<CreateModule> {
  classicFactory ??= (async () => {
    const scope = globalThis as unknown as { document?: Document; importScripts?: (url: string) => void; createKernoKernels?: CreateModule };
    const { document } = scope;
    if (document) {
      await new Promise<void>((resolve, reject) => {
        const script = document.createElement("script");
        script.src = url.href;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error(`the script ${url.href} did not load`));
        document.head.append(script);
      });
      return defined(scope.createKernoKernels, url);
    }
    try {
      scope.importScripts?.(url.href);
      if (scope.createKernoKernels) return scope.createKernoKernels;
    } catch {
      // a module worker: importScripts throws there ("Module scripts don't support importScripts()")
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`fetching ${url.href} gave HTTP ${response.status}`);
    const module: { exports: { createKernoKernels?: CreateModule } | CreateModule } = { exports: {} };
    new Function("module", "exports", `${await response.text()}\n//# sourceURL=${url.href}`)(module, module.exports);
    return defined(typeof module.exports === "function" ? module.exports : undefined, url);
  })();
  classicFactory.catch(() => {
    classicFactory = undefined;
  });
  return classicFactory;
}

function defined(factory: CreateModule | undefined, url: URL): CreateModule {
  if (typeof factory !== "function") throw new Error(`${url.href} did not define createKernoKernels`);
  return factory;
}

async function nodeBuild(): Promise<Build> {
  const [{ createRequire }, { readFile }, { fileURLToPath }] = await Promise.all([import("node:module"), import("node:fs/promises"), import("node:url")]);
  const create = createRequire(import.meta.url)(fileURLToPath(THREADS_MODULE)) as CreateModule;
  // its worker script is CommonJS (.cjs) in this package of ES modules
  const locateFile = (path: string, dir: string) => dir + path.replace(/\.worker\.js$/, ".worker.cjs");
  return { create, options: { wasmBinary: await readFile(fileURLToPath(THREADS_WASM)), locateFile }, threads: 0, notice: null };
}

async function webThreadsBuild(threads: number): Promise<Build> {
  const create = await loadClassicScript(WEB_THREADS_SCRIPT);
  const options: ModuleOptions = {
    wasmBinary: await fetchBytes(THREADS_WASM),
    // the calling thread is one of the pool's threads
    kernoWorkers: threads - 1,
    mainScriptUrlOrBlob: WEB_THREADS_SCRIPT.href,
    // beside the script, wherever the page or worker that loads it is
    locateFile: (path) => new URL(path, WEB_THREADS_SCRIPT).href,
  };
  return { create, options, threads, notice: null };
}

async function webBuild(notice: string | null): Promise<Build> {
  const create = (await import(/* @vite-ignore */ WEB_MODULE.href)).default as CreateModule;
  return { create, options: { wasmBinary: await fetchBytes(WEB_WASM), locateFile: (path, dir) => dir + path }, threads: 0, notice };
}

/** The build for this platform, its .wasm's bytes and the options its factory takes. */
export async function chooseBuild(): Promise<Build> {
  if ((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node) return nodeBuild();
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return webBuild(
      "kerno: the wasm backend runs on one thread: threads need a cross-origin isolated page (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)",
    );
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  // one core: nothing to share (and this Emscripten's threaded build never finishes loading with no workers to start)
  if (cores < 2) return webBuild(null);
  try {
    return await webThreadsBuild(Math.min(cores, MAX_BROWSER_THREADS));
  } catch (err) {
    return webBuild(`kerno: the wasm backend runs on one thread: its threaded build did not load (${(err as Error).message})`);
  }
}
