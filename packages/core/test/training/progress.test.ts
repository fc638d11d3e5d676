import assert from "node:assert/strict";
import { test } from "node:test";
import { ProgbarLogger } from "../../src/training/progress.js";

test("progress: a live bar on a terminal, one line per epoch elsewhere", () => {
  let tty = "";
  const live = new ProgbarLogger(1, {
    write: (s) => {
      tty += s;
    },
    isTTY: true,
  });
  live.setParams({ epochs: 2, steps: 4, verbose: 1 });
  live.onEpochBegin(0);
  for (let b = 0; b < 4; b++) live.onTrainBatchEnd(b, { loss: 1 / (b + 1) });
  live.onEpochEnd(0, { loss: 0.25, val_loss: 0.5 });
  assert.match(tty, /^Epoch 1\/2\n/);
  assert.match(tty, /\r1\/4 \[======>\.+\] - ETA/);
  assert.match(tty, /\r4\/4 \[==============================\] - \d+s \d+(us|ms)\/step - loss: 0\.2500 - val_loss: 0\.5000/);
  let plain = "";
  const lines = new ProgbarLogger(1, {
    write: (s) => {
      plain += s;
    },
    isTTY: false,
  });
  lines.setParams({ epochs: 3, steps: 10, verbose: 1 });
  lines.onEpochBegin(1);
  lines.onTrainBatchEnd(9, { loss: 2 });
  lines.onEpochEnd(1, { loss: 2, accuracy: 0.5 });
  assert.match(plain, /^Epoch 2\/3 - 10\/10 - \d+s \d+(us|ms)\/step - loss: 2\.0000 - accuracy: 0\.5000\n$/);
});
