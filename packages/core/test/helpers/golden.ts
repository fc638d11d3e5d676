/** PyTorch reference values written by scripts/make-golden.py (test/fixtures/golden.json). */
import { readFileSync } from "node:fs";
import { Tensor } from "../../src/index.js";

interface Arr {
  shape: number[];
  data: number[];
}
type Case = Record<string, unknown>;

const file = new URL("../fixtures/golden.json", import.meta.url);
const cases = (JSON.parse(readFileSync(file, "utf8")) as { cases: Record<string, Case> }).cases;

export function golden(name: string): Case {
  const c = cases[name];
  if (!c) throw new Error(`no golden case '${name}'; regenerate with /usr/bin/python3 scripts/make-golden.py`);
  return c;
}

/** A stored array as a float32 tensor. */
export function goldenTensor(c: Case, key: string): Tensor {
  const a = c[key] as Arr;
  return new Tensor(Float32Array.from(a.data), a.shape, "float32");
}

export function goldenData(c: Case, key: string): number[] {
  return (c[key] as Arr).data;
}
