/**
 * What every side of the browser section shares, with no import so that each page bundles only its
 * own engine: the MNIST CNN as one table of layers (kerno and TensorFlow.js build it from here),
 * the digits, and how a rate is timed.
 */

/**
 * The course's MNIST CNN (src/recipes/mnist-models.ts, what `kerno train mnist-cnn` and the
 * playground train): Conv2D(32,3,relu), MaxPooling2D, Conv2D(64,3,relu), MaxPooling2D,
 * Conv2D(128,3,relu), Flatten, Dense(10,softmax); 104,202 parameters (test/bench/browser.test.ts
 * checks it against the recipe's model).
 */
export const MNIST_CNN = [
  { layer: "conv", filters: 32 },
  { layer: "pool" },
  { layer: "conv", filters: 64 },
  { layer: "pool" },
  { layer: "conv", filters: 128 },
  { layer: "flatten" },
  { layer: "dense", units: 10, activation: "softmax" },
] as const;

export type LayerSpec = (typeof MNIST_CNN)[number];

/** Training on the first 8,192 training digits (128 batches of 64), inference of the first 1,000 test digits in one call. */
export const TRAIN_DIGITS = 8192;
export const TEST_DIGITS = 1000;
export const BATCH = 64;
export const PIXELS = 28 * 28;

/** RMSprop as Keras compiles "rmsprop": learning rate 1e-3, rho 0.9, no momentum, epsilon 1e-7. */
export const RMSPROP = { learningRate: 1e-3, rho: 0.9, momentum: 0, epsilon: 1e-7 };

/** The digits as the server hands them out: pixels 0..255, one byte each, and labels 0..9. */
export interface Digits {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** The files under /data/ that hold the digits, by field. */
export const DIGIT_FILES: Record<keyof Digits, string> = {
  trainImages: "train-images.u8",
  trainLabels: "train-labels.u8",
  testImages: "test-images.u8",
  testLabels: "test-labels.u8",
};

/** Pixels scaled to [0, 1], as the course feeds them. */
export function scaled(pixels: Uint8Array): Float32Array {
  return Float32Array.from(pixels, (p) => p / 255);
}

/** The share of rows of `probs` ([n, classes], row-major) whose largest entry is the label. */
export function accuracy(probs: ArrayLike<number>, labels: ArrayLike<number>, classes = 10): number {
  if (probs.length !== labels.length * classes) throw new Error(`accuracy: ${probs.length} scores for ${labels.length} labels of ${classes} classes`);
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    if (best === labels[i]) right++;
  }
  return right / labels.length;
}

/** Calls of fn per second after one warm-up call, over at least `seconds` and `minCalls`. */
export async function callsPerSecond(fn: () => unknown, seconds: number, minCalls = 3): Promise<number> {
  await fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || calls < minCalls) {
    await fn();
    calls++;
  }
  return calls / ((performance.now() - start) / 1000);
}

/** What a page hands back on `window.benchResult`. */
export interface PageResult {
  error?: string;
  crossOriginIsolated: boolean;
  userAgent: string;
  /** Threads the engine ran on. */
  threads?: number;
  /** Training images/s, how many images were timed, and after how many epochs (fractions: a part of one). */
  training?: number | null;
  trainedImages?: number;
  /** Test accuracy (0..1) after the first timed epoch, where the page trained a whole one. */
  accuracy?: number | null;
  inference?: number | null;
  /** What else the page found out (a backend that could not train, the WebGL renderer). */
  notes?: string[];
}

/** Puts the page's result where the bench reads it, errors included. */
export function publish(run: () => Promise<Omit<PageResult, "crossOriginIsolated" | "userAgent">>): void {
  const base = { crossOriginIsolated: globalThis.crossOriginIsolated === true, userAgent: navigator.userAgent };
  (globalThis as unknown as { benchResult: Promise<PageResult> }).benchResult = run().then(
    (r) => ({ ...base, ...r }),
    (err: Error) => ({ ...base, error: `${err.message}\n${err.stack ?? ""}` }),
  );
}

/** The digits from the page's server. */
export async function fetchDigits(): Promise<Digits> {
  const get = async (name: string) => {
    const r = await fetch(`/data/${name}`);
    if (!r.ok) throw new Error(`fetching /data/${name} gave HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  };
  const entries = await Promise.all(Object.entries(DIGIT_FILES).map(async ([k, f]) => [k, await get(f)] as const));
  return Object.fromEntries(entries) as unknown as Digits;
}
