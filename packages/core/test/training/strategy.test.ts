import assert from "node:assert/strict";
import { test } from "node:test";
import { Dense, Input, Sequential, type Tensor, type TrainingStrategy, tensor } from "../../src/index.js";
import { ramp } from "../helpers/gradcheck.js";

/** A strategy of two workers that talks to no one: it records what fit asks of it. */
function fakeStrategy(rank: number) {
  const calls: string[] = [];
  const note = <T>(what: string, value: T): T => {
    calls.push(what);
    return value;
  };
  const strategy: TrainingStrategy = {
    rank,
    size: 2,
    shard: (rows) => rows.filter((_, i) => i % 2 === rank),
    sharedSeed: () => note("seed", 5),
    agree: (flag, what) => note(what, flag),
    broadcastVariables: (_vars, what) => note(what, undefined),
    averageGradients: (grads: Tensor[]) =>
      note(
        "average",
        grads.map((g) => tensor(g.floats(), [...g.shape])),
      ),
    sumState: (_state, what) => note(what, undefined),
  };
  return { strategy, calls };
}

test("fit trains through a strategy passed in: shards per worker, averages every step, worker 0 alone runs the callbacks", async () => {
  const x = ramp([16, 2]);
  const y = ramp([16, 1]);
  for (const rank of [0, 1]) {
    const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const { strategy, calls } = fakeStrategy(rank);
    let epochsSeen = 0;
    // batchSize is per worker: 16 rows, 2 workers of 4 rows each -> 2 steps
    const history = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, strategy, callbacks: [{ onEpochEnd: () => void epochsSeen++ }] });
    assert.equal(calls.filter((c) => c === "average").length, 2, calls.join(", "));
    assert.deepEqual(calls.slice(0, 3), ["seed", "broadcast of the initial weights from rank 0", "average"]);
    assert.equal(calls.at(-1), "broadcast of the final weights from rank 0");
    assert.ok(calls.includes("allreduce of epoch 1's metrics"));
    assert.equal(epochsSeen, rank === 0 ? 1 : 0, `rank ${rank}'s callbacks`);
    assert.equal(history.history.loss.length, 1);
  }
});
