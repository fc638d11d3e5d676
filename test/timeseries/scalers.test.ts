import assert from "node:assert/strict";
import { test } from "node:test";
import { assertClose } from "../../packages/core/test/helpers/gradcheck.js";
import { tensor } from "../../src/index.js";
import { MinMaxScaler, StandardScaler } from "../../src/timeseries/scalers.js";

test("scalers fit on training data only, transform anything, invert exactly", () => {
  const train = tensor([
    [0, 10],
    [10, 30],
    [NaN, 20],
  ]);
  const mm = new MinMaxScaler().fit(train);
  assertClose(
    mm
      .transform(
        tensor([
          [5, 20],
          [20, 40],
        ]),
      )
      .data(),
    [0.5, 0.5, 2, 1.5],
  );
  assertClose(mm.inverseTransform(mm.transform(tensor([[3, 7]]))).data(), [3, 7], 1e-6);
  assert.equal(mm.scaleOf(1), 20);
  const st = new StandardScaler().fit(tensor([1, 2, 3, 4]));
  const z = st.transform(tensor([1, 2, 3, 4])).floats();
  assert.ok(Math.abs(z.reduce((a, b) => a + b, 0)) < 1e-6);
  assertClose(st.inverseTransform(tensor(z)).data(), [1, 2, 3, 4], 1e-6);
  assert.throws(() => new MinMaxScaler().transform(tensor([1])), /call fit\(\) on the training data first/);
  assert.throws(() => mm.transform(tensor([[1, 2, 3]])), /fitted on 2 feature\(s\)/);
});
