import assert from "node:assert/strict";
import { test } from "node:test";
import { intFlag, parse } from "../../src/cli/args.js";

test("options: --name value, --name=value, boolean flags, positionals", () => {
  const { positionals, flags } = parse(["train", "mnist-cnn", "--epochs", "3", "--json", "--out=runs/a", "--seed", "7", "--png"]);
  assert.deepEqual(positionals, ["train", "mnist-cnn"]);
  assert.deepEqual(flags, { epochs: "3", json: true, out: "runs/a", seed: "7", png: true });
  assert.equal(intFlag(flags, "epochs"), 3);
  assert.equal(intFlag(flags, "batch-size"), undefined);
  assert.throws(() => intFlag({ epochs: "-2" }, "epochs"), /--epochs needs a non-negative integer, got -2/);
  assert.throws(() => intFlag({ epochs: true }, "epochs"), /--epochs needs a non-negative integer, got true/);
});
