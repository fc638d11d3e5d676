/** A mutable float32 tensor: training updates its values in place; gradient tapes watch it directly. */
import { assertOnHost, copyOnDevice, discardArrays } from "../tensor/device.js";
import { shapesEqual, shapeToString } from "../tensor/shape.js";
import { assertTensor, isFloat32, Tensor } from "../tensor/tensor.js";

let counter = 0;

function initialValues(initial: Tensor): Float32Array {
  assertTensor(initial, "Variable", "initial value");
  if (!isFloat32(initial)) throw new TypeError(`Variable: the initial value must be float32, got ${initial.dtype}`);
  assertOnHost(initial.values, "Variable");
  // own copy: the initial tensor stays immutable
  return initial.values.slice();
}

export class Variable extends Tensor<"float32"> {
  name: string;
  trainable: boolean;

  constructor(initial: Tensor, options: { name?: string; trainable?: boolean } = {}) {
    super(initialValues(initial), [...initial.shape], "float32");
    this.name = options.name ?? `variable_${counter++}`;
    this.trainable = options.trainable ?? true;
  }

  /** Copies `value` (same shape) into this variable. */
  assign(value: Tensor): this {
    assertTensor(value, `Variable '${this.name}'.assign`, "value");
    if (!shapesEqual(value.shape, this.shape)) {
      throw new RangeError(`Variable '${this.name}'.assign: expected shape ${shapeToString(this.shape)}, got ${shapeToString(value.shape)}`);
    }
    if (!isFloat32(value)) throw new TypeError(`Variable '${this.name}'.assign: expected float32, got ${value.dtype}`);
    // itself (a stopGradient or a reshape of it shares its array, or a view of all of it): nothing to copy
    if (value.values.buffer === this.values.buffer && value.values.byteOffset === this.values.byteOffset) return this;
    // values a device computed (webgpu: a moving average) are copied there, not read back
    if (copyOnDevice(this.values, value.values)) return this;
    discardArrays([this.values]);
    this.values.set(value.values);
    return this;
  }

  /** A snapshot of the current values as an ordinary tensor. */
  read(): Tensor<"float32"> {
    assertOnHost(this.values, `Variable '${this.name}'.read()`);
    return new Tensor(this.values.slice(), this.shape, this.dtype);
  }
}

export function variable(initial: Tensor, options?: { name?: string; trainable?: boolean }): Variable {
  return new Variable(initial, options);
}
