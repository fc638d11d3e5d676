import assert from "node:assert/strict";
import { test } from "node:test";
import { FASHION_MNIST_FILES, idxFiles, MNIST_FILES, parseIdx } from "../../src/data/idx.js";

test("IDX parsing checks the magic number, the header and the length", () => {
  const ok = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9);
  assert.deepEqual(parseIdx(ok, "t"), { shape: [3], data: Uint8Array.of(7, 8, 9) });
  assert.throws(() => parseIdx(ok.subarray(0, 10), "t.idx"), /t.idx: truncated: header says 3 = 3 bytes, file has 2/);
  assert.throws(() => parseIdx(ok.subarray(0, 6), "t.idx"), /t.idx: truncated: 6 bytes, the header alone needs 8/);
  assert.throws(() => parseIdx(Uint8Array.of(1, 2, 3, 4), "t.idx"), /not an unsigned-byte IDX file/);
});

test("the IDX sets name four files each, with SHA-256 checksums, and their classes", () => {
  for (const set of [MNIST_FILES, FASHION_MNIST_FILES]) {
    for (const split of [set.train, set.test]) {
      assert.match(split.images, /-images-idx3-ubyte\.gz$/);
      assert.match(split.labels, /-labels-idx1-ubyte\.gz$/);
      for (const sha of [split.imagesSha, split.labelsSha]) assert.match(sha, /^[0-9a-f]{64}$/);
    }
    assert.equal(set.classNames.length, 10);
  }
});

test("idxFiles gives a set's four files with their cache paths, checksums and mirror URLs", () => {
  const files = idxFiles(MNIST_FILES);
  assert.deepEqual(
    files.map((f) => f.path),
    ["mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz", "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz"],
  );
  assert.equal(files[3].sha256, MNIST_FILES.test.labelsSha);
  assert.equal(files[0].urls[0], `${MNIST_FILES.mirrors[0]}train-images-idx3-ubyte.gz`);
});
