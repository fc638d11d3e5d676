/**
 * Checks of inputs and targets before the first step, so that a wrong loss, a shape mismatch or
 * an out-of-range label fails with a clear message rather than deep inside a kernel.
 */
import { type SymShape, shapeString } from "../layers/symbolic.js";
import { staleOn } from "../tensor/device.js";
import { shapeToString } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Compiled } from "./compile.js";
import { sliceRows } from "./rows.js";

/** What the checks need of a model: its outputs' names and shapes (building a deferred model from `sample`). */
export interface OutputSpecs {
  outputSpecs(sample: Tensor[]): { name: string; shape: SymShape }[];
}

/** The number of samples (first dimension) shared by every tensor of xs. */
export function countOf(xs: Tensor[], who: string, what: string): number {
  if (xs.length === 0) throw new RangeError(`${who}: no ${what} given`);
  xs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${who}: ${what} ${i} must be a Tensor, got ${t === null ? "null" : typeof t}`);
  });
  const n = xs[0].rank === 0 ? 1 : xs[0].shape[0];
  for (const t of xs) {
    if (t.rank === 0 || t.shape[0] !== n) {
      throw new RangeError(`${who}: all ${what} need the same number of samples (first dimension), got ${xs.map((u) => shapeToString(u.shape)).join(" and ")}`);
    }
  }
  return n;
}

/** Checks targets against outputs and losses: shapes, label ranges, loss/output fit. */
export function checkTargets(model: OutputSpecs, compiled: Compiled, xs: Tensor[], ys: Tensor[], who: string): void {
  const specs = model.outputSpecs(xs.map((x) => sliceRows(x, 0, Math.min(1, x.shape[0]))));
  if (ys.length !== specs.length) throw new RangeError(`${who}: the model has ${specs.length} output(s) but ${ys.length} target array(s) were given`);
  specs.forEach(({ name, shape }, i) => {
    const y = ys[i],
      loss = compiled.losses[i];
    const width = shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    const perSample = y.rank <= 1 ? 1 : y.size / y.shape[0];
    const classes = shape[shape.length - 1] ?? 0;
    if (loss.kind === "sparse") {
      if (perSample !== width / Math.max(classes, 1)) {
        throw new RangeError(
          `${who}: sparse_categorical_crossentropy takes one integer label per sample; output '${name}' ${shapeString(shape)} needs targets of shape [n], got ${shapeToString(y.shape)}${perSample === classes ? " (one-hot targets: use categorical_crossentropy)" : ""}`,
        );
      }
      const v = y.values;
      // labels still on a device (a validation split a kernel cut from checked targets) are not read back for this
      const checked = staleOn(v) ? 0 : v.length;
      for (let j = 0; j < checked; j++) {
        if (!(v[j] >= 0 && v[j] < classes && Number.isInteger(v[j]))) {
          throw new RangeError(`${who}: labels must be integers in [0, ${classes}) for the ${classes}-way output '${name}'; found ${v[j]} at sample ${j}`);
        }
      }
    } else if (loss.kind === "binary" && width !== perSample) {
      const hint =
        width > 1 && perSample === 1
          ? ` For ${width} classes use sparse_categorical_crossentropy (integer labels) or categorical_crossentropy (one-hot), with a softmax output.`
          : "";
      throw new RangeError(
        `${who}: binary_crossentropy compares one probability per target: output '${name}' gives ${width} value(s) per sample but the targets have ${perSample}.${hint}`,
      );
    } else if ((loss.kind === "categorical" || loss.kind === "regression") && width !== perSample) {
      const hint = loss.kind === "categorical" && perSample === 1 ? " (integer labels: use sparse_categorical_crossentropy)" : "";
      throw new RangeError(
        `${who}: ${loss.name} needs targets with ${width} value(s) per sample to match output '${name}' ${shapeString(shape)}, got ${shapeToString(y.shape)}${hint}`,
      );
    }
  });
}
