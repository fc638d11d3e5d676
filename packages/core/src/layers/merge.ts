/** Merging layers of several inputs: Add, Subtract, Multiply, Average, Concatenate. */
import { add, maximum, minimum, mul, sub } from "../ops/arithmetic.js";
import { concat } from "../ops/shape.js";
import { normalizeAxis } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, isShapeList, Layer, type LayerArgs, type LayerOutput, type Mask, type Masks, type SymShape, shapeString } from "./layer.js";
import { combineMasks } from "./masking.js";

function inputList(inputs: LayerOutput, who: string, min = 2): Tensor[] {
  if (!Array.isArray(inputs) || inputs.length < min) throw new RangeError(`${who}: expects a list of at least ${min} inputs`);
  return inputs;
}

function shapeList(shape: SymShape | SymShape[], who: string): SymShape[] {
  if (!isShapeList(shape) || shape.length < 2) throw new RangeError(`${who}: expects a list of at least 2 inputs`);
  return shape;
}

/** A merged output is masked where any input is (Keras's Merge.compute_mask). */
abstract class MergeLayer extends Layer {
  override computeMask(_inputs: LayerOutput, mask: Masks | null): Mask {
    return combineMasks(mask);
  }
}

/** Elementwise merges: all inputs must have one shape (broadcasting aside). */
abstract class ElementwiseMerge extends MergeLayer {
  protected abstract merge(xs: Tensor[]): Tensor;

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return this.merge(inputList(inputs, this.who));
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shapes = shapeList(inputShape, this.who);
    const first = shapes[0];
    for (const s of shapes) {
      if (s.length !== first.length || s.some((d, i) => d !== null && first[i] !== null && d !== first[i])) {
        throw new RangeError(`${this.who}: inputs must have the same shape, got ${shapes.map(shapeString).join(" and ")}`);
      }
    }
    return first.map((d, i) => d ?? shapes.find((s) => s[i] !== null)?.[i] ?? null);
  }
}

/** x0 op x1 op x2 ...: the merges of a binary op applied left to right. */
const fold = (xs: Tensor[], op: (a: Tensor, b: Tensor) => Tensor): Tensor => xs.slice(1).reduce(op, xs[0]);

export class Add extends ElementwiseMerge {
  static override readonly className = "Add";
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, add);
  }
}

export class Multiply extends ElementwiseMerge {
  static override readonly className = "Multiply";
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, mul);
  }
}

export class Average extends ElementwiseMerge {
  static override readonly className = "Average";
  protected merge(xs: Tensor[]): Tensor {
    return mul(fold(xs, add), 1 / xs.length);
  }
}

export class Subtract extends ElementwiseMerge {
  static override readonly className = "Subtract";
  protected merge(xs: Tensor[]): Tensor {
    if (xs.length !== 2) throw new RangeError(`${this.who}: expects exactly 2 inputs, got ${xs.length}`);
    return sub(xs[0], xs[1]);
  }
}

/** Elementwise maximum of the inputs (keras.layers.Maximum); the gradient goes to the larger input. */
export class Maximum extends ElementwiseMerge {
  static override readonly className = "Maximum";
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, maximum);
  }
}

/** Elementwise minimum of the inputs (keras.layers.Minimum). */
export class Minimum extends ElementwiseMerge {
  static override readonly className = "Minimum";
  protected merge(xs: Tensor[]): Tensor {
    return fold(xs, minimum);
  }
}

export class Concatenate extends MergeLayer {
  static override readonly className = "Concatenate";
  readonly axis: number;

  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return concat(inputList(inputs, this.who), this.axis);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shapes = shapeList(inputShape, this.who);
    const rank = shapes[0].length;
    const a = normalizeAxis(this.axis, rank, this.who);
    for (const s of shapes) {
      if (s.length !== rank || s.some((d, i) => i !== a && i !== 0 && d !== null && shapes[0][i] !== null && d !== shapes[0][i])) {
        throw new RangeError(`${this.who}: inputs must match except on axis ${this.axis}, got ${shapes.map(shapeString).join(" and ")}`);
      }
    }
    const out = [...shapes[0]];
    out[a] = shapes.some((s) => s[a] === null) ? null : shapes.reduce((acc, s) => acc + (s[a] as number), 0);
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
