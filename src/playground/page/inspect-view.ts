/**
 * Inside the network, for one chosen test digit: the first convolution's filters, the digit's
 * feature maps after it, and a one-pixel attack (differential evolution, src/attacks) on it.
 */
import { Conv2D } from "@kerno/core/layers/conv.js";
import type { Model } from "@kerno/core/models/model.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { onePixelAttack } from "../../attacks/one-pixel.js";
import { probe } from "../../interpret/probe.js";
import { grayImage } from "./canvas.js";

/** Whether the panels inside the network have a first convolution to show. */
export const hasConv2D = (model: Model) => model.layers.some((l) => l instanceof Conv2D);

function firstConv(model: Model): Conv2D {
  const conv = model.layers.find((l) => l instanceof Conv2D);
  if (!conv) throw new Error(`playground: model '${model.name}' has no Conv2D layer to show`);
  return conv as Conv2D;
}

/** Channel `c` of an [h, w, channels] block of values. */
function channelOf(values: Float32Array, pixels: number, channels: number, c: number): Float32Array {
  const out = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) out[p] = values[p * channels + c];
  return out;
}

/** The first Conv2D's filters (each input channel's kernel, black to white over its own range). */
export function showFilters(container: HTMLElement, model: Model): void {
  const conv = firstConv(model);
  const kernel = conv.getWeights()[0];
  const [kh, kw, inC, outC] = kernel.shape;
  const values = kernel.data() as Float32Array;
  const cells: HTMLCanvasElement[] = [];
  for (let f = 0; f < outC; f++) {
    const taps = new Float32Array(kh * kw);
    for (let t = 0; t < kh * kw; t++) taps[t] = values[t * inC * outC + f]; // first input channel
    const cell = grayImage(taps, kw, kh, 12);
    cell.title = `${conv.name} filter ${f}`;
    cells.push(cell);
  }
  container.replaceChildren(...cells);
}

/** The digit's feature maps after the first Conv2D (its activation included). */
export function showFeatureMaps(container: HTMLElement, model: Model, image: Tensor): void {
  const conv = firstConv(model);
  const maps = probe(model, conv.name, "playground feature maps").run(image);
  const [, h, w, channels] = maps.shape;
  const values = maps.data() as Float32Array;
  container.replaceChildren(
    ...Array.from({ length: channels }, (_, c) => {
      const cell = grayImage(channelOf(values, h * w, channels, c), w, h, 2);
      cell.title = `${conv.name} map ${c}`;
      return cell;
    }),
  );
}

export interface AttackView {
  before: HTMLElement;
  after: HTMLElement;
  status: HTMLElement;
}

/** A one-pixel attack on the digit, shown as the clean and the changed image with the outcome. */
export function attackDigit(view: AttackView, model: Model, image: Tensor, label: number, pixels: number): { success: boolean } {
  const result = onePixelAttack(model, image, { pixels, trueClass: label, population: 200, generations: 40, valueRange: [0, 1], seed: 1 });
  view.before.replaceChildren(grayImage(image.data() as Float32Array, 28, 28, 4, [0, 1]));
  view.after.replaceChildren(grayImage(result.image.data() as Float32Array, 28, 28, 4, [0, 1]));
  const where = result.changes.map((c) => `(${c.x}, ${c.y}) to ${c.value.map((v) => v.toFixed(2)).join("/")}`).join(", ");
  const already =
    result.trueProbabilityBefore < 0.5 ? ` (the model got this digit wrong already: ${label} had ${(100 * result.trueProbabilityBefore).toFixed(0)}%)` : "";
  view.status.textContent = result.success
    ? `fooled: changing ${where} makes the model say ${result.predictedClass} (${(100 * result.predictedProbability).toFixed(0)}%); ${label} fell from ${(100 * result.trueProbabilityBefore).toFixed(0)}% to ${(100 * result.trueProbabilityAfter).toFixed(0)}%${already}`
    : `not fooled with ${pixels} pixel(s) in ${result.generations} generations: ${label} keeps ${(100 * result.trueProbabilityAfter).toFixed(0)}% (best try: ${where})`;
  view.status.dataset.success = String(result.success);
  return { success: result.success };
}
