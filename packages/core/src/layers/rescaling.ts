/** Rescaling: x * scale + offset (e.g. 1/255 to bring pixels into [0, 1]). */
import { add, mul } from "../ops/arithmetic.js";
import { cast } from "../ops/compare.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, single, singleShape } from "./layer.js";

export interface RescalingArgs extends LayerArgs {
  scale: number;
  offset?: number;
}

export class Rescaling extends Layer {
  static override readonly className = "Rescaling";
  readonly scale: number;
  readonly offset: number;

  constructor(args: RescalingArgs) {
    super(args);
    if (typeof args?.scale !== "number" || !Number.isFinite(args.scale)) throw new TypeError(`${this.who}: scale must be a finite number, got ${args?.scale}`);
    this.scale = args.scale;
    this.offset = args.offset ?? 0;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const y = mul(x.dtype === "float32" ? x : cast(x, "float32"), this.scale);
    return this.offset ? add(y, this.offset) : y;
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
