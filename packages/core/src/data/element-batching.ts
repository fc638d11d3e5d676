/** Elements to batches and back: stacking examples along a new first axis, and cutting batches into rows. */
import { reshape, slice, stack } from "../ops/shape.js";
import { shapeToString } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Example } from "./dataset.js";

/** Row i of t, without the batch axis. */
export function row(t: Tensor, i: number): Tensor {
  return reshape(slice(t, [i, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1)]), t.shape.slice(1));
}

function stackField(items: unknown[], who: string): Tensor | Tensor[] {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[], 0);
  if (Array.isArray(first))
    return first.map((_, i) =>
      stack(
        items.map((it) => (it as Tensor[])[i]),
        0,
      ),
    );
  throw new TypeError(`Dataset.batch: ${who} must be tensors or lists of tensors`);
}

/** The rows of a batch (a tensor, a list of tensors or an Example), one element per row. */
export function splitRows(el: unknown): unknown[] {
  const fields: Tensor[] = [];
  const collect = (v: unknown) => (Array.isArray(v) ? fields.push(...(v as Tensor[])) : v instanceof Tensor && fields.push(v));
  const ex = el instanceof Tensor || Array.isArray(el) ? null : (el as Example);
  if (ex) for (const v of [ex.x, ex.y, ex.sampleWeight]) collect(v);
  else collect(el);
  if (fields.length === 0 || fields.some((t) => t.rank === 0))
    throw new TypeError("Dataset.unbatch: elements must be tensors of rank >= 1 (or lists or Examples of them)");
  const n = fields[0].shape[0];
  const bad = fields.find((t) => t.shape[0] !== n);
  if (bad) throw new RangeError(`Dataset.unbatch: tensors of one element disagree on the batch size: ${n} vs ${shapeToString(bad.shape)}`);
  const at = (v: Tensor | Tensor[], i: number) => (Array.isArray(v) ? v.map((t) => row(t, i)) : row(v, i));
  return Array.from({ length: n }, (_, i) => {
    if (!ex) return at(el as Tensor | Tensor[], i);
    const out: Example = { x: at(ex.x, i) };
    if (ex.y !== undefined) out.y = at(ex.y, i);
    if (ex.sampleWeight !== undefined) out.sampleWeight = row(ex.sampleWeight, i);
    return out;
  });
}

/** One batch of elements (tensors, lists of tensors or Examples), stacked field by field. */
export function stackElements(items: unknown[]): unknown {
  const first = items[0];
  if (first instanceof Tensor || Array.isArray(first)) return stackField(items, "elements");
  const examples = items as Example[];
  const out: Example = {
    x: stackField(
      examples.map((e) => e.x),
      "x",
    ),
  };
  if (examples[0].y !== undefined)
    out.y = stackField(
      examples.map((e) => e.y),
      "y",
    );
  if (examples[0].sampleWeight !== undefined)
    out.sampleWeight = stack(
      examples.map((e) => e.sampleWeight!),
      0,
    );
  return out;
}
