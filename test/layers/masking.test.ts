import { test } from "node:test";
import assert from "node:assert/strict";
import { Masking, maskOf, SimpleRNN, tensor, type Tensor } from "../../src/index.js";

test("Masking marks all-maskValue steps and the RNN carries its state over them", () => {
  const x = tensor([[[1, 2], [0, 0], [3, 4]]]);
  const masked = new Masking().apply(x) as Tensor;
  assert.deepEqual(maskOf(masked)!.toArray(), [[1, 0, 1]]);
  const rnn = new SimpleRNN({ units: 2, returnSequences: true });
  const seq = (rnn.apply(masked) as Tensor).data();
  assert.deepEqual(Array.from(seq.subarray(2, 4)), Array.from(seq.subarray(0, 2)));
});
