/**
 * Supervised windows over a time series: `history` past steps in, the next `horizon` values of
 * the target out. Windows never span a missing value (NaN), so gaps in a series are respected.
 */
import { Dataset, type Example } from "@kerno/core/data/dataset.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { Tensor } from "@kerno/core/tensor/tensor.js";

/** A series of n steps with f features: Float32Array rows [n * f]. */
export interface Series {
  values: Float32Array;
  length: number;
  features: number;
}

export function asSeries(data: Tensor | ArrayLike<number> | number[][], who: string): Series {
  if (data instanceof Tensor) {
    if (data.rank !== 1 && data.rank !== 2)
      throw new RangeError(`${who}: expected a series of shape [steps] or [steps, features], got [${data.shape.join(",")}]`);
    return { values: Float32Array.from(data.values), length: data.shape[0], features: data.rank === 2 ? data.shape[1] : 1 };
  }
  if (Array.isArray(data) && Array.isArray(data[0])) {
    const rows = data as number[][];
    const f = rows[0].length;
    return { values: Float32Array.from(rows.flat()), length: rows.length, features: f };
  }
  const arr = Float32Array.from(data as ArrayLike<number>);
  return { values: arr, length: arr.length, features: 1 };
}

export interface WindowOptions {
  history: number;
  horizon: number;
  /** Steps between window starts (default 1). */
  stride?: number;
  /** Feature column the targets come from (default 0). */
  targetColumn?: number;
  /**
   * Keep the last complete window. Off by default, to match the course's loop, which runs
   * range(len - history - horizon) and so makes one window fewer than fit: 13,950 windows from
   * 13,980 hourly values with history 6 and horizon 24, where len - history - horizon + 1 = 13,951
   * exist (Keras's timeseries_dataset_from_array counts them all; see timeseriesDataset).
   */
  includeLast?: boolean;
}

export interface Windows {
  /** [samples, history, features] */
  inputs: Tensor;
  /** [samples, horizon] */
  targets: Tensor;
  /** Index in the series of each window's first step. */
  starts: Int32Array;
}

export function windowCount(length: number, o: WindowOptions): number {
  const stride = o.stride ?? 1;
  const last = length - o.history - o.horizon + (o.includeLast ? 1 : 0);
  return last <= 0 ? 0 : Math.floor((last - 1) / stride) + 1;
}

/** Every window that fits and contains no NaN, in time order. */
export function windows(data: Tensor | ArrayLike<number> | number[][], options: WindowOptions): Windows {
  const who = "windows";
  const s = asSeries(data, who);
  const { history, horizon } = options;
  const stride = options.stride ?? 1,
    target = options.targetColumn ?? 0,
    f = s.features;
  for (const [what, v] of [
    ["history", history],
    ["horizon", horizon],
    ["stride", stride],
  ] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${who}: ${what} must be a positive integer, got ${v}`);
  }
  if (!(target >= 0 && target < f)) throw new RangeError(`${who}: targetColumn ${target} is outside the ${f} features`);
  if (s.length < history + horizon) {
    throw new RangeError(`${who}: the series has ${s.length} steps, fewer than history + horizon = ${history + horizon}`);
  }
  const n = windowCount(s.length, options);
  // prefix count of NaN steps, to test a window for gaps in O(1)
  const bad = new Int32Array(s.length + 1);
  for (let t = 0; t < s.length; t++) {
    let nan = false;
    for (let j = 0; j < f; j++) if (Number.isNaN(s.values[t * f + j])) nan = true;
    bad[t + 1] = bad[t] + (nan ? 1 : 0);
  }
  const starts: number[] = [];
  for (let w = 0; w < n; w++) {
    const t0 = w * stride;
    if (bad[t0 + history + horizon] === bad[t0]) starts.push(t0);
  }
  const inputs = new Float32Array(starts.length * history * f);
  const targets = new Float32Array(starts.length * horizon);
  starts.forEach((t0, i) => {
    inputs.set(s.values.subarray(t0 * f, (t0 + history) * f), i * history * f);
    for (let k = 0; k < horizon; k++) targets[i * horizon + k] = s.values[(t0 + history + k) * f + target];
  });
  return { inputs: tensor(inputs, [starts.length, history, f]), targets: tensor(targets, [starts.length, horizon]), starts: Int32Array.from(starts) };
}

export interface TimeseriesDatasetOptions {
  sequenceLength: number;
  sequenceStride?: number;
  samplingRate?: number;
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
  startIndex?: number;
  endIndex?: number;
}

/**
 * Keras's timeseries_dataset_from_array: windows data[i : i + sequenceLength * samplingRate :
 * samplingRate] for every start i (all that fit, so len - sequenceLength + 1 with the defaults),
 * paired with targets[i] when targets are given, batched.
 */
export function timeseriesDataset(data: Tensor, targets: Tensor | null, options: TimeseriesDatasetOptions): Dataset<Example> {
  const who = "timeseriesDataset";
  const s = asSeries(data, who);
  const { sequenceLength } = options;
  const stride = options.sequenceStride ?? 1,
    rate = options.samplingRate ?? 1;
  const start = options.startIndex ?? 0,
    end = options.endIndex ?? s.length;
  if (!Number.isInteger(sequenceLength) || sequenceLength <= 0)
    throw new RangeError(`${who}: sequenceLength must be a positive integer, got ${sequenceLength}`);
  const span = (sequenceLength - 1) * rate + 1;
  const count = end - start - span < 0 ? 0 : Math.floor((end - start - span) / stride) + 1;
  if (targets && targets.shape[0] < start + (count - 1) * stride + 1)
    throw new RangeError(`${who}: targets have ${targets.shape[0]} rows, fewer than the windows need`);
  const f = s.features;
  const x = new Float32Array(count * sequenceLength * f);
  for (let i = 0; i < count; i++) {
    const t0 = start + i * stride;
    for (let k = 0; k < sequenceLength; k++) x.set(s.values.subarray((t0 + k * rate) * f, (t0 + k * rate + 1) * f), (i * sequenceLength + k) * f);
  }
  const xs = tensor(x, [count, sequenceLength, f]);
  let ds: Dataset<Example>;
  if (targets) {
    const width = targets.size / targets.shape[0];
    const y = new Float32Array(count * width);
    for (let i = 0; i < count; i++) y.set(targets.values.subarray((start + i * stride) * width, (start + i * stride + 1) * width), i * width);
    ds = Dataset.fromTensors(xs, tensor(y, targets.rank === 1 ? [count] : [count, ...targets.shape.slice(1)]));
  } else {
    ds = Dataset.fromTensors(xs);
  }
  if (options.shuffle) ds = ds.shuffle(options.seed);
  return ds.batch(options.batchSize ?? 128);
}

/** The first `fraction` of n samples for training, the rest for validation, in time order. */
export function chronologicalSplit(n: number, fraction = 0.8): { train: [number, number]; validation: [number, number] } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`chronologicalSplit: fraction must be in (0, 1), got ${fraction}`);
  const cut = Math.floor(n * fraction);
  return { train: [0, cut], validation: [cut, n] };
}
