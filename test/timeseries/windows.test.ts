import assert from "node:assert/strict";
import { test } from "node:test";
import { type Example, range, type Tensor, tensor } from "../../src/index.js";
import { chronologicalSplit, timeseriesDataset, windowCount, windows } from "../../src/timeseries/windows.js";

test("the course's window count: 13,980 hourly values, 6 in, 24 out -> 13,950 (13,951 with includeLast)", () => {
  assert.equal(windowCount(13980, { history: 6, horizon: 24 }), 13950);
  assert.equal(windowCount(13980, { history: 6, horizon: 24, includeLast: true }), 13951);
  const w = windows(range(13980), { history: 6, horizon: 24 });
  assert.deepEqual(w.inputs.shape, [13950, 6, 1]);
  assert.deepEqual(w.targets.shape, [13950, 24]);
  assert.deepEqual(Array.from(w.inputs.data().subarray(0, 6)), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(w.targets.data().subarray(0, 3)), [6, 7, 8]);
});

test("windows skip gaps, respect stride and take targets from one column", () => {
  const series = Float32Array.from({ length: 20 }, (_, i) => i);
  series[10] = NaN;
  const w = windows(series, { history: 3, horizon: 2, includeLast: true });
  for (const s of w.starts) assert.ok(s + 5 <= 10 || s > 10, `window at ${s} avoids the gap`);
  assert.equal(windows(range(20), { history: 3, horizon: 2, stride: 5 }).starts.length, 3);
  const two = windows(
    tensor([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ]),
    { history: 2, horizon: 1, targetColumn: 1, includeLast: true },
  );
  assert.deepEqual(two.inputs.shape, [2, 2, 2]);
  assert.deepEqual(Array.from(two.targets.data()), [30, 40]);
});

test("bad windows are clear errors", () => {
  assert.throws(() => windows(range(20), { history: 6, horizon: 24 }), /the series has 20 steps, fewer than history \+ horizon = 30/);
  assert.throws(() => windows(range(40), { history: 0, horizon: 24 }), /history must be a positive integer/);
  assert.throws(() => windows(tensor([[1], [2]]), { history: 1, horizon: 1, targetColumn: 2 }), /targetColumn 2 is outside the 1 features/);
});

test("timeseriesDataset follows Keras: all len - sequenceLength + 1 windows, targets at each window's start", async () => {
  const data = range(10);
  const ds = timeseriesDataset(data, range(100, 110), { sequenceLength: 3, batchSize: 4 });
  const batches = await ds.toArray();
  assert.equal(
    batches.reduce((n, b: Example) => n + (b.x as Tensor).shape[0], 0),
    8,
  );
  assert.deepEqual(((batches[0].x as Tensor).toArray() as number[][][])[1].flat(), [1, 2, 3]);
  assert.deepEqual(Array.from((batches[0].y as Tensor).data()), [100, 101, 102, 103]);
  const sampled = await timeseriesDataset(data, null, { sequenceLength: 3, samplingRate: 2, sequenceStride: 3, batchSize: 10 }).toArray();
  assert.deepEqual(
    ((sampled[0].x as Tensor).toArray() as number[][][]).map((w) => w.flat()),
    [
      [0, 2, 4],
      [3, 5, 7],
    ],
  );
});

test("chronological split keeps order", () => {
  assert.deepEqual(chronologicalSplit(100, 0.8), { train: [0, 80], validation: [80, 100] });
  assert.throws(() => chronologicalSplit(10, 1), /fraction must be in \(0, 1\)/);
});
