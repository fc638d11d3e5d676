/**
 * Bad input at the public API, by property: random shapes (rank 0 to 4, zero-size dimensions
 * included), dtypes, NaN and infinities, negative and out-of-range axes and indices, thrown at the
 * ops. Every call must either return the right shape with the values of the TypeScript reference
 * backend, or throw an Error whose message starts with the op's name: never a crash, a hang or a
 * wrong shape. (A crash in the native addon would take the whole test process down.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { withBackend } from "../../src/backends/registry.js";
import * as k from "../../src/index.js";
import type { DType } from "../../src/tensor/dtype.js";

const dims = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });
const value = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -5, max: 5, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0) },
);
const dtype = fc.constantFrom<DType>("float32", "float32", "int32", "bool");

interface Spec {
  shape: number[];
  dtype: DType;
  values: number[];
}
const tensorSpec = (shape = dims): fc.Arbitrary<Spec> =>
  fc
    .tuple(shape, dtype)
    .chain(([s, dt]) =>
      fc.array(value, { minLength: s.reduce((a, b) => a * b, 1), maxLength: s.reduce((a, b) => a * b, 1) }).map((values) => ({ shape: s, dtype: dt, values })),
    );
const make = (s: Spec) => k.tensor(Float32Array.from(s.values), s.shape, s.dtype);

/** Same values, NaN equal to NaN. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = b[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    assert.ok(x === y || Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y)), `${what}: element ${i}: ${x} vs ${y} on the reference`);
  }
}

/**
 * Runs `call` on the active backend and on the TypeScript reference. Both must throw an error
 * naming `op`, or both must return tensors of the expected shape (when given) and equal values.
 */
function checkCall(op: string, call: () => k.Tensor | k.Tensor[], expectedShape?: () => number[]): void {
  let got: k.Tensor[] | Error;
  try {
    const r = call();
    got = Array.isArray(r) ? r : [r];
  } catch (err) {
    got = err as Error;
  }
  if (got instanceof Error) {
    assert.ok(got.message.startsWith(op), `${op} threw an error that does not name it: ${got.message}`);
    return;
  }
  const want = withBackend("js", () => {
    const r = call();
    return Array.isArray(r) ? r : [r];
  });
  got.forEach((t, i) => {
    assert.ok(t instanceof k.Tensor, `${op}: returned a non-tensor`);
    assert.deepEqual([...t.shape], [...want[i].shape], `${op}: shape against the reference`);
    assert.equal(
      t.size,
      t.shape.reduce((a, b) => a * b, 1),
      `${op}: size and shape agree`,
    );
    sameValues(t.values, want[i].values, op);
  });
  if (expectedShape) assert.deepEqual([...got[0].shape], expectedShape(), `${op}: shape`);
}

const RUNS = { numRuns: 150, seed: 42 };

test("unary ops on any dtype, shape and value", () => {
  const ops: [string, (x: k.Tensor) => k.Tensor][] = [
    ["relu", k.relu],
    ["sigmoid", k.sigmoid],
    ["exp", k.exp],
    ["log", k.log],
    ["sqrt", k.sqrt],
    ["abs", k.abs],
    ["gelu", k.gelu],
    ["softplus", k.softplus],
    ["erf", k.erf],
    ["neg", k.neg],
  ];
  fc.assert(
    fc.property(tensorSpec(), fc.integer({ min: 0, max: ops.length - 1 }), (s, i) => {
      const [name, f] = ops[i];
      checkCall(
        name,
        () => f(make(s)),
        () => s.shape,
      );
    }),
    RUNS,
  );
});

test("binary ops broadcast by NumPy's rules or name both shapes", () => {
  const ops: Record<string, (a: k.Tensor, b: k.Tensor) => k.Tensor> = {
    add: k.add,
    sub: k.sub,
    mul: k.mul,
    div: k.div,
    maximum: k.maximum,
    minimum: k.minimum,
    pow: k.pow,
    equal: k.equal,
    greater: k.greater,
    lessEqual: k.lessEqual,
  };
  fc.assert(
    fc.property(tensorSpec(), tensorSpec(), fc.constantFrom(...Object.keys(ops)), (a, b, op) => {
      checkCall(op, () => ops[op](make(a), make(b)));
    }),
    RUNS,
  );
});

test("reductions over any axes, negative and out of range included", () => {
  const ops: Record<string, typeof k.sum> = { sum: k.sum, mean: k.mean, max: k.max, min: k.min, logSumExp: k.logSumExp, variance: k.variance };
  fc.assert(
    fc.property(
      tensorSpec(),
      fc.array(fc.integer({ min: -5, max: 4 }), { maxLength: 3 }),
      fc.boolean(),
      fc.constantFrom(...Object.keys(ops)),
      (s, axes, keep, op) => {
        checkCall(op, () => ops[op](make(s), axes.length ? axes : undefined, keep));
      },
    ),
    RUNS,
  );
  fc.assert(
    fc.property(tensorSpec(), fc.integer({ min: -5, max: 4 }), fc.boolean(), (s, axis, isMax) => {
      checkCall(isMax ? "argmax" : "argmin", () => (isMax ? k.argmax : k.argmin)(make(s), axis));
    }),
    RUNS,
  );
});

test("shape ops: reshape, transpose, slice, gather, concat, pad, tile, flip, softmax", () => {
  fc.assert(
    fc.property(tensorSpec(), fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 4 }), (s, target) => {
      checkCall("reshape", () => k.reshape(make(s), target));
    }),
    RUNS,
  );
  fc.assert(
    fc.property(tensorSpec(), fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }), (s, perm) => {
      checkCall("transpose", () => k.transpose(make(s), perm));
    }),
    RUNS,
  );
  fc.assert(
    fc.property(
      tensorSpec(),
      fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 4 }),
      fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
      (s, b, z) => {
        checkCall("slice", () => k.slice(make(s), b, z));
      },
    ),
    RUNS,
  );
  fc.assert(
    fc.property(tensorSpec(), fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 5 }), fc.integer({ min: -4, max: 4 }), (s, idx, axis) => {
      checkCall("gather", () => k.gather(make(s), idx, axis));
    }),
    RUNS,
  );
  fc.assert(
    fc.property(tensorSpec(), tensorSpec(), fc.integer({ min: -4, max: 4 }), (a, b, axis) => {
      checkCall("concat", () => k.concat([make(a), make(b)], axis));
    }),
    RUNS,
  );
  fc.assert(
    fc.property(tensorSpec(), fc.array(fc.tuple(fc.integer({ min: -1, max: 2 }), fc.integer({ min: 0, max: 2 })), { maxLength: 4 }), (s, p) => {
      checkCall("pad", () => k.pad(make(s), p));
    }),
    RUNS,
  );
  fc.assert(
    fc.property(tensorSpec(), fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 4 }), (s, reps) => {
      checkCall("tile", () => k.tile(make(s), reps));
    }),
    RUNS,
  );
  fc.assert(
    fc.property(tensorSpec(), fc.integer({ min: -5, max: 4 }), (s, axis) => {
      checkCall("flip", () => k.flip(make(s), axis));
      checkCall("softmax", () => k.softmax(make(s), axis));
    }),
    RUNS,
  );
});

test("matMul, conv2d and pooling with random (often wrong) shapes", () => {
  const small = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 });
  fc.assert(
    fc.property(tensorSpec(small), tensorSpec(small), fc.boolean(), fc.boolean(), (a, b, ta, tb) => {
      checkCall("matMul", () => k.matMul(make(a), make(b), { transposeA: ta, transposeB: tb }));
    }),
    RUNS,
  );
  const image = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }));
  const kernel = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }));
  fc.assert(
    fc.property(
      tensorSpec(image.map((d) => [...d])),
      tensorSpec(kernel.map((d) => [...d])),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom("valid", "same" as const),
      (x, w, stride, padding) => {
        checkCall("conv2d", () => k.conv2d(make(x), make(w), { strides: stride, padding }));
        checkCall("maxPool2d", () => k.maxPool2d(make(x), { poolSize: Math.max(1, w.shape[0]), strides: stride, padding }));
        checkCall("avgPool2d", () => k.avgPool2d(make(x), { poolSize: 2, padding }));
      },
    ),
    RUNS,
  );
});
