/** Running an exported model in ONNX Runtime beside kerno's own predict. */
import assert from "node:assert/strict";
import { type Model, randomUniform, type Tensor } from "@kerno/core";
import * as ort from "onnxruntime-node";
import { toOnnx } from "../../src/interop/onnx-export.js";

/** The largest difference between kerno's predict and ONNX Runtime on the exported model, on uniform inputs of `shape`. */
export async function onnxDifference(model: Model, shape: number[]): Promise<number> {
  const x = randomUniform(shape, 0, 1, { seed: 5 });
  const want = (model.predict(x) as Tensor).floats();
  const session = await ort.InferenceSession.create(toOnnx(model));
  const got = (await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x.floats(), shape) }))[session.outputNames[0]];
  assert.deepEqual(got.dims, [shape[0], ...(model.outputs[0].shape.slice(1) as number[])]);
  return Math.max(...Array.from(want, (v, i) => Math.abs(v - (got.data as Float32Array)[i])));
}
