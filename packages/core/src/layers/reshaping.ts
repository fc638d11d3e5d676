/** Layers that only change shapes: Flatten and Reshape. */

import { reshape } from "../ops/shape.js";
import { inferReshape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";

export class Flatten extends Layer {
  static override readonly className = "Flatten";

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    return reshape(x, [x.shape[0], -1]);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = singleShape(inputShape, this.who);
    const rest = shape.slice(1);
    return [shape[0], rest.some((d) => d === null) ? null : rest.reduce<number>((a, b) => a * (b as number), 1)];
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** Target shape of one sample (without the batch); one entry may be -1. */
  targetShape: number[];
}

export class Reshape extends Layer {
  static override readonly className = "Reshape";
  readonly targetShape: number[];

  constructor(args: ReshapeArgs) {
    super(args);
    if (!Array.isArray(args?.targetShape)) throw new TypeError(`${this.who}: expected { targetShape: [...] }`);
    this.targetShape = args.targetShape;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const shape = singleShape(inputShape, this.who);
    const rest = shape.slice(1);
    if (rest.some((d) => d === null)) return [shape[0], ...this.targetShape.map((d) => (d === -1 ? null : d))];
    const size = rest.reduce<number>((a, b) => a * (b as number), 1);
    try {
      return [shape[0], ...inferReshape(size, this.targetShape, this.who, rest as number[])];
    } catch {
      throw new RangeError(
        `${this.who}: cannot reshape input ${shapeString(shape)} (${size} values per sample) into ${shapeString([null, ...this.targetShape])}`,
      );
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}
