/** ZeroPadding2D: zeros around the height and width of images [batch, h, w, channels], as Keras. */
import { pad } from "../ops/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";

export interface ZeroPadding2DArgs extends LayerArgs {
  /** n (all sides), [rows, cols] (symmetric) or [[top, bottom], [left, right]]. */
  padding?: number | [number, number] | [[number, number], [number, number]];
}

export class ZeroPadding2D extends Layer {
  static override readonly className = "ZeroPadding2D";
  readonly padding: [[number, number], [number, number]];

  constructor(override readonly args: ZeroPadding2DArgs = {}) {
    super(args);
    const p = args.padding ?? 1;
    this.padding =
      typeof p === "number"
        ? [
            [p, p],
            [p, p],
          ]
        : typeof p[0] === "number"
          ? [
              [p[0] as number, p[0] as number],
              [p[1] as number, p[1] as number],
            ]
          : (p as [[number, number], [number, number]]);
    if (!this.padding.flat().every((v) => Number.isInteger(v) && v >= 0))
      throw new RangeError(`${this.who}: padding must be non-negative integers, got ${JSON.stringify(p)}`);
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape.length !== 4) throw new RangeError(`${this.who}: expected images of rank 4 [batch, h, w, channels], got ${shapeString(shape)}`);
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const [[t, b], [l, r]] = this.padding;
    return pad(single(inputs, this.who), [
      [0, 0],
      [t, b],
      [l, r],
      [0, 0],
    ]);
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    const [batch, h, w, c] = singleShape(inputShape, this.who);
    const [[t, b], [l, r]] = this.padding;
    return [batch, h === null ? null : h + t + b, w === null ? null : w + l + r, c];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding };
  }
}
