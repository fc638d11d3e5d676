/** Embedding: integer token ids [batch, steps] to vectors [batch, steps, outputDim]; maskZero marks id 0 as padding. */

import { noGrad } from "../autodiff/grad.js";
import type { Variable } from "../autodiff/variable.js";
import { cast, notEqual } from "../ops/compare.js";
import { gather } from "../ops/shape.js";
import { staleOn } from "../tensor/device.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Initializer } from "./initializers.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type Mask, type SymShape, single, singleShape } from "./layer.js";
import { assertRegularizer, type Regularizer } from "./regularizers.js";

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: Initializer;
  embeddingsRegularizer?: Regularizer | null;
  maskZero?: boolean;
}

export class Embedding extends Layer {
  static override readonly className = "Embedding";
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  embeddings!: Variable;

  constructor(override readonly args: EmbeddingArgs) {
    super(args);
    for (const what of ["inputDim", "outputDim"] as const) {
      if (!Number.isInteger(args?.[what]) || args[what] <= 0) throw new RangeError(`${this.who}: ${what} must be a positive integer, got ${args?.[what]}`);
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.maskZero = args.maskZero ?? false;
  }

  override build(): void {
    this.embeddings = this.addWeight(
      "embeddings",
      [this.inputDim, this.outputDim],
      this.args.embeddingsInitializer ?? { name: "randomUniform", minval: -0.05, maxval: 0.05 },
      {
        regularizer: assertRegularizer(this.args.embeddingsRegularizer, this.who),
      },
    );
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    const x = single(inputs, this.who);
    const ids = x.dtype === "int32" ? x : cast(x, "int32");
    // the ids as the CPU has them: the cast ones, or x's own where a device made the cast (truncated
    // as the cast truncates); ids only on a device are not read back: an out-of-range id gathers zeros there
    const v = !staleOn(ids.values) ? ids.values : !staleOn(x.values) ? x.values : null;
    for (let i = 0; v && i < v.length; i++) {
      const id = Math.trunc(v[i]);
      if (!(id >= 0 && id < this.inputDim)) throw new RangeError(`${this.who}: token id ${x.values[i]} at position ${i} is outside [0, ${this.inputDim})`);
    }
    return gather(this.embeddings, ids, 0);
  }

  /** With maskZero, id 0 is padding: [batch, steps] bool, true for real tokens. */
  /** Token ids stay integers. */
  protected override get inputDtype(): null {
    return null;
  }

  override computeMask(inputs: LayerOutput): Mask {
    if (!this.maskZero) return null;
    const x = single(inputs, this.who);
    return noGrad(() => notEqual(cast(x, "int32"), 0));
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return [...singleShape(inputShape, this.who), this.outputDim];
  }

  protected override outputDtype() {
    return "float32" as const;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), inputDim: this.inputDim, outputDim: this.outputDim, maskZero: this.maskZero };
  }
}
