import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32c, frameRecord, maskedCrc32c, readRecords } from "../../src/interop/tfrecord.js";

test("CRC-32C check values and TensorFlow's mask", () => {
  assert.equal(crc32c(Buffer.from("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(maskedCrc32c(new Uint8Array(0)), 0xa282ead8);
  const c = crc32c(Buffer.from("kerno"));
  assert.equal(maskedCrc32c(Buffer.from("kerno")), (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
});

test("records frame and read back; a flipped byte is an error, a torn tail is reported", () => {
  const a = frameRecord(Buffer.from("first")),
    b = frameRecord(new Uint8Array(300).fill(7));
  assert.equal(a.length, 8 + 4 + 5 + 4);
  assert.equal(a.readBigUInt64LE(0), 5n);
  const file = Buffer.concat([a, b]);
  const { records, truncated } = readRecords(file);
  assert.equal(truncated, false);
  assert.deepEqual(
    records.map((r) => r.length),
    [5, 300],
  );
  assert.equal(records[0].toString(), "first");
  const bad = Buffer.from(file);
  bad[14] ^= 1;
  assert.throws(() => readRecords(bad, "events"), /events: bad data CRC in the record at byte 0/);
  const badLength = Buffer.from(file);
  badLength[0] ^= 1;
  assert.throws(() => readRecords(badLength), /bad length CRC at byte 0/);
  const torn = readRecords(file.subarray(0, file.length - 10));
  assert.deepEqual([torn.records.length, torn.truncated], [1, true]);
});
