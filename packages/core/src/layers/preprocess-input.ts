/**
 * The ImageNet models' input conventions (Keras's imagenet_utils.preprocess_input modes), as a
 * function and as a layer, for pixels 0..255 in RGB order:
 * - "caffe" (VGG, ResNet50): RGB to BGR, then minus the ImageNet means [103.939, 116.779, 123.68];
 * - "tf" (MobileNetV2): scaled to [-1, 1];
 * - "torch": scaled to [0, 1], then normalized by the ImageNet means and deviations;
 * - "unit" (Tiny Darknet): scaled to [0, 1].
 */
import { div, mul, sub } from "../ops/arithmetic.js";
import { gather } from "../ops/shape.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type LayerOutput, type SymShape, shapeString, single, singleShape } from "./layer.js";

export const PREPROCESS_MODES = ["caffe", "tf", "torch", "unit"] as const;
export type PreprocessMode = (typeof PREPROCESS_MODES)[number];

const CAFFE_MEAN = tensor([103.939, 116.779, 123.68]);
const TORCH_MEAN = tensor([0.485, 0.456, 0.406]);
const TORCH_STD = tensor([0.229, 0.224, 0.225]);

export function preprocess(x: Tensor, mode: PreprocessMode): Tensor {
  if (x.shape[x.rank - 1] !== 3 && mode !== "unit" && mode !== "tf") {
    throw new RangeError(`preprocessInput: '${mode}' expects RGB images [..., 3], got [${x.shape.join(", ")}]`);
  }
  switch (mode) {
    case "caffe":
      return sub(gather(x, [2, 1, 0], x.rank - 1), CAFFE_MEAN);
    case "tf":
      return sub(mul(x, 1 / 127.5), 1);
    case "torch":
      return div(sub(mul(x, 1 / 255), TORCH_MEAN), TORCH_STD);
    case "unit":
      return mul(x, 1 / 255);
    default:
      throw new RangeError(`preprocessInput: unknown mode '${String(mode)}'; use ${PREPROCESS_MODES.join(", ")}`);
  }
}

export class PreprocessInput extends Layer {
  static override readonly className = "PreprocessInput";
  readonly mode: PreprocessMode;

  constructor(override readonly args: LayerArgs & { mode: PreprocessMode }) {
    super(args);
    if (!PREPROCESS_MODES.includes(args?.mode)) throw new RangeError(`${this.who}: mode must be one of ${PREPROCESS_MODES.join(", ")}, got '${args?.mode}'`);
    this.mode = args.mode;
  }

  call(inputs: LayerOutput, _o: CallOptions): Tensor {
    return preprocess(single(inputs, this.who), this.mode);
  }

  protected override checkInputShape(inputShape: SymShape | SymShape[]): void {
    const shape = singleShape(inputShape, this.who);
    if (shape[shape.length - 1] !== 3 && (this.mode === "caffe" || this.mode === "torch")) {
      throw new RangeError(`${this.who}: '${this.mode}' expects RGB images [..., 3], got ${shapeString(shape)}`);
    }
  }

  computeOutputShape(inputShape: SymShape | SymShape[]): SymShape {
    return singleShape(inputShape, this.who);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }
}
