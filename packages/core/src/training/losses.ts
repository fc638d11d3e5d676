/**
 * Losses with Keras's names. Each turns (yTrue, yPred) into one loss per sample; fit() averages
 * them with sample weights (Keras's sum-over-batch-size reduction). fromLogits says yPred are
 * logits; compile() switches a cross-entropy on a softmax or sigmoid output to its fromLogits
 * form and has the model return the logits (stable and exact, as Keras does).
 */
import { add, div, minimum, mul, neg, sub } from "../ops/arithmetic.js";
import { sum } from "../ops/broadcast.js";
import { cast } from "../ops/compare.js";
import { sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from "../ops/losses.js";
import { abs, clip, log, square } from "../ops/math.js";
import { mean } from "../ops/reduce.js";
import { reshape } from "../ops/shape.js";
import { staleOn } from "../tensor/device.js";
import { shapeToString, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

export type LossName =
  | "mse"
  | "mean_squared_error"
  | "mae"
  | "mean_absolute_error"
  | "huber"
  | "binary_crossentropy"
  | "categorical_crossentropy"
  | "sparse_categorical_crossentropy";

export interface Loss {
  readonly name: string;
  /** Per-sample losses, shape [batch]. */
  perSample(yTrue: Tensor, yPred: Tensor): Tensor;
  /** Whether this is a classification loss (for 'accuracy'): sparse, categorical or binary. */
  readonly kind: "sparse" | "categorical" | "binary" | "regression";
  readonly config: Record<string, unknown>;
}

const EPS = 1e-7;

/** Mean over every axis but the first: one value per sample. */
function perSampleMean(x: Tensor): Tensor {
  return x.rank <= 1
    ? x
    : mean(
        x,
        x.shape.slice(1).map((_, i) => i + 1),
      );
}

function assertSameShape(yTrue: Tensor, yPred: Tensor, who: string): void {
  if (yTrue.size !== yPred.size) {
    throw new RangeError(`${who}: targets ${shapeToString(yTrue.shape)} and predictions ${shapeToString(yPred.shape)} do not match`);
  }
}

function asFloatLike(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = yTrue.dtype === "float32" ? yTrue : cast(yTrue, "float32");
  return t.rank === yPred.rank ? t : reshape(t, yPred.shape);
}

export function meanSquaredError(): Loss {
  return {
    name: "mean_squared_error",
    kind: "regression",
    config: {},
    perSample(yTrue, yPred) {
      assertSameShape(yTrue, yPred, "mean_squared_error");
      return perSampleMean(square(sub(yPred, asFloatLike(yTrue, yPred))));
    },
  };
}

export function meanAbsoluteError(): Loss {
  return {
    name: "mean_absolute_error",
    kind: "regression",
    config: {},
    perSample(yTrue, yPred) {
      assertSameShape(yTrue, yPred, "mean_absolute_error");
      return perSampleMean(abs(sub(yPred, asFloatLike(yTrue, yPred))));
    },
  };
}

/** 0.5 e^2 where |e| <= delta, delta (|e| - 0.5 delta) beyond. */
export function huber(delta = 1): Loss {
  return {
    name: "huber",
    kind: "regression",
    config: { delta },
    perSample(yTrue, yPred) {
      assertSameShape(yTrue, yPred, "huber");
      const e = abs(sub(yPred, asFloatLike(yTrue, yPred)));
      const q = minimum(e, delta);
      return perSampleMean(add(mul(square(q), 0.5), mul(sub(e, q), delta)));
    },
  };
}

export function binaryCrossentropy(options: { fromLogits?: boolean } = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  return {
    name: "binary_crossentropy",
    kind: "binary",
    config: { fromLogits },
    perSample(yTrue, yPred) {
      assertSameShape(yTrue, yPred, "binary_crossentropy");
      const t = asFloatLike(yTrue, yPred);
      if (fromLogits) return perSampleMean(sigmoidCrossEntropyWithLogits(t, yPred));
      const p = clip(yPred, EPS, 1 - EPS);
      return perSampleMean(neg(add(mul(t, log(p)), mul(sub(1, t), log(sub(1, p))))));
    },
  };
}

export function categoricalCrossentropy(options: { fromLogits?: boolean } = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  return {
    name: "categorical_crossentropy",
    kind: "categorical",
    config: { fromLogits },
    perSample(yTrue, yPred) {
      if (yTrue.rank !== yPred.rank || yTrue.shape[yTrue.rank - 1] !== yPred.shape[yPred.rank - 1]) {
        throw new RangeError(
          `categorical_crossentropy: targets ${shapeToString(yTrue.shape)} must be one-hot like predictions ${shapeToString(yPred.shape)} (for integer labels use sparse_categorical_crossentropy)`,
        );
      }
      const t = yTrue.dtype === "float32" ? yTrue : cast(yTrue, "float32");
      if (fromLogits) return perSampleMean(softmaxCrossEntropyWithLogits(t, yPred));
      const p = clip(div(yPred, sum(yPred, -1, true)), EPS, 1 - EPS);
      return perSampleMean(neg(sum(mul(t, log(p)), -1)));
    },
  };
}

export function sparseCategoricalCrossentropy(options: { fromLogits?: boolean } = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  return {
    name: "sparse_categorical_crossentropy",
    kind: "sparse",
    config: { fromLogits },
    perSample(yTrue, yPred) {
      const classes = yPred.shape[yPred.rank - 1];
      const rows = sizeOf(yPred.shape.slice(0, -1));
      if (yTrue.size !== rows) {
        throw new RangeError(
          `sparse_categorical_crossentropy: expected one integer label per prediction row (${rows}), got targets ${shapeToString(yTrue.shape)} for predictions ${shapeToString(yPred.shape)}`,
        );
      }
      const labels = reshape(yTrue.dtype === "int32" ? yTrue : cast(yTrue, "int32"), yPred.shape.slice(0, -1));
      // (float labels still on a device are not read back for the check: a fraction gives a NaN loss there)
      if (yTrue.dtype === "float32" && !staleOn(yTrue.values)) {
        const v = yTrue.values;
        for (let i = 0; i < v.length; i++)
          if (!Number.isInteger(v[i])) throw new RangeError(`sparse_categorical_crossentropy: label ${v[i]} at position ${i} is not an integer class index`);
      }
      if (classes === 1)
        throw new RangeError(`sparse_categorical_crossentropy: predictions ${shapeToString(yPred.shape)} have a single class; use binary_crossentropy`);
      const logits = fromLogits ? yPred : log(clip(yPred, EPS, 1));
      return perSampleMean(sparseSoftmaxCrossEntropyWithLogits(labels, logits));
    },
  };
}

const BY_NAME: Record<string, () => Loss> = {
  mse: meanSquaredError,
  mean_squared_error: meanSquaredError,
  meanSquaredError,
  mae: meanAbsoluteError,
  mean_absolute_error: meanAbsoluteError,
  meanAbsoluteError,
  huber: () => huber(),
  binary_crossentropy: () => binaryCrossentropy(),
  binaryCrossentropy: () => binaryCrossentropy(),
  categorical_crossentropy: () => categoricalCrossentropy(),
  categoricalCrossentropy: () => categoricalCrossentropy(),
  sparse_categorical_crossentropy: () => sparseCategoricalCrossentropy(),
  sparseCategoricalCrossentropy: () => sparseCategoricalCrossentropy(),
};

export function getLoss(spec: string | Loss): Loss {
  if (typeof spec !== "string") return spec;
  const make = BY_NAME[spec];
  if (!make)
    throw new RangeError(
      `compile: unknown loss '${spec}'; use one of ${Object.keys(BY_NAME)
        .filter((k) => k.includes("_") || k === "mse" || k === "mae" || k === "huber")
        .join(", ")}`,
    );
  return make();
}

/** Rebuilds a loss from its saved name and config. */
export function lossFromConfig(name: string, config: Record<string, unknown>): Loss {
  switch (name) {
    case "huber":
      return huber(config.delta as number);
    case "binary_crossentropy":
      return binaryCrossentropy(config);
    case "categorical_crossentropy":
      return categoricalCrossentropy(config);
    case "sparse_categorical_crossentropy":
      return sparseCategoricalCrossentropy(config);
    default:
      return getLoss(name);
  }
}
