/**
 * What the functional API builds before any data flows: symbolic tensors (a shape with the batch
 * as null, and the layer call that produces it), Keras's automatic layer names, and shape
 * helpers shared by every layer.
 */
import type { DType } from "../tensor/dtype.js";
import type { Layer } from "./layer.js";

/** A shape whose batch dimension (or any other) may be unknown: null. */
export type SymShape = (number | null)[];

export interface LayerNode {
  layer: Layer;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
}

let symbolicIds = 0;

/** A placeholder in a functional graph: a shape (batch None) and where it comes from. */
export class SymbolicTensor {
  readonly id = symbolicIds++;
  constructor(
    readonly shape: SymShape,
    readonly dtype: DType,
    /** The layer call that produced it (an InputLayer's for inputs). */
    readonly node: LayerNode,
    readonly index: number,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  get name(): string {
    return this.node.outputs.length > 1 ? `${this.node.layer.name}:${this.index}` : this.node.layer.name;
  }
}

const nameCounts = new Map<string, number>();

/**
 * Keras's automatic names: dense, dense_1, dense_2, ... per prefix; one-based (input_1,
 * input_2, ...) for inputs, as Keras 2 names them.
 */
export function uniqueName(prefix: string, oneBased = false): string {
  const n = nameCounts.get(prefix) ?? 0;
  nameCounts.set(prefix, n + 1);
  if (oneBased) return `${prefix}_${n + 1}`;
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Forgets automatic names (Keras's clear_session): the next Dense is 'dense' again. */
export function clearSession(): void {
  nameCounts.clear();
}

/** Keras's to_snake_case: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d, LeakyReLU -> leaky_re_lu. */
export function snakeCase(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z0-9]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

export function shapeString(shape: SymShape | readonly number[]): string {
  return `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}${shape.length === 1 ? "," : ""})`;
}

export function isShapeList(s: SymShape | SymShape[]): s is SymShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

/** The single shape of a one-input layer (errors name the layer when given several). */
export function singleShape(shape: SymShape | SymShape[], who: string): SymShape {
  if (isShapeList(shape)) throw new RangeError(`${who}: expects one input, got ${shape.length}`);
  return shape;
}
