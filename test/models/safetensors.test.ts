import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeSafetensors, encodeSafetensors } from "../../src/models/safetensors.js";

test("safetensors encode/decode round trip with an 8-aligned header", () => {
  const bytes = encodeSafetensors(
    new Map([
      ["a", { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }],
      ["b", { shape: [3], data: Int32Array.of(-1, 0, 7) }],
    ]),
    { note: "hi" },
  );
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + headerLength) % 8, 0);
  const { tensors, metadata } = decodeSafetensors(bytes, "t");
  assert.equal(metadata.note, "hi");
  assert.deepEqual(Array.from(tensors.get("a")!.data), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(tensors.get("b")!.data), [-1, 0, 7]);
  assert.throws(() => decodeSafetensors(bytes.subarray(0, 5), "f.st"), /f.st: not a safetensors file/);
});
