/**
 * Masks for variable-length sequences: Embedding(maskZero) and Masking mark padded steps; the
 * recurrent layer that receives their output skips those steps (its state carries over). The
 * mask travels beside the tensor (a WeakMap), so nothing else in the engine needs to know.
 */
import { add } from "../ops/arithmetic.js";
import { cast, notEqual } from "../ops/compare.js";
import { max } from "../ops/reduce.js";
import { noGrad } from "../autodiff/grad.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, single, singleShape, type SymShape } from "./layer.js";

const masks = new WeakMap<Tensor, Tensor>();

/** The [batch, steps] float mask (1 keep, 0 skip) attached to a sequence tensor, if any. */
export function maskOf(x: Tensor): Tensor | undefined {
  return masks.get(x);
}

export function setMask(x: Tensor, mask: Tensor): Tensor {
  masks.set(x, mask);
  return x;
}

/** Marks steps where every feature equals maskValue as padding. */
export class Masking extends Layer {
  static override readonly className = "Masking";
  readonly maskValue: number;

  constructor(args: LayerArgs & { maskValue?: number } = {}) {
    super(args);
    this.maskValue = args.maskValue ?? 0;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const mask = noGrad(() => max(cast(notEqual(x, this.maskValue), "float32"), -1));
    // a fresh tensor (x + 0, gradient intact), so the mask belongs to this layer's output only
    return setMask(add(x, 0), mask);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}

