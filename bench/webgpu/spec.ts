/**
 * What the webgpu section's sides share, importing only the browser section's spec (which imports
 * nothing), so that each page bundles only its own engine: the work's sizes (on a GPU, and tiny
 * ones for a software adapter), VGG16's conv base as one table, and the rule that tells a real GPU
 * adapter from a CPU one.
 */
import { BATCH } from "../browser/spec.js";

/**
 * VGG16's convolutional base (13 conv layers 3x3 "same" with relu, 5 max pools 2x2; 14,714,688
 * parameters), the same layers as bench/workloads/models.ts's vgg16Base and src/applications/vgg.ts
 * with includeTop: false: numbers are filters, "M" a pool.
 */
export const VGG16_BASE = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"] as const;
export const VGG16_BASE_PARAMS = 14_714_688;

/** How much work one page does. */
export interface Sizes {
  /** Training digits per epoch (batches of 64), and the batches of the warm-up fit (the shaders compile there; none on a software adapter, where nothing is a timing). */
  trainDigits: number;
  warmBatches: number;
  /** Test digits predicted once after training, for the accuracy note (0: none). */
  testDigits: number;
  /** VGG16's inference: images per predict call, and their side (3 channels). */
  vggBatch: number;
  vggSide: number;
}

/** On a GPU: the browser section's 8,192 training digits; VGG16 at batch 8 on 224x224 (the CPU bench's vgg16 row). */
export const GPU_SIZES: Sizes = { trainDigits: 8192, warmBatches: 4, testDigits: 1000, vggBatch: 8, vggSide: 224 };
/** On SwiftShader (KERNO_BENCH_WEBGPU_SOFTWARE=1): enough to run every line once, nothing that means a speed. */
export const SOFTWARE_SIZES: Sizes = { trainDigits: BATCH, warmBatches: 0, testDigits: 0, vggBatch: 1, vggSide: 32 };

export const sizesFor = (software: boolean): Sizes => (software ? SOFTWARE_SIZES : GPU_SIZES);

/** The page's works: `?work=mnist` trains the MNIST CNN, `?work=vgg16` times VGG16's inference. */
export type Work = "mnist" | "vgg16";

/** What `navigator.gpu.requestAdapter()` gave the probe page. */
export interface AdapterProbe {
  /** Whether the page had navigator.gpu at all. */
  api: boolean;
  adapter: AdapterInfo | null;
  error?: string;
}

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** adapter.isFallbackAdapter (older Chromium) or adapter.info.isFallbackAdapter (newer). */
  isFallbackAdapter: boolean;
}

/**
 * The probe, as page source (a string, so that no compiler helper of Node's side reaches the page):
 * the high-performance adapter's info, or why there is none.
 */
export const PROBE_SCRIPT = `(async () => {
  const gpu = navigator.gpu;
  if (!gpu) return { api: false, adapter: null };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) return { api: true, adapter: null };
    const info = adapter.info ?? {};
    const s = (v) => (typeof v === "string" ? v : "");
    return { api: true, adapter: { vendor: s(info.vendor), architecture: s(info.architecture), device: s(info.device), description: s(info.description),
      isFallbackAdapter: adapter.isFallbackAdapter === true || info.isFallbackAdapter === true } };
  } catch (err) {
    return { api: true, adapter: null, error: String(err && err.message || err) };
  }
})()`;

/** Words in an adapter's info that mean a CPU renderer: SwiftShader, Mesa's lavapipe / llvmpipe, Microsoft's WARP. */
const SOFTWARE = /swiftshader|lavapipe|llvmpipe|softpipe|microsoft basic render|\bwarp\b/i;

/** The adapter in a few words: "nvidia ampere (NVIDIA A100)". */
export function describeAdapter(a: AdapterInfo): string {
  const main = [a.vendor, a.architecture].filter(Boolean).join(" ") || "unnamed adapter";
  const more = [a.device, a.description].filter(Boolean).join(", ");
  return `${main}${more ? ` (${more})` : ""}${a.isFallbackAdapter ? ", fallback adapter" : ""}`;
}

/** Why the probe's adapter is no GPU to time (no adapter, or a software one), or null for a real GPU. */
export function notAGpu(p: AdapterProbe): string | null {
  if (!p.api) return "Chromium exposes no navigator.gpu on the page (WebGPU disabled: --enable-unsafe-webgpu missing, or the GPU process failed)";
  if (!p.adapter) return `navigator.gpu.requestAdapter() gave no adapter (no GPU, or no driver WebGPU can use)${p.error ? `: ${p.error}` : ""}`;
  const a = p.adapter;
  if (a.architecture.toLowerCase() === "swiftshader" || SOFTWARE.test(`${a.vendor} ${a.architecture} ${a.device} ${a.description}`))
    return `the adapter is a CPU renderer, not a GPU: ${describeAdapter(a)}; no timings on a CPU fake`;
  if (a.isFallbackAdapter) return `the adapter is a fallback (software) adapter: ${describeAdapter(a)}; no timings on a CPU fake`;
  return null;
}
