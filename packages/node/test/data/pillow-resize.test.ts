import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { pillowBilinear } from "../../src/data/pillow-resize.js";

// written by scripts/make-pillow-golden.py with Pillow's Image.resize(BILINEAR)
const golden = JSON.parse(readFileSync(new URL("../fixtures/pillow-resize.json", import.meta.url), "utf8")) as {
  cases: { h: number; w: number; c: number; outH: number; outW: number; input: number[]; output: number[] }[];
};

test("pillowBilinear matches Pillow byte for byte: reducing, enlarging, one axis, grayscale, same size", () => {
  assert.ok(golden.cases.length >= 6);
  for (const { h, w, c, outH, outW, input, output } of golden.cases) {
    const got = pillowBilinear(Uint8Array.from(input), h, w, c, outH, outW);
    assert.equal(got.length, outH * outW * c);
    assert.deepEqual(Array.from(got), output, `${h}x${w}x${c} -> ${outH}x${outW}`);
  }
});
