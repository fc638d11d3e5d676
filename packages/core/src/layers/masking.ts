/**
 * Masks for variable-length sequences, as in Keras: Embedding(maskZero) and Masking make a
 * [batch, steps] bool mask (true: a real step) through computeMask; models carry it beside the
 * values to every later layer (Layer.computeMask), and recurrent layers skip the masked steps
 * (their state carries over).
 */
import { noGrad } from "../autodiff/grad.js";
import { mul } from "../ops/arithmetic.js";
import { cast, logicalAnd, notEqual } from "../ops/compare.js";
import { max } from "../ops/reduce.js";
import { reshape } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type Mask, type Masks, type SymShape, single, singleShape } from "./layer.js";

/** Steps where some feature differs from `value`: [batch, steps] bool (x is [batch, steps, features]). */
function stepsThatDiffer(x: Tensor, value: number): Tensor<"bool"> {
  return noGrad(() => cast(max(cast(notEqual(cast(x, "float32"), value), "float32"), -1), "bool"));
}

/** The AND of several inputs' masks (null where none has one), for layers that combine inputs. */
export function combineMasks(masks: Masks | null): Mask {
  const list = (Array.isArray(masks) ? masks : [masks]).filter((m): m is Tensor => m !== null);
  if (list.length === 0) return null;
  return noGrad(() => list.slice(1).reduce<Tensor>((acc, m) => logicalAnd(acc, m), cast(list[0], "bool")));
}

export interface MaskingArgs extends LayerArgs {
  maskValue?: number;
}

/** Marks steps where every feature equals maskValue as padding (and zeroes them, as Keras does). */
export class Masking extends Layer {
  static override readonly className = "Masking";
  readonly maskValue: number;

  constructor(override readonly args: MaskingArgs = {}) {
    super(args);
    this.maskValue = args.maskValue ?? 0;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const keep = cast(stepsThatDiffer(x, this.maskValue), "float32");
    return mul(x, reshape(keep, [...keep.shape, 1]));
  }

  override computeMask(inputs: LayerOutput): Mask {
    return stepsThatDiffer(single(inputs, this.who), this.maskValue);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}
