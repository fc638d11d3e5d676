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

test("safetensors headers with wrong types, negative or fractional sizes are named errors, never a TypeError or RangeError", () => {
  const file = (header: unknown, dataBytes = 16) => {
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    return out;
  };
  const cases: [unknown, RegExp][] = [
    [[1, 2], /the safetensors header: expected an object, found an array of 2/],
    [{ w: null }, /tensor 'w': expected an object, found null/],
    [{ w: { dtype: "F32", shape: [-1, -4], data_offsets: [0, 16] } }, /tensor 'w': shape\[0\]: expected an integer >= 0, found the number -1/],
    [{ w: { dtype: "F32", shape: [2, 2], data_offsets: [0.5, 16] } }, /data_offsets\[0\]: expected an integer >= 0, found the number 0.5/],
    [{ w: { dtype: "F32", shape: [4], data_offsets: [16, 0] } }, /'w' claims bytes 16..0 of 16/],
    [{ w: { dtype: "F64", shape: [2], data_offsets: [0, 16] } }, /tensor 'w': dtype: expected one of F32, I32, U8, found the string "F64"/],
    [{ w: { dtype: "toString", shape: [2], data_offsets: [0, 16] } }, /dtype: expected one of F32, I32, U8, found the string "toString"/],
    [{ __metadata__: { kerno: 5 } }, /__metadata__.kerno: expected a string, found the number 5/],
    // entries must tile the data: the same bytes named twice would be copied (and allocated for) twice
    [
      { a: { dtype: "F32", shape: [4], data_offsets: [0, 16] }, b: { dtype: "F32", shape: [4], data_offsets: [0, 16] } },
      /tensor '[ab]' starts at byte 0 of the data, expected 16 \(it overlaps the tensor before it\)/,
    ],
    [{ a: { dtype: "F32", shape: [2], data_offsets: [8, 16] } }, /tensor 'a' starts at byte 8 of the data, expected 0 \(a gap before it\)/],
    [{ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, /the tensors end at byte 8 of the data but the file holds 16/],
  ];
  for (const [header, message] of cases)
    assert.throws(
      () => decodeSafetensors(file(header), "f.st"),
      (err: Error) => err.constructor === Error && err.message.startsWith("f.st: ") && message.test(err.message),
      message.source,
    );
});
