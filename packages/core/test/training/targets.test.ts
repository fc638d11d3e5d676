import assert from "node:assert/strict";
import { test } from "node:test";
import { SGD, tensor } from "../../src/index.js";
import { resolveCompile } from "../../src/training/compile.js";
import { checkTargets, countOf } from "../../src/training/targets.js";

const model = (shape: (number | null)[]) => ({ outputSpecs: () => [{ name: "out", shape }] });
const compiled = (loss: string) => resolveCompile({ optimizer: new SGD(), loss }, ["out"], [null]).compiled;

test("sample counts and target checks give the reason, the output and both shapes", () => {
  assert.equal(countOf([tensor([[1], [2]]), tensor([3, 4])], "fit", "inputs"), 2);
  assert.throws(
    () => countOf([tensor([[1], [2]]), tensor([3])], "fit", "inputs"),
    /fit: all inputs need the same number of samples \(first dimension\), got \[2,1\] and \[1\]/,
  );
  assert.throws(() => countOf([], "fit", "targets"), /fit: no targets given/);
  const x = [tensor([[0], [0]])];
  checkTargets(model([null, 3]), compiled("sparse_categorical_crossentropy"), x, [tensor([0, 2], undefined, "int32")], "fit");
  assert.throws(
    () => checkTargets(model([null, 3]), compiled("sparse_categorical_crossentropy"), x, [tensor([0, 3], undefined, "int32")], "fit"),
    /labels must be integers in \[0, 3\) for the 3-way output 'out'; found 3 at sample 1/,
  );
  assert.throws(
    () =>
      checkTargets(
        model([null, 3]),
        compiled("sparse_categorical_crossentropy"),
        x,
        [
          tensor([
            [1, 0, 0],
            [0, 1, 0],
          ]),
        ],
        "fit",
      ),
    /one-hot targets: use categorical_crossentropy/,
  );
  assert.throws(
    () => checkTargets(model([null, 10]), compiled("binary_crossentropy"), x, [tensor([1, 0])], "fit"),
    /For 10 classes use sparse_categorical_crossentropy/,
  );
  assert.throws(
    () => checkTargets(model([null, 2]), compiled("mse"), x, [tensor([1, 0])], "fit"),
    /mean_squared_error needs targets with 2 value\(s\) per sample/,
  );
  assert.throws(
    () => checkTargets(model([null, 2]), compiled("mse"), x, [tensor([[1, 0]]), tensor([[1, 0]])], "fit"),
    /the model has 1 output\(s\) but 2 target array\(s\)/,
  );
});
