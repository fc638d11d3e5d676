/**
 * Reverse-mode recording. While a tape is active, every op whose inputs include a watched tensor
 * stores a GradNode on its output; gradients flow back along those nodes. Nothing is recorded
 * when no tape is active, so inference pays nothing.
 * It lives beside Tensor, below the ops that record on it and the autodiff that reads it back.
 */
import type { GradNode, TapeMark, Tensor } from "./tensor.js";

let nextId = 1;
let active: TapeMark | null = null;

export function newTape(): TapeMark {
  return { id: nextId++ };
}

export function activeTape(): TapeMark | null {
  return active;
}

/** Runs fn with `tape` active (null: nothing recorded), restoring the previous tape. */
export function withTape<T>(tape: TapeMark | null, fn: () => T): T {
  const prev = active;
  active = tape;
  try {
    return fn();
  } finally {
    active = prev;
  }
}

/** Marks `output` as computed from `inputs` by `op` when any input is watched by the active tape. */
export function record<T extends Tensor>(op: string, inputs: readonly Tensor[], output: T, backward: GradNode["backward"], saved?: readonly Tensor[]): T {
  const t = active;
  if (t === null) return output;
  for (let i = 0; i < inputs.length; i++) {
    if (inputs[i].tape === t) {
      output.tape = t;
      output.node = saved ? { op, inputs, backward, saved } : { op, inputs, backward };
      return output;
    }
  }
  return output;
}

/** Tensors reachable backwards from `output` along this tape's nodes, outputs before inputs. */
export function reverseTopological(output: Tensor, tape: TapeMark): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // iterative DFS: deep networks and long unrolled sequences would overflow the JS stack
  const stack: [Tensor, number][] = [[output, 0]];
  seen.add(output);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node && t.tape === tape ? t.node.inputs : [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const x = inputs[i];
      if (!seen.has(x) && x.tape === tape) {
        seen.add(x);
        stack.push([x, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}
