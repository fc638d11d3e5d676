import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { LSTM_WARMUP_EPOCHS } from "../../bench/workloads/kernels.js";

test("both sides of the recurrent rows warm up for the same number of epochs", () => {
  const python = readFileSync(new URL("../../bench/pytorch_bench.py", import.meta.url), "utf8");
  const m = /^LSTM_WARMUP_EPOCHS = (\d+)$/m.exec(python);
  assert.ok(m, "pytorch_bench.py defines LSTM_WARMUP_EPOCHS");
  assert.equal(Number(m[1]), LSTM_WARMUP_EPOCHS);
});
