import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Dense, Input, Sequential } from "@kerno/core";
import { ramp } from "../../../core/test/helpers/gradcheck.js";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { TensorBoard } from "../../src/index.js";
import { tensorboardProtos } from "../../src/interop/tensorboard-events.js";
import { readEvents } from "./tensorboard-events.test.js";

type Ev = { step?: number; graphDef?: Buffer; summary?: { value: { tag: string; simpleValue?: number; histo?: unknown }[] } };
const tags = (events: Ev[]) => events.flatMap((e) => (e.summary ? e.summary.value.map((v) => `${v.tag}@${e.step ?? 0}`) : []));

test("fit with TensorBoard writes Keras's train/ and validation/ logs: epoch and batch scalars, histograms, the graph", async () => {
  const logDir = tempDir();
  const model = new Sequential([Input({ shape: [3] }), new Dense({ units: 4, activation: "relu" }), new Dense({ units: 1 })]);
  model.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae"] });
  const x = ramp([8, 3]);
  const y = ramp([8, 1]);
  await model.fit(x, y, {
    epochs: 2,
    batchSize: 2,
    validationData: [x, y],
    verbose: 0,
    callbacks: [new TensorBoard({ logDir, updateFreq: 3, histogramFreq: 1 })],
  });
  const file = (sub: string) => join(logDir, sub, readdirSync(join(logDir, sub))[0]);
  const train = readEvents(file("train")) as Ev[];
  const t = tags(train);
  for (const tag of ["epoch_loss@0", "epoch_loss@1", "epoch_mae@1", "batch_loss@3", "batch_loss@6", "dense/kernel@0", "dense_1/bias@1"])
    assert.ok(t.includes(tag), `${tag} in ${t.join(" ")}`);
  assert.ok(!t.some((x) => x.startsWith("epoch_val_") || x.startsWith("batch_loss@1")));
  const validation = tags(readEvents(file("validation")) as Ev[]);
  assert.deepEqual(
    validation.filter((x) => x.startsWith("epoch_loss")),
    ["epoch_loss@0", "epoch_loss@1"],
  );
  const { GraphDef } = tensorboardProtos();
  const graph = GraphDef.toObject(GraphDef.decode(train.find((e) => e.graphDef)!.graphDef!)) as { node: { name: string; op: string; input?: string[] }[] };
  assert.deepEqual(
    graph.node.map((n) => `${n.name}:${n.op}<${(n.input ?? []).join(",")}`),
    ["input_1:InputLayer<", "dense:Dense<input_1", "dense_1:Dense<dense"],
  );
  assert.throws(() => new TensorBoard({ updateFreq: 0 }), /updateFreq must be "epoch", "batch" or a positive integer, got 0/);
});
