/**
 * How much a visualized input excites its filter, as two contrasts: against noise of the image's
 * own statistics, and against real inputs (reference photos). Both are ratios of mean activations
 * whose signs are handled so that a visualized input with a negative (or zero) activation never
 * passes:
 *
 *   noiseContrast     = activation / max(|noiseActivation|, EPSILON)
 *   referenceContrast = activation / max(referenceActivation, EPSILON)
 *
 * noiseActivation is the filter's mean activation on noise with the image's per-channel mean and
 * deviation (the mean over NOISE_SAMPLES draws); referenceActivation is the filter's highest mean
 * activation over the references. A negative activation gives a negative contrast; a reference
 * set on which the filter never fires (referenceActivation <= 0) gives activation / EPSILON, huge
 * when the visualized input fires it.
 */
import { noGrad } from "@kerno/core/autodiff/grad.js";
import { mean } from "@kerno/core/ops/reduce.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Random } from "@kerno/core/tensor/random.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { channel, type Probe } from "./probe.js";

export const EPSILON = 1e-6;
export const NOISE_SAMPLES = 4;

export const contrast = (activation: number, against: number): number => activation / Math.max(against, EPSILON);

/** The filter's mean activation for pixels 0..255 [n, h, w, c] (over the batch too). */
export function meanActivation(p: Probe, pre: (x: Tensor) => Tensor, pixels: Tensor, filter: number, layerName: string, who: string): Tensor {
  return mean(channel(p.run(pre(pixels)), filter, who, layerName));
}

/** The filter's mean activation on noise with the per-channel mean and deviation of pixels (h * w * c, channels last), clipped to 0..255. */
export function noiseActivation(
  p: Probe,
  pre: (x: Tensor) => Tensor,
  pixels: Float32Array,
  [h, w, c]: number[],
  filter: number,
  layerName: string,
  who: string,
  rng: Random,
): number {
  const n = h * w;
  const stats = Array.from({ length: c }, (_, k) => {
    let s = 0,
      s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = pixels[i * c + k];
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    return { m, sd: Math.sqrt(Math.max(0, s2 / n - m * m)) };
  });
  const noise = Float32Array.from({ length: NOISE_SAMPLES * n * c }, (_, i) => Math.max(0, Math.min(255, stats[i % c].m + stats[i % c].sd * rng.normal())));
  return noGrad(() => meanActivation(p, pre, tensor(noise, [NOISE_SAMPLES, h, w, c]), filter, layerName, who).item());
}

/** Every channel's mean activation on each reference, [n][channels], one batch of at most 8 at a time. */
export function referenceActivations(p: Probe, pre: (x: Tensor) => Tensor, references: Tensor, who: string): Float64Array[] {
  if (references.rank !== 4) throw new RangeError(`${who}: references must be pixels [n, h, w, channels], got [${references.shape.join(", ")}]`);
  const [n, ...rest] = references.shape;
  const v = references.floats();
  const per = rest.reduce((a, b) => a * b, 1);
  const out: Float64Array[] = [];
  for (let s = 0; s < n; s += 8) {
    const k = Math.min(8, n - s);
    const a = noGrad(() => p.run(pre(tensor(v.slice(s * per, (s + k) * per), [k, ...rest]))));
    const channels = a.shape[a.rank - 1];
    const positions = a.size / (k * channels);
    const av = a.floats();
    for (let i = 0; i < k; i++) {
      const means = new Float64Array(channels);
      for (let j = 0; j < positions; j++) for (let ch = 0; ch < channels; ch++) means[ch] += av[(i * positions + j) * channels + ch];
      out.push(means.map((x) => x / positions));
    }
  }
  return out;
}

/** The reference on which the filter fires most, and its mean activation. */
export function bestReference(means: Float64Array[], filter: number): { index: number; activation: number } {
  let index = 0;
  for (let i = 1; i < means.length; i++) if (means[i][filter] > means[index][filter]) index = i;
  return { index, activation: means[index][filter] };
}
