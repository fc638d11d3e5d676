/** Dropout: in training, zeroes a random fraction `rate` of the inputs and scales the rest. */
import { dropout } from "../ops/dropout.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, single, singleShape } from "./layer.js";

export interface DropoutArgs extends LayerArgs {
  rate: number;
  /** Mask shape (null entries take the input's), e.g. [null, 1, 1, null] drops whole channels. */
  noiseShape?: (number | null)[];
  seed?: number;
}

export class Dropout extends Layer {
  static override readonly className = "Dropout";
  readonly rate: number;
  private calls = 0;

  constructor(override readonly args: DropoutArgs) {
    super(args);
    if (!(args?.rate >= 0 && args.rate < 1)) throw new RangeError(`${this.who}: rate must be in [0, 1), got ${args?.rate}`);
    this.rate = args.rate;
  }

  override get deterministic(): boolean {
    return this.rate === 0;
  }

  protected override get supportsMasking(): boolean {
    return true;
  }

  call(inputs: LayerOutput, options: CallOptions): Tensor {
    const x = single(inputs, this.who);
    if (!options.training || this.rate === 0) return x;
    const noiseShape = this.args.noiseShape?.map((d, i) => d ?? x.shape[i]);
    // a seeded layer draws a new mask each call, reproducibly
    const seed = this.args.seed === undefined ? undefined : this.args.seed + this.calls++;
    return dropout(x, this.rate, { noiseShape, seed });
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.args.noiseShape ?? null, seed: this.args.seed ?? null };
  }
}
