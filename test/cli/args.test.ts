import assert from "node:assert/strict";
import { test } from "node:test";
import { intFlag, parse, UsageError } from "../../src/cli/args.js";

test("options: --name value, --name=value, boolean flags, positionals", () => {
  const { positionals, flags } = parse("train", ["mnist-cnn", "--epochs", "3", "--json", "--out=runs/a", "--seed", "7", "--png"]);
  assert.deepEqual(positionals, ["mnist-cnn"]);
  assert.deepEqual(flags, { epochs: "3", json: true, out: "runs/a", seed: "7", png: true });
  assert.equal(intFlag(flags, "epochs"), 3);
  assert.equal(intFlag(flags, "batch-size"), undefined);
  assert.throws(() => intFlag({ epochs: "-2" }, "epochs"), /--epochs needs a non-negative integer, got -2/);
  assert.throws(() => intFlag({ epochs: true }, "epochs"), /--epochs needs a non-negative integer, got true/);
  // the same value either way; a value may contain '='
  assert.deepEqual(parse("dashboard", ["--port=0", "--host", "127.0.0.1"]).flags, parse("dashboard", ["--port", "0", "--host=127.0.0.1"]).flags);
  assert.equal(parse("train", ["--csv", "t.csv", "--target=a=b"]).flags.target, "a=b");
});

test("a boolean flag before a positional leaves the positional alone", () => {
  assert.deepEqual(parse("train", ["--png", "mnist-cnn", "--epochs", "1"]), { positionals: ["mnist-cnn"], flags: { png: true, epochs: "1" } });
  assert.deepEqual(parse("train", ["--course", "traffic-forecast"]).positionals, ["traffic-forecast"]);
  assert.deepEqual(parse("plot-model", ["--lr", "mnist-cnn", "out.svg"]), { positionals: ["mnist-cnn", "out.svg"], flags: { lr: true } });
  assert.deepEqual(parse("runs", ["--json", "--runs", "r"]).flags, { json: true, runs: "r" });
});

test("an option the command does not take is a usage error naming the command, the option and the options", () => {
  assert.throws(
    () => parse("train", ["mnist-cnn", "--epoch", "5"]),
    (err: Error) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /kerno train: unknown option --epoch \(options: --epochs, --batch-size, --backend, .*--fraction\)$/);
      return true;
    },
  );
  // an option of another command
  assert.throws(() => parse("runs", ["--port", "1"]), /kerno runs: unknown option --port \(options: --runs, --json\)$/);
  assert.throws(() => parse("summary", ["mnist-cnn", "--x=1"]), /kerno summary: unknown option --x \(it takes no options\)$/);
  assert.throws(() => parse("doctor", ["-v"]), /kerno doctor: unknown option -v/);
  // a subcommand takes its own options and the common ones
  assert.throws(
    () => parse("interpret", ["gradcam", "m.kerno", "a.png", "--filters", "0-3"]),
    /kerno interpret gradcam: unknown option --filters \(options: --layer, --class, --out, --json/,
  );
  assert.equal(parse("interpret", ["filters", "m.kerno", "--layer", "c", "--filters", "0-3", "--json"]).flags.filters, "0-3");
});

test("a value missing, or given to a flag, is a usage error", () => {
  assert.throws(() => parse("train", ["mnist-cnn", "--out"]), /kerno train: --out needs a value \(--out DIR\)$/);
  assert.throws(() => parse("train", ["mnist-cnn", "--out", "--json"]), /kerno train: --out needs a value \(--out DIR, or --out=--json\)$/);
  assert.throws(() => parse("train", ["mnist-cnn", "--png=yes"]), /kerno train: --png takes no value, got '--png=yes'$/);
  assert.equal(parse("attack", ["one-pixel", "m", "--out=-dir"]).flags.out, "-dir");
  assert.deepEqual(parse("predict", ["m", "--", "--odd-name.png"]).positionals, ["m", "--odd-name.png"]);
});
