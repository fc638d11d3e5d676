/**
 * Functional reverse-mode autodiff, in the manner of JAX: grad(f) and valueAndGrad(f)
 * differentiate f with respect to its first argument, which may be a tensor, a Variable, or an
 * array or object of them; the gradients come back in the same structure.
 */

import { add } from "../ops/arithmetic.js";
import { isPooled } from "../tensor/buffer-pool.js";
import { fill, zeros, zerosLike } from "../tensor/creation.js";
import { shapeToString } from "../tensor/shape.js";
import { newTape, reverseTopological, withTape } from "../tensor/tape.js";
import { isFloat32, type TapeMark, Tensor } from "../tensor/tensor.js";
import { GradientMap, giveBack, keptBuffers } from "./recycle.js";
import { Variable } from "./variable.js";

export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

function mapTree(tree: TensorTree, f: (t: Tensor) => Tensor, path = "argument"): TensorTree {
  if (tree instanceof Tensor) return f(tree);
  if (Array.isArray(tree)) return tree.map((t, i) => mapTree(t, f, `${path}[${i}]`));
  if (tree !== null && typeof tree === "object") {
    const out: Record<string, TensorTree> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = mapTree(v as TensorTree, f, `${path}.${k}`);
    return out;
  }
  throw new TypeError(`grad: ${path} must be a Tensor or an array or object of Tensors, got ${tree === null ? "null" : typeof tree}`);
}

/** The tensors a walk (mapTree, which checks the structure, or mapTensors, which skips other values) visits, in order. */
function collect<X>(walk: (x: X, f: (t: Tensor) => Tensor) => unknown, x: X): Tensor[] {
  const out: Tensor[] = [];
  walk(x, (t) => {
    out.push(t);
    return t;
  });
  return out;
}

/**
 * Gradients of scalar `output` with respect to `wrt`, following the nodes recorded on `tape`.
 * With `recycle`, the step's buffers go back to the pool (recycle.ts): each gradient once spent,
 * then the forward intermediates; `recycle` lists the tensors whose buffers must stay.
 */
export function backprop(output: Tensor, wrt: readonly Tensor[], tape: TapeMark, recycle?: readonly Tensor[]): Tensor<"float32">[] {
  const order = reverseTopological(output, tape);
  // the op outputs and leaves, and the inner results fused ops saved for their backward
  const forward = [...order, ...order.flatMap((t) => (t.tape === tape ? (t.node?.saved ?? []) : []))];
  // small steps have nothing pooled (below the pool's size) and skip the bookkeeping
  const kept = recycle && forward.some((t) => isPooled(t.values)) ? keptBuffers(order, recycle) : null;
  // while gradients flow, the forward buffers are still read by the nodes' backward functions
  const grads = new GradientMap(kept && new Set([...kept, ...forward.map((t) => t.values.buffer)]));
  grads.set(output, fill(output.shape, 1));
  const keep = new Set(wrt);
  withTape(null, () => {
    for (const t of order) {
      const g = grads.get(t);
      if (!g || !t.node || t.tape !== tape) continue;
      // intermediate gradients are dropped once used; only the leaves' are kept
      if (!keep.has(t)) grads.delete(t);
      const needs = t.node.inputs.map((x) => x.tape === tape);
      const inputGrads = t.node.backward(g, needs);
      const spent = [g]; // gradients that, once summed or passed on, nothing reads again
      t.node.inputs.forEach((x, i) => {
        const gi = inputGrads[i];
        if (!gi || x.tape !== tape) return;
        const prev = grads.get(x);
        if (prev) spent.push(prev, gi);
        grads.set(x, prev ? add(prev, gi) : gi);
      });
      if (!keep.has(t)) grads.recycle(spent);
    }
  });
  const result = wrt.map((x) => grads.get(x) ?? zeros(x.shape));
  if (kept) {
    for (const g of result) kept.add(g.values.buffer);
    giveBack(forward, kept);
  }
  return result;
}

export interface ValueAndGrad<G> {
  value: Tensor<"float32">;
  grads: G;
}

/** With `hasAux`, f returns [value, aux]: aux comes back beside the value, detached from the tape (JAX's has_aux). */
export interface ValueAndGradAux<G, X> extends ValueAndGrad<G> {
  aux: X;
}

/** `x` with f applied to its tensors, at any depth of arrays and plain objects; other values as they are. */
function mapTensors<X>(x: X, f: (t: Tensor) => Tensor): X {
  if (x instanceof Tensor) return f(x) as X;
  if (Array.isArray(x)) return x.map((v) => mapTensors(v, f)) as X;
  if (x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapTensors(v, f)])) as X;
  }
  return x;
}

/** Tensors in `x` as copies without tape or node. */
const detach = <X>(x: X): X => mapTensors(x, (t) => new Tensor(t.values, t.shape, t.dtype));

/**
 * Returns a function computing f's value and its gradient with respect to the first argument.
 * f must return a scalar (one-element) float32 tensor, or with `{ hasAux: true }` a pair
 * [scalar, aux] whose aux (predictions, per-output losses, ...) is returned beside the value.
 * Plain tensors are differentiated as the arguments f receives; Variables are watched directly,
 * so closures that read them count too.
 */
export function valueAndGrad<A extends TensorTree, R extends unknown[]>(
  f: (x: A, ...rest: R) => Tensor,
  options?: { hasAux?: false; recycle?: boolean },
): (x: A, ...rest: R) => ValueAndGrad<A>;
export function valueAndGrad<A extends TensorTree, R extends unknown[], X>(
  f: (x: A, ...rest: R) => readonly [Tensor, X],
  options: { hasAux: true; recycle?: boolean },
): (x: A, ...rest: R) => ValueAndGradAux<A, X>;
export function valueAndGrad<A extends TensorTree, R extends unknown[], X>(
  f: (x: A, ...rest: R) => Tensor | readonly [Tensor, X],
  options: { hasAux?: boolean; recycle?: boolean } = {},
): (x: A, ...rest: R) => ValueAndGrad<A> | ValueAndGradAux<A, X> {
  const hasAux = options.hasAux ?? false;
  return (x: A, ...rest: R) => {
    const tape = newTape();
    const restore: [Variable, TapeMark | null][] = [];
    const watched = mapTree(x, (t) => {
      if (!isFloat32(t)) throw new TypeError(`grad: can only differentiate with respect to float32 tensors, got ${t.dtype}`);
      if (t instanceof Variable) {
        restore.push([t, t.tape]);
        t.tape = tape;
        return t;
      }
      const alias = new Tensor(t.values, t.shape, t.dtype);
      alias.tape = tape;
      return alias;
    }) as A;
    try {
      const out = withTape(tape, () => f(watched, ...rest));
      if (hasAux && !(Array.isArray(out) && out.length === 2)) throw new TypeError("grad: with hasAux, f must return [value, aux]");
      const value = hasAux ? (out as readonly [Tensor, X])[0] : out;
      if (!(value instanceof Tensor)) throw new TypeError(`grad: f must return a Tensor, got ${typeof value}`);
      if (value.size !== 1 || !isFloat32(value)) {
        throw new RangeError(`grad: f must return a scalar float32 tensor, got ${value.dtype} of shape ${shapeToString(value.shape)}`);
      }
      const leaves = collect(mapTree, watched);
      // recycle (fit's training step, filter visualization's): intermediates nothing outside can hold go back to the pool
      const keep = options.recycle ? [value, ...collect(mapTensors, hasAux ? (out as readonly [Tensor, X])[1] : [])] : undefined;
      const grads = value.tape === tape ? backprop(value, leaves, tape, keep) : leaves.map((l) => zerosLike(l));
      let i = 0;
      const structured = mapTree(watched, () => grads[i++]) as A;
      const result = { value: new Tensor(value.values, value.shape, value.dtype), grads: structured };
      return hasAux ? { ...result, aux: detach((out as readonly [Tensor, X])[1]) } : result;
    } finally {
      for (const [v, prev] of restore) v.tape = prev;
    }
  };
}

/** The gradient of f with respect to its first argument, in that argument's structure. */
export function grad<A extends TensorTree, R extends unknown[]>(f: (x: A, ...rest: R) => Tensor): (x: A, ...rest: R) => A {
  const vg = valueAndGrad(f);
  return (x: A, ...rest: R) => vg(x, ...rest).grads;
}

/** Runs fn without recording gradients (inference). */
export function noGrad<T>(fn: () => T): T {
  return withTape(null, fn);
}
