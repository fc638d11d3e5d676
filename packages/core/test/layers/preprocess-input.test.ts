import assert from "node:assert/strict";
import { test } from "node:test";
import { Input, PreprocessInput, type Tensor, tensor } from "../../src/index.js";
import { preprocess } from "../../src/layers/preprocess-input.js";
import { assertClose } from "../helpers/gradcheck.js";
import { checkLayer } from "../helpers/layers.js";

const pixel = tensor([255, 127.5, 0], [1, 1, 1, 3]);

test("the four modes of Keras's preprocess_input on one RGB pixel", () => {
  const cases: Record<string, number[]> = {
    caffe: [0 - 103.939, 127.5 - 116.779, 255 - 123.68],
    tf: [1, 0, -1],
    torch: [(1 - 0.485) / 0.229, (0.5 - 0.456) / 0.224, (0 - 0.406) / 0.225],
    unit: [1, 0.5, 0],
  };
  for (const [mode, want] of Object.entries(cases)) {
    const layer = new PreprocessInput({ mode: mode as "caffe" });
    assertClose(Array.from((layer.apply(pixel) as Tensor).floats()), want, 1e-5, 1e-4, mode);
    assertClose(Array.from(preprocess(pixel, mode as "caffe").floats()), want, 1e-5, 1e-4, mode);
  }
  checkLayer(new PreprocessInput({ mode: "tf" }), [4, 4, 3], [null, 4, 4, 3], 0);
  assert.equal(new PreprocessInput({ mode: "torch" }).getConfig().mode, "torch");
});

test("bad modes and channel counts are named", () => {
  assert.throws(
    () => new PreprocessInput({ mode: "yolo" as "tf", name: "pre" }),
    /PreprocessInput 'pre': mode must be one of caffe, tf, torch, unit, got 'yolo'/,
  );
  assert.throws(
    () => new PreprocessInput({ mode: "caffe", name: "pre2" }).apply(Input({ shape: [8, 8, 1] })),
    /'caffe' expects RGB images \[\.\.\., 3\], got \(None, 8, 8, 1\)/,
  );
  assert.throws(() => preprocess(tensor([1, 2], [1, 2]), "torch"), /preprocessInput: 'torch' expects RGB images/);
  // unit and tf scale any channel count (grayscale models use them)
  assert.deepEqual(Array.from(preprocess(tensor([255], [1, 1]), "unit").floats()), [1]);
});
