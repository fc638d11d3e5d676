/** A mutable tensor: training updates its values in place; gradient tapes watch it directly. */
import { type DType } from "../tensor/dtype.js";
import { shapesEqual, shapeToString } from "../tensor/shape.js";
import { assertTensor, Tensor } from "../tensor/tensor.js";

let counter = 0;

export class Variable extends Tensor {
  name: string;
  trainable: boolean;

  constructor(initial: Tensor, options: { name?: string; trainable?: boolean; dtype?: DType } = {}) {
    assertTensor(initial, "Variable", "initial value");
    // own copy: the initial tensor stays immutable
    super(initial.values.slice(), [...initial.shape], initial.dtype);
    this.name = options.name ?? `variable_${counter++}`;
    this.trainable = options.trainable ?? true;
  }

  /** Copies `value` (same shape) into this variable. */
  assign(value: Tensor): this {
    assertTensor(value, `Variable '${this.name}'.assign`, "value");
    if (!shapesEqual(value.shape, this.shape)) {
      throw new RangeError(`Variable '${this.name}'.assign: expected shape ${shapeToString(this.shape)}, got ${shapeToString(value.shape)}`);
    }
    if (value.dtype !== this.dtype) throw new TypeError(`Variable '${this.name}'.assign: expected ${this.dtype}, got ${value.dtype}`);
    this.values.set(value.values);
    return this;
  }

  /** A snapshot of the current values as an ordinary tensor. */
  read(): Tensor {
    return new Tensor(this.values.slice(), this.shape, this.dtype);
  }
}

export function variable(initial: Tensor, options?: { name?: string; trainable?: boolean }): Variable {
  return new Variable(initial, options);
}
