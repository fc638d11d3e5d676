import assert from "node:assert/strict";
import { test } from "node:test";
import { Dense } from "@kerno/core";
import { modelFromConfig } from "@kerno/core/models/rebuild.js";
import { layerConfig, modelConfig } from "../../src/interop/keras-config.js";
import { kerasLayerSpec } from "../../src/interop/keras-write-config.js";

test("Keras 3 functional JSON: inbound nodes as keras tensors, dtype policies, initializers and regularizers mapped", () => {
  const keras3 = {
    class_name: "Functional",
    config: {
      name: "f",
      layers: [
        { class_name: "InputLayer", name: "input_layer", config: { batch_shape: [null, 4], dtype: "float32", name: "input_layer" }, inbound_nodes: [] },
        {
          class_name: "Dense",
          name: "d1",
          config: {
            name: "d1",
            units: 3,
            activation: "relu",
            use_bias: true,
            dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" } },
            kernel_initializer: { class_name: "VarianceScaling", config: { scale: 2, mode: "fan_in", distribution: "truncated_normal" } },
            kernel_regularizer: { class_name: "L2", config: { l2: 0.01 } },
            kernel_constraint: null,
          },
          inbound_nodes: [
            { args: [{ class_name: "__keras_tensor__", config: { shape: [null, 4], dtype: "float32", keras_history: ["input_layer", 0, 0] } }], kwargs: {} },
          ],
        },
        {
          class_name: "Add",
          name: "add",
          config: { name: "add" },
          inbound_nodes: [
            {
              args: [
                [
                  { class_name: "__keras_tensor__", config: { keras_history: ["d1", 0, 0] } },
                  { class_name: "__keras_tensor__", config: { keras_history: ["d1", 0, 0] } },
                ],
              ],
              kwargs: {},
            },
          ],
        },
      ],
      input_layers: ["input_layer", 0, 0],
      output_layers: ["add", 0, 0],
    },
  };
  const spec = modelConfig(keras3, "t");
  const model = modelFromConfig(spec.className, spec.config, "t");
  assert.deepEqual(
    model.layers.map((l) => l.className),
    ["InputLayer", "Dense", "Add"],
  );
  const dense = model.getLayer("d1").getConfig();
  assert.equal(dense.kernelInitializer, "heNormal");
  assert.deepEqual(dense.kernelRegularizer, { l2: 0.01 });
  assert.equal(model.countParams(), 15);
});

test("Keras 2 Sequential JSON (a plain list of layers) and unsupported options", () => {
  const spec = modelConfig({ class_name: "Sequential", config: [{ class_name: "Dense", config: { name: "d", units: 2, batch_input_shape: [null, 3] } }] }, "t");
  assert.deepEqual(spec.config.inputShape, [3]);
  assert.equal(modelFromConfig(spec.className, spec.config, "t").countParams(), 8);
  assert.throws(
    () => layerConfig("Conv2D", { name: "c", filters: 2, kernel_size: 3, data_format: "channels_first" }, "load"),
    /Conv2D 'c': data_format 'channels_first' is not supported/,
  );
  assert.throws(() => layerConfig("LSTM", { name: "l", units: 2, stateful: true }, "load"), /stateful recurrent layers are not supported/);
  assert.equal(layerConfig("LeakyReLU", { name: "r", negative_slope: 0.1 }, "t").config.alpha, 0.1);
});

test("a layer's dtype policy is written as Keras's DTypePolicy object and read back as the policy name", () => {
  const config = { ...new Dense({ units: 2 }).getConfig(), dtype: "mixed_bfloat16" };
  const keras = kerasLayerSpec({ className: "Dense", config }, "test") as { config: Record<string, unknown> };
  assert.deepEqual((keras.config.dtype as { config: unknown }).config, { name: "mixed_bfloat16" });
  assert.equal(layerConfig("Dense", keras.config, "test").config.dtype, "mixed_bfloat16");
});
