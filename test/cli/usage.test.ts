import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkOptions, USAGE, usageText } from "../../src/cli/usage.js";
import { tempDir } from "../helpers/tmp.js";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
const kerno = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd, timeout: 60000 });

test("every subcommand answers --help with its own usage and starts nothing", () => {
  const cwd = tempDir();
  for (const command of Object.keys(USAGE)) {
    const r = kerno(cwd, command, "--help");
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    assert.equal(r.stdout, usageText(command));
    assert.match(r.stdout, new RegExp(`^usage: kerno ${command}`));
  }
});

test("an unknown option is an error listing the valid ones, before any work", () => {
  const cwd = tempDir();
  const r = kerno(cwd, "train", "mnist-cnn", "--epoch", "3");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /kerno train: unknown option --epoch; valid: --epochs --batch-size/);
  assert.match(kerno(cwd, "bench", "--second", "1").stderr, /kerno bench: unknown option --second; valid: --json --seconds --save/);
  assert.match(kerno(cwd, "summary", "mnist-cnn", "--x=1").stderr, /unknown option --x; valid: \(none\)/);
  assert.throws(() => checkOptions("runs", ["json", "port"]), /unknown option --port/);
});

test("kerno bench runs from any folder (the harness and tsx resolve from the package)", () => {
  const r = kerno(tempDir(), "bench", "nosuch");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown workload 'nosuch'; known: sgemm/);
});
