import { assertOnHost, readArrays, staleOn } from "./device.js";
import type { DataFor, DType } from "./dtype.js";
import { type Shape, shapeToString, sizeOf } from "./shape.js";
import { isSlabCarved } from "./small-arrays.js";

/** A recorded operation: the tensors it read and how to turn the output's gradient into theirs. */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /**
   * Returns one gradient per input (null where the input gets none). `needs[i]` says whether
   * input i wants one, so that expensive gradients nobody uses (a convolution's input image)
   * can be skipped.
   */
  readonly backward: (dy: Tensor<"float32">, needs: readonly boolean[]) => (Tensor<"float32"> | null)[];
  /**
   * Intermediates the backward reads that are no tensor on the tape (the inner results of an op
   * that runs several steps as one, such as a convolution with its max pool): a training step
   * gives their buffers back with the other forward intermediates once its gradients are done.
   */
  readonly saved?: readonly Tensor[];
}

/** Identity of an active gradient tape; tensors it watches carry it in `tape`. */
export interface TapeMark {
  readonly id: number;
}

export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array: row-major, contiguous, backed by a typed array that the garbage
 * collector frees like any other object (no dispose()). Generic in its dtype, so that the
 * storage's type follows: a Tensor<"float32"> holds a Float32Array.
 */
export class Tensor<D extends DType = DType> {
  /** @internal the storage; shared by reshapes of this tensor */
  values: DataFor<D>;
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly size: number;
  /** @internal the tape that watches this tensor, if any */
  tape: TapeMark | null = null;
  /** @internal how this tensor was computed, when a tape recorded it */
  node: GradNode | null = null;

  /** Internal constructor: trusts its arguments. Users call `tensor()` and friends. */
  constructor(values: DataFor<D>, shape: Shape, dtype: D) {
    this.values = values;
    this.shape = shape as number[];
    this.dtype = dtype;
    this.size = values.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /**
   * The backing typed array, without a copy: writing to it changes the tensor. A small tensor's
   * values move out of the shared slab on the first call, so transferring its buffer never detaches
   * kerno's other small tensors (a tensor made from a view of your own buffer still shares that
   * buffer with whatever else you keep in it); to hand a worker the data
   * and keep the tensor, transfer a copy: `const v = x.data().slice(); worker.postMessage(v, [v.buffer])`.
   */
  data(): DataFor<D> {
    assertOnHost(this.values, "data()");
    return this.sharedValues();
  }

  /**
   * @internal the storage, out of the small-array slab, for a view that shares it (reshape): wherever
   * the values are, even on a device.
   */
  sharedValues(): DataFor<D> {
    if (isSlabCarved(this.values)) this.values = this.values.slice() as DataFor<D>;
    return this.values;
  }

  /**
   * The values, once they are on the CPU: a backend that keeps tensors on a GPU (webgpu) computes
   * asynchronously, and its tensors are read this way (data() throws for them until then).
   * Elsewhere the same as data().
   */
  async dataAsync(): Promise<DataFor<D>> {
    await readArrays([this.values]);
    return this.data();
  }

  /** The float32 data, as data(), typed for code that holds a plain Tensor; other dtypes throw. */
  floats(): Float32Array {
    if (!isFloat32(this)) throw new TypeError(`floats(): the tensor is ${this.dtype}, not float32`);
    return this.data() as Float32Array;
  }

  /** The int32 data, as data(); other dtypes throw. */
  ints(): Int32Array {
    if (!isInt32(this)) throw new TypeError(`ints(): the tensor is ${this.dtype}, not int32`);
    return this.data() as Int32Array;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item(): tensor of shape ${shapeToString(this.shape)} has ${this.size} elements, expected 1`);
    assertOnHost(this.values, "item()");
    return this.values[0];
  }

  /** Nested JavaScript arrays (booleans for bool tensors). */
  toArray(): NestedArray {
    assertOnHost(this.values, "toArray()");
    const v = this.values;
    const asBool = this.dtype === "bool";
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return asBool ? v[offset] !== 0 : v[offset];
      const n = this.shape[dim];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    if (staleOn(this.values)) return `Tensor(${this.dtype}, ${shapeToString(this.shape)}) [on the ${staleOn(this.values)!.name} device]`;
    const preview = Array.from(this.values.subarray(0, 8)).map((x) => +x.toPrecision(5));
    return `Tensor(${this.dtype}, ${shapeToString(this.shape)}) [${preview.join(", ")}${this.size > 8 ? ", ..." : ""}]`;
  }
}

/** Narrows a tensor's type to its runtime dtype (so that its values are typed too). */
export function hasDType<D extends DType>(x: Tensor, dtype: D): x is Tensor<D> {
  return x.dtype === dtype;
}

export const isFloat32 = (x: Tensor): x is Tensor<"float32"> => hasDType(x, "float32");
export const isInt32 = (x: Tensor): x is Tensor<"int32"> => hasDType(x, "int32");
export const isBool = (x: Tensor): x is Tensor<"bool"> => hasDType(x, "bool");

/** Where a public API received something that is not a Tensor. */
export function assertTensor(x: unknown, who: string, what = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${who}: ${what} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  // a transferred buffer reads as empty: kernels would return empty or stale results without a word
  if (x.values.length !== x.size)
    throw new TypeError(
      `${who}: ${what} of shape ${shapeToString(x.shape)} has no data: its buffer was transferred or detached (hand workers a copy: x.data().slice())`,
    );
}
