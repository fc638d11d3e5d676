import assert from "node:assert/strict";
import { test } from "node:test";
import { Activation, Dense, Input, Model, Sequential, Softmax, type Tensor, tensor } from "../../src/index.js";

/** A one-unit sigmoid classifier whose logit for x = [1] is exactly `w`. */
function saturated(_w: number, output: "dense" | "activation" | "nested") {
  const dense = new Dense({ units: 1, activation: output === "dense" ? "sigmoid" : "linear", kernelInitializer: "ones", useBias: false });
  if (output === "dense") return new Sequential([Input({ shape: [1] }), dense]);
  if (output === "activation") return new Sequential([Input({ shape: [1] }), dense, new Activation({ activation: "sigmoid" })]);
  const inner = new Sequential([
    Input({ shape: [1] }),
    new Dense({ units: 1, kernelInitializer: "ones", useBias: false }),
    new Activation({ activation: "sigmoid" }),
  ]);
  return new Sequential([Input({ shape: [1] }), inner]);
}

test("compile folds a cross-entropy into a sigmoid or softmax output: the loss is exact where probabilities saturate", async () => {
  for (const output of ["dense", "activation", "nested"] as const) {
    const model = saturated(1, output);
    model.compile({ optimizer: "sgd", loss: "binary_crossentropy", metrics: ["accuracy"] });
    assert.deepEqual(model.compiled!.logits, ["sigmoid"], output);
    assert.equal(model.compiled!.losses[0].config.fromLogits, true);
    assert.equal(model.compileConfig!.losses[0].config.fromLogits, false, "the saved settings keep the user's loss");
    // logit 40 with label 0: the exact cross-entropy is 40; through clipped probabilities it would be -log(1e-7) = 16.1
    const logs = await model.evaluate(tensor([[40]]), tensor([[0]]));
    assert.ok(Math.abs(logs.loss - 40) < 1e-3, `${output}: loss ${logs.loss}`);
    assert.equal(logs.accuracy, 0, "metrics see probabilities");
    assert.ok(Math.abs((model.predict(tensor([[0]])) as Tensor).floats()[0] - 0.5) < 1e-7, "predict gives probabilities");
  }
});

test("no folding where it would be wrong: other losses, softmax on another axis, an output another layer reads", () => {
  const m1 = new Sequential([Input({ shape: [3] }), new Dense({ units: 2, activation: "softmax" })]);
  m1.compile({ optimizer: "sgd", loss: "mse" });
  assert.deepEqual(m1.compiled!.logits, [null]);
  const m2 = new Sequential([Input({ shape: [3, 2] }), new Softmax({ axis: 1 })]);
  m2.compile({ optimizer: "sgd", loss: "categorical_crossentropy" });
  assert.deepEqual(m2.compiled!.logits, [null]);
  const x = Input({ shape: [3] });
  const probs = new Dense({ units: 2, activation: "softmax" }).apply(x);
  const second = new Dense({ units: 1 }).apply(probs);
  const m3 = new Model({ inputs: x, outputs: [probs, second] });
  m3.compile({ optimizer: "sgd", loss: ["sparse_categorical_crossentropy", "mse"] });
  assert.deepEqual(m3.compiled!.logits, [null, null], "probs feed another layer, so they stay probabilities");
  const m4 = new Sequential([new Dense({ units: 4, activation: "softmax" })]);
  m4.compile({ optimizer: "sgd", loss: "sparse_categorical_crossentropy" });
  assert.deepEqual(m4.compiled!.logits, ["softmax"], "a Sequential without Input decides from its last layer");
});

test("compile without an optimizer uses rmsprop, as Keras does, and trains", async () => {
  const model = new Sequential([Input({ shape: [2] }), new Dense({ units: 1 })]);
  model.compile({ loss: "mse" });
  assert.equal(model.optimizer?.className, "RMSprop");
  const x = tensor([0, 1, 1, 0, 1, 1, 0, 0], [4, 2]);
  const y = tensor([1, 1, 2, 0], [4, 1]);
  const history = await model.fit(x, y, { epochs: 20, verbose: 0 });
  const loss = history.history.loss as number[];
  assert.ok(loss[loss.length - 1] < loss[0], `loss ${loss[0]} -> ${loss[loss.length - 1]}`);
});
