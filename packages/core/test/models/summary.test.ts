import assert from "node:assert/strict";
import { test } from "node:test";
import { Conv2D, clearSession, Dense, Flatten, Input, MaxPooling2D, Model, Sequential } from "../../src/index.js";

const DENSE = `Model: "model"
_________________________________________________________________
 Layer (type)           Output Shape    Param #
=================================================================
 input_1 (InputLayer)   [(None, 784)]   0
 dense (Dense)          (None, 64)      50,240
 dense_1 (Dense)        (None, 10)      650
=================================================================
Total params: 50,890
Trainable params: 50,890
Non-trainable params: 0
_________________________________________________________________`;

const CNN = `Model: "sequential"
_________________________________________________________________
 Layer (type)                     Output Shape         Param #
=================================================================
 conv2d (Conv2D)                  (None, 26, 26, 32)   320
 max_pooling2d (MaxPooling2D)     (None, 13, 13, 32)   0
 conv2d_1 (Conv2D)                (None, 11, 11, 64)   18,496
 max_pooling2d_1 (MaxPooling2D)   (None, 5, 5, 64)     0
 conv2d_2 (Conv2D)                (None, 3, 3, 128)    73,856
 flatten (Flatten)                (None, 1152)         0
 dense (Dense)                    (None, 10)           11,530
=================================================================
Total params: 104,202
Trainable params: 104,202
Non-trainable params: 0
_________________________________________________________________`;

test("the seed's dense MNIST model (functional API): 50,890 parameters", () => {
  clearSession();
  const inputs = Input({ shape: [784] });
  const features = new Dense({ units: 64, activation: "relu" }).apply(inputs);
  const outputs = new Dense({ units: 10, activation: "softmax" }).apply(features);
  assert.equal(new Model({ inputs, outputs }).summary({ print: false }), DENSE);
});

test("the seed's CNN (Sequential API): its shapes and 104,202 parameters", () => {
  clearSession();
  const model = new Sequential([
    new Conv2D({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 64, kernelSize: 3, activation: "relu" }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 128, kernelSize: 3, activation: "relu" }),
    new Flatten(),
    new Dense({ units: 10, activation: "softmax" }),
  ]);
  const lines: string[] = [];
  model.summary({ printFn: (s) => lines.push(s) });
  assert.equal(lines.join("\n"), CNN);
});

test("a frozen nested model counts as non-trainable; branching graphs show 'Connected to'", () => {
  clearSession();
  const baseIn = Input({ shape: [8, 8, 3] });
  const base = new Model({ inputs: baseIn, outputs: new Conv2D({ filters: 4, kernelSize: 3 }).apply(baseIn), name: "base" });
  base.trainable = false;
  const model = new Sequential([Input({ shape: [8, 8, 3] }), base, new Flatten(), new Dense({ units: 1, activation: "sigmoid" })]);
  const text = model.summary({ print: false });
  assert.match(text, / base \(Functional\) +\(None, 6, 6, 4\) +112/);
  assert.match(text, /Total params: 257\nTrainable params: 145\nNon-trainable params: 112/);
  const a = Input({ shape: [3] });
  const left = new Dense({ units: 2, name: "left" }).apply(a),
    right = new Dense({ units: 2, name: "right" }).apply(a);
  const branched = new Model({ inputs: a, outputs: [left, right] });
  assert.match(branched.summary({ print: false }), /Connected to[\s\S]*left \(Dense\).*input_\d+\[0\]/);
});
