/** The entry of a functional graph: Input() returns a symbolic tensor of the given sample shape. */
import type { DType } from "../tensor/dtype.js";
import { Layer, type LayerNode, type LayerOutput, SymbolicTensor, type SymShape, uniqueName } from "./layer.js";

export interface InputArgs {
  /** Shape of one sample, without the batch (dimensions may be null for any size). */
  shape: (number | null)[];
  batchSize?: number;
  name?: string;
  dtype?: DType;
}

export class InputLayer extends Layer {
  static override readonly className = "InputLayer";
  readonly inputArgs: InputArgs;

  constructor(args: InputArgs) {
    if (!args || !Array.isArray(args.shape)) throw new TypeError("Input: expected { shape: [...] } (the shape of one sample, without the batch)");
    for (const d of args.shape) {
      if (d !== null && (!Number.isInteger(d) || d <= 0))
        throw new RangeError(`Input: shape dimensions must be positive integers or null, got [${args.shape.join(", ")}]`);
    }
    super({ name: args.name ?? uniqueName("input", true), dtype: args.dtype });
    this.inputArgs = args;
    this.built = true;
    const node: LayerNode = { layer: this, inputs: [], outputs: [] };
    node.outputs = [new SymbolicTensor([args.batchSize ?? null, ...args.shape], args.dtype ?? "float32", node, 0)];
    this.inboundNodes.push(node);
  }

  /** The symbolic tensor this input provides. */
  override get output(): SymbolicTensor {
    return this.inboundNodes[0].outputs[0];
  }

  call(inputs: LayerOutput): LayerOutput {
    return inputs;
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape | SymShape[] {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, shape: this.inputArgs.shape, ...(this.inputArgs.dtype ? { dtype: this.inputArgs.dtype } : {}) };
  }
}

/** keras.Input: a symbolic input of the given sample shape. */
export function Input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
}
