/** Seeded fuzzing: a replayable generator and byte-level mutations of a valid file. */

/** mulberry32: a small seeded generator of floats in [0, 1), so every input can be replayed from the seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed: FUZZ_SEED when set (to replay a failure), else `fallback`. */
export function fuzzSeed(fallback: number): number {
  const env = process.env.FUZZ_SEED;
  return env !== undefined && env !== "" ? Number(env) >>> 0 : fallback;
}

/** Integers below n and picks from a list, from mulberry32. */
export function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] };
}
export type Rng = ReturnType<typeof prng>;

/** Truncation, bit flips, inserted or deleted bytes. */
export function mutateBytes(b: Uint8Array, rng: Rng): [string, Uint8Array] {
  const at = rng.int(b.length);
  switch (rng.int(4)) {
    case 0:
      return [`truncated to ${at}`, b.slice(0, at)];
    case 1: {
      const out = b.slice();
      const n = 1 + rng.int(8);
      for (let i = 0; i < n; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return [`${n} bit flips`, out];
    }
    case 2: {
      const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      return [`${extra.length} bytes inserted at ${at}`, Buffer.concat([b.subarray(0, at), extra, b.subarray(at)])];
    }
    default: {
      const n = 1 + rng.int(16);
      return [`${n} bytes deleted at ${at}`, Buffer.concat([b.subarray(0, at), b.subarray(at + n)])];
    }
  }
}
