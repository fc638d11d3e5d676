/** The conformance suite's cases for elementwise maps, reductions and data movement (kernel-conformance.ts). */
import assert from "node:assert/strict";
import { BINARY_OPS, FUSED_ACTIVATIONS, type Kernels, REDUCE_OPS, UNARY_OPS } from "../../../src/backends/kernels.js";
import { BINARY_SHAPES, broadcastShape, close, js, REDUCE_SHAPES, randArray, randInts, size } from "../kernel-cases.js";
import type { Case } from "./cases.js";

export const ARRAY_CASES = {
  unary(n) {
    const x = randArray(1001, -3, 3),
      pos = randArray(1001, 0.1, 3);
    for (const op of UNARY_OPS) {
      const input = ["sqrt", "rsqrt", "log", "log1p", "reciprocal"].includes(op) ? pos : x;
      close(n.unary(op, input, 0.3), js.unary(op, input, 0.3), op);
    }
  },
  unaryGrad(n) {
    const x = randArray(1001, -3, 3),
      pos = randArray(1001, 0.1, 3),
      dy = randArray(1001);
    for (const op of UNARY_OPS) {
      const input = ["sqrt", "rsqrt", "log", "log1p", "reciprocal"].includes(op) ? pos : x;
      const y = js.unary(op, input, 0.3);
      close(n.unaryGrad(op, dy, input, y, 0.3), js.unaryGrad(op, dy, input, y, 0.3), `${op} grad`, 1e-4, 1e-5);
    }
  },
  binary(n) {
    for (const [as, bs] of BINARY_SHAPES) {
      const out = broadcastShape(as, bs);
      // small integers make the comparisons' ties (equal, greaterEqual, ...) actually happen
      const a = Float32Array.from(randInts(size(as), 4)),
        b = Float32Array.from(randInts(size(bs), 4), (v) => v + 0.5 * (v % 2));
      for (const op of BINARY_OPS) {
        const aa = op === "pow" ? randArray(size(as), 0.5, 2) : a;
        const bb = op === "div" || op === "pow" ? randArray(size(bs), 0.5, 2) : b;
        close(n.binary(op, aa, as, bb, bs, out), js.binary(op, aa, as, bb, bs, out), `${op} ${as} ${bs}`);
      }
      const ia = randInts(size(as), 5),
        ib = randInts(size(bs), 5);
      for (const op of BINARY_OPS)
        if (op !== "div" && op !== "pow") assert.deepEqual(n.binary(op, ia, as, ib, bs, out), js.binary(op, ia, as, ib, bs, out), `int32 ${op}`);
    }
  },
  where(n) {
    const cond = Uint8Array.from(randInts(24, 2)),
      a = randArray(24),
      b = randArray(4);
    assert.deepEqual(n.where(cond, [2, 3, 4], a, [2, 3, 4], b, [4], [2, 3, 4]), js.where(cond, [2, 3, 4], a, [2, 3, 4], b, [4], [2, 3, 4]));
  },
  cast(n) {
    const x = randArray(50, -5, 5);
    for (const dtype of ["float32", "int32", "bool"] as const) assert.deepEqual(n.cast(x, dtype), js.cast(x, dtype));
  },
  biasActivation(n) {
    const z = randArray(35 * 13),
      bias = randArray(13),
      scale = randArray(13);
    for (const act of FUSED_ACTIVATIONS) {
      close(n.biasActivation(z, bias, act), js.biasActivation(z, bias, act), act);
      close(n.biasActivation(z, null, act), js.biasActivation(z, null, act), `${act} without bias`);
      close(n.biasActivation(z, bias, act, scale), js.biasActivation(z, bias, act, scale), `${act} with a scale`);
      close(n.biasActivation(z, null, act, scale), js.biasActivation(z, null, act, scale), `${act} with a scale, without bias`);
    }
  },
  biasActivationGrad(n) {
    const z = randArray(35 * 13),
      bias = randArray(13);
    for (const act of FUSED_ACTIVATIONS) {
      const y = js.biasActivation(z, bias, act);
      for (const channels of [0, 13]) {
        const got = n.biasActivationGrad(z, y, act, channels),
          want = js.biasActivationGrad(z, y, act, channels);
        close(got.dz, want.dz, `${act} dz`);
        if (channels) close(got.db!, want.db!, `${act} db`, 1e-4, 1e-5);
        else assert.equal(got.db, null);
      }
    }
  },
  reduce(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES)
      for (const op of REDUCE_OPS) close(n.reduce(op, x, o, m, i), js.reduce(op, x, o, m, i), `${op} ${o},${m},${i}`, 1e-5, 1e-5);
  },
  argReduce(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES)
      for (const op of ["argmax", "argmin"] as const) assert.deepEqual(n.argReduce(op, x, o, m, i), js.argReduce(op, x, o, m, i));
  },
  cumsum(n) {
    const x = randArray(3 * 17 * 5);
    for (const [o, m, i] of REDUCE_SHAPES)
      for (const reverse of [false, true])
        close(n.cumsum(x, o, m, i, reverse), js.cumsum(x, o, m, i, reverse), `${o},${m},${i} reverse ${reverse}`, 1e-5, 1e-5);
  },
  bincount(n) {
    // values beyond the bins and negative ones are skipped by both
    const x = Int32Array.from(randArray(1000), (v) => Math.floor(v * 12) - 1);
    for (const length of [0, 1, 7, 30]) assert.deepEqual(n.bincount(x, length), js.bincount(x, length), `${length} bins`);
    // counts past float32's 2^24 stay exact
    assert.equal(n.bincount(new Int32Array(17_000_001), 1)[0], 17_000_001);
  },
  bincountWeights(n) {
    const x = Int32Array.from(randArray(1000), (v) => Math.floor(v * 12) - 1);
    const w = randArray(1000);
    for (const length of [0, 1, 7, 30]) close(n.bincountWeights(x, w, length), js.bincountWeights(x, w, length), `${length} bins`, 1e-5, 1e-5);
  },
  transpose(n) {
    for (const [shape, perm] of [
      [
        [3, 17, 5],
        [2, 0, 1],
      ],
      [
        [33, 65],
        [1, 0],
      ],
      [
        [2, 3, 4, 5],
        [0, 2, 3, 1],
      ],
    ] as [number[], number[]][]) {
      const t = randArray(size(shape));
      assert.deepEqual(n.transpose(t, shape, perm), js.transpose(t, shape, perm));
      const ti = randInts(size(shape), 100);
      assert.deepEqual(n.transpose(ti, shape, perm), js.transpose(ti, shape, perm));
    }
  },
  slice(n) {
    const x = randArray(4 * 5 * 6);
    assert.deepEqual(n.slice(x, [4, 5, 6], [1, 0, 2], [2, 5, 3]), js.slice(x, [4, 5, 6], [1, 0, 2], [2, 5, 3]));
  },
  pad(n) {
    const x = randArray(3 * 4);
    assert.deepEqual(
      n.pad(
        x,
        [3, 4],
        [
          [1, 2],
          [0, 3],
        ],
        0.5,
      ),
      js.pad(
        x,
        [3, 4],
        [
          [1, 2],
          [0, 3],
        ],
        0.5,
      ),
    );
  },
  concat(n) {
    const a = randArray(6),
      b = randArray(9);
    assert.deepEqual(
      n.concat(
        [a, b],
        [
          [3, 2],
          [3, 3],
        ],
        1,
      ),
      js.concat(
        [a, b],
        [
          [3, 2],
          [3, 3],
        ],
        1,
      ),
    );
  },
  gather(n) {
    const x = randArray(5 * 4),
      idx = Int32Array.of(4, 0, 0, 2);
    assert.deepEqual(n.gather(x, [5, 4], idx, 0), js.gather(x, [5, 4], idx, 0));
    assert.deepEqual(n.gather(x, [5, 4], Int32Array.of(3, 1), 1), js.gather(x, [5, 4], Int32Array.of(3, 1), 1));
  },
  scatterAdd(n) {
    const dy = randArray(4 * 4),
      idx = Int32Array.of(4, 0, 0, 2);
    assert.deepEqual(n.scatterAdd(dy, idx, [5, 4], 0), js.scatterAdd(dy, idx, [5, 4], 0));
  },
  tile(n) {
    const x = randArray(6);
    assert.deepEqual(n.tile(x, [2, 3], [3, 2]), js.tile(x, [2, 3], [3, 2]));
  },
  flip(n) {
    const x = randArray(24);
    assert.deepEqual(n.flip(x, [2, 3, 4], [0, 2]), js.flip(x, [2, 3, 4], [0, 2]));
  },
} satisfies Partial<Record<keyof Kernels, Case>>;
