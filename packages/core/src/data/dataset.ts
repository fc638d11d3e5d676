/**
 * Dataset: a lazy, re-iterable pipeline of examples, as tf.data in Keras: from tensors (one
 * example per row) or a generator, then shuffle, map (per-example transforms, sync or async),
 * batch, prefetch, take, skip. Iterating it again starts over (one pass per epoch); a seeded
 * shuffle draws a new, reproducible order each pass.
 */
import { gather } from "../ops/shape.js";
import { Random } from "../tensor/random.js";
import { shapeToString } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type CompactStore, keepingPass, type MemoryBudget } from "./compact-store.js";
import { row, splitRows, stackElements } from "./element-batching.js";

/** Dataset.cache's options. */
export interface CacheOptions {
  /** The most bytes the kept elements may take (default: half the available memory, at most 512 MiB), or a MemoryBudget shared with other caches. */
  maxBytes?: number | MemoryBudget;
  /** Where the one line about passing the budget goes (default console.log). */
  log?: (line: string) => void;
}

/** An example or a batch: inputs x, optional targets y and sample weights. */
export interface Example {
  x: Tensor | Tensor[];
  y?: Tensor | Tensor[];
  sampleWeight?: Tensor;
}

/** A row of the source tensors, not yet copied out (so batching can gather rows at once). */
class RowRef {
  constructor(readonly index: number) {}
}

type Stage = (input: AsyncIterable<unknown>, pass: number) => AsyncIterable<unknown>;

interface TensorSource {
  kind: "tensors";
  x: Tensor[];
  y: Tensor[] | null;
  multiX: boolean;
  multiY: boolean;
  n: number;
}
interface GeneratorSource {
  kind: "generator";
  make: () => Iterable<unknown> | AsyncIterable<unknown>;
}

function rows(t: Tensor, indices: number[]): Tensor {
  return gather(t, indices, 0);
}

export class Dataset<T = Example> implements AsyncIterable<T> {
  private constructor(
    private readonly source: TensorSource | GeneratorSource,
    private readonly stages: Stage[],
    /** Number of elements per pass, when known. */
    readonly cardinality: number | null,
    private passes = { count: 0 },
  ) {}

  /** One example per row of x (and y): x may be a tensor or a list of tensors (several inputs). */
  static fromTensors(x: Tensor | Tensor[], y?: Tensor | Tensor[]): Dataset<Example> {
    const xs = Array.isArray(x) ? x : [x];
    const ys = y === undefined ? null : Array.isArray(y) ? y : [y];
    const all = [...xs, ...(ys ?? [])];
    if (all.length === 0 || !all.every((t) => t instanceof Tensor)) throw new TypeError("Dataset.fromTensors: expected tensors");
    const n = all[0].shape[0];
    for (const t of all) {
      if (t.rank === 0 || t.shape[0] !== n)
        throw new RangeError(`Dataset.fromTensors: every tensor needs the same first dimension (${n} examples), got ${shapeToString(t.shape)}`);
    }
    return new Dataset<Example>({ kind: "tensors", x: xs, y: ys, multiX: Array.isArray(x), multiY: Array.isArray(y), n }, [], n);
  }

  /** Examples from a (possibly async) generator function, called once per pass. */
  static fromGenerator<U>(make: () => Iterable<U> | AsyncIterable<U>, cardinality: number | null = null): Dataset<U> {
    return new Dataset<U>({ kind: "generator", make }, [], cardinality);
  }

  private with<U>(stage: Stage, cardinality: number | null): Dataset<U> {
    return new Dataset<U>(this.source, [...this.stages, stage], cardinality, this.passes);
  }

  /**
   * Shuffles each pass: a full permutation for tensor sources, a buffer of `bufferSize` for
   * generators. With a seed, pass k uses seed + k: different every epoch, the same every run.
   */
  shuffle(seed?: number, bufferSize = 10000): Dataset<T> {
    return this.with<T>(async function* (input, pass) {
      const rng = new Random(seed === undefined ? Math.floor(Math.random() * 2 ** 31) : seed + pass);
      const buffer: unknown[] = [];
      for await (const el of input) {
        if (buffer.length < bufferSize) {
          buffer.push(el);
          continue;
        }
        const j = rng.int(buffer.length);
        yield buffer[j];
        buffer[j] = el;
      }
      rng.shuffle(buffer);
      yield* buffer;
    }, this.cardinality);
  }

  /** Applies fn to each element (for per-example transforms such as augmentation). */
  map<U>(fn: (el: T) => U | Promise<U>): Dataset<U> {
    const source = this.source;
    return this.with<U>(async function* (input) {
      for await (const el of input) yield await fn(materialize(source, el) as T);
    }, this.cardinality);
  }

  /** Groups `size` consecutive examples, stacking each tensor along a new first axis. */
  batch(size: number, options: { dropRemainder?: boolean } = {}): Dataset<T> {
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`Dataset.batch: size must be a positive integer, got ${size}`);
    const source = this.source;
    const card = this.cardinality === null ? null : options.dropRemainder ? Math.floor(this.cardinality / size) : Math.ceil(this.cardinality / size);
    return this.with<T>(async function* (input) {
      let group: unknown[] = [];
      for await (const el of input) {
        group.push(el);
        if (group.length === size) {
          yield collate(source, group);
          group = [];
        }
      }
      if (group.length > 0 && !options.dropRemainder) yield collate(source, group);
    }, card);
  }

  /**
   * Splits each batch back into examples (tf.data's unbatch): every tensor of an element is cut
   * along its first axis, which must agree. Shuffling after unbatch mixes examples across batches.
   */
  unbatch(): Dataset<T> {
    const source = this.source;
    return this.with<T>(async function* (input) {
      for await (const el of input) yield* splitRows(materialize(source, el));
    }, null);
  }

  /** States the number of elements per pass when a stage could not know it (tf.data's assert_cardinality); checked each pass. */
  assertCardinality(n: number): Dataset<T> {
    return this.with<T>(async function* (input) {
      let count = 0;
      for await (const el of input) {
        if (++count > n) throw new RangeError(`Dataset.assertCardinality: expected ${n} elements, got more`);
        yield el;
      }
      if (count < n) throw new RangeError(`Dataset.assertCardinality: expected ${n} elements, got ${count}`);
    }, n);
  }

  /** Keeps up to n elements in flight ahead of the consumer (useful when map is asynchronous). */
  prefetch(n = 2): Dataset<T> {
    return this.with<T>(async function* (input) {
      const it = input[Symbol.asyncIterator]();
      const queue: Promise<IteratorResult<unknown>>[] = [];
      for (let i = 0; i < n; i++) queue.push(it.next());
      for (;;) {
        const next = await queue.shift()!;
        if (next.done) return;
        queue.push(it.next());
        yield next.value;
      }
    }, this.cardinality);
  }

  /**
   * Keeps the elements of the first complete pass in memory and replays them on later passes
   * (tf.data's cache()), so decoding and preprocessing run once. Stages before cache() run only in
   * that pass, so the order is fixed from then on: shuffle after cache() to reorder each pass. A
   * pass that stops early leaves nothing cached. Decoded pixels (float32 whole numbers 0..255) are
   * kept as bytes, a quarter of the memory (compact-store.ts); when the kept elements would pass
   * `maxBytes` (default: half the available memory, at most 512 MiB) nothing is kept and every pass reads the
   * source again, which `log` is told once.
   */
  cache(options: CacheOptions = {}): Dataset<T> {
    let store: CompactStore<unknown> | null = null;
    let overBudget = false;
    const log = options.log ?? console.log;
    return this.with<T>(async function* (input) {
      if (store) {
        for (let i = 0; i < store.length; i++) yield store.get(i);
        return;
      }
      if (overBudget) {
        yield* input;
        return;
      }
      store = yield* keepingPass(
        input,
        options.maxBytes,
        (el) => [el],
        (maxBytes) => {
          overBudget = true;
          log(`Dataset.cache(): the elements pass the memory budget of ${(maxBytes / 2 ** 20).toFixed(0)} MB; every pass reads the source again instead`);
        },
      );
    }, this.cardinality);
  }

  take(n: number): Dataset<T> {
    return this.with<T>(
      async function* (input) {
        if (n <= 0) return;
        let i = 0;
        for await (const el of input) {
          yield el;
          if (++i >= n) return;
        }
      },
      this.cardinality === null ? null : Math.min(n, this.cardinality),
    );
  }

  skip(n: number): Dataset<T> {
    return this.with<T>(
      async function* (input) {
        let i = 0;
        for await (const el of input) if (i++ >= n) yield el;
      },
      this.cardinality === null ? null : Math.max(0, this.cardinality - n),
    );
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const pass = this.passes.count++;
    let stream: AsyncIterable<unknown> = sourceStream(this.source);
    for (const stage of this.stages) stream = stage(stream, pass);
    for await (const el of stream) yield materialize(this.source, el) as T;
  }

  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const el of this) out.push(el);
    return out;
  }
}

async function* sourceStream(source: TensorSource | GeneratorSource): AsyncIterable<unknown> {
  if (source.kind === "tensors") {
    for (let i = 0; i < source.n; i++) yield new RowRef(i);
  } else {
    yield* source.make() as AsyncIterable<unknown>;
  }
}

function pick(source: TensorSource, f: (t: Tensor) => Tensor): Example {
  const x = source.x.map(f);
  const y = source.y ? source.y.map(f) : null;
  const ex: Example = { x: source.multiX ? x : x[0] };
  if (y) ex.y = source.multiY ? y : y[0];
  return ex;
}

function materialize(source: TensorSource | GeneratorSource, el: unknown): unknown {
  return el instanceof RowRef && source.kind === "tensors" ? pick(source, (t) => row(t, el.index)) : el;
}

/** Batches rows of the source tensors with one gather, and anything else by stacking. */
function collate(source: TensorSource | GeneratorSource, group: unknown[]): unknown {
  if (source.kind === "tensors" && group.every((el) => el instanceof RowRef)) {
    const indices = group.map((el) => (el as RowRef).index);
    return pick(source, (t) => rows(t, indices));
  }
  return stackElements(group.map((el) => materialize(source, el)));
}
