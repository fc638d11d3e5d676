import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { CONV_WAYS } from "../../packages/node/scripts/conv-ways.mjs";
import { parse } from "../../src/cli/args.js";
import { COMMANDS, commandOptions, HELP, optionList, usageText } from "../../src/cli/usage.js";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
const kerno = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd, timeout: 60000 });
const named = (text: string) => [...text.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]);

test("every subcommand answers --help with its own usage and starts nothing", () => {
  const cwd = tempDir();
  for (const command of Object.keys(COMMANDS)) {
    const r = kerno(cwd, command, "--help");
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    assert.equal(r.stdout, usageText(command));
    assert.match(r.stdout, new RegExp(`^usage: kerno ${command}`));
  }
  assert.equal(kerno(cwd, "train", "--epoch", "1", "-h").stdout, usageText("train"));
});

test("every option a command's usage or kerno --help names is one its parser accepts", () => {
  for (const [command, spec] of Object.entries(COMMANDS)) {
    const accepted = new Set(commandOptions(spec).map((o) => o.name));
    for (const name of named(spec.usage)) assert.ok(accepted.has(name), `kerno ${command}'s usage names --${name}, which its options lack`);
    // and each is parsed as declared: a flag alone, an option with a value
    for (const o of commandOptions(spec)) {
      const sub = Object.keys(spec.subcommands ?? {}).find((s) => optionList(spec.subcommands?.[s] ?? "").some((p) => p.name === o.name));
      const argv = [...(sub ? [sub] : []), o.value === undefined ? `--${o.name}` : `--${o.name}=x`];
      assert.equal(parse(command, argv).flags[o.name], o.value === undefined ? true : "x", `kerno ${command} --${o.name}`);
    }
  }
  // kerno --help's Commands section: each block names its command's options only
  const commands = HELP.slice(HELP.indexOf("Commands:"), HELP.indexOf("Environment:"));
  const blocks = commands.split(/\n(?= {2}\S)/).slice(1);
  assert.ok(blocks.length >= Object.keys(COMMANDS).length, "kerno --help lists every command");
  for (const block of blocks) {
    const command = block.trim().split(/[\s,]/)[0];
    if (command === "help") continue;
    assert.ok(COMMANDS[command], `kerno --help lists '${command}', which usage.ts lacks`);
    const accepted = new Set(commandOptions(COMMANDS[command]).map((o) => o.name));
    for (const name of named(block)) assert.ok(accepted.has(name), `kerno --help names --${name} for ${command}, which its options lack`);
  }
  for (const command of Object.keys(COMMANDS))
    assert.ok(
      blocks.some((b) => b.trim().startsWith(command)),
      `kerno --help lacks ${command}`,
    );
});

test("an unknown option is a usage error (exit 2) naming the command and the valid options, before any work", () => {
  const cwd = tempDir();
  const r = kerno(cwd, "train", "mnist-cnn", "--epoch", "3");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^kerno train: unknown option --epoch \(options: --epochs, --batch-size, /);
  const b = kerno(cwd, "bench", "--second", "1");
  assert.equal(b.status, 2);
  assert.equal(b.stderr, "kerno bench: unknown option --second (options: --json, --seconds, --save)\n");
  assert.match(kerno(cwd, "summary", "mnist-cnn", "--x=1").stderr, /kerno summary: unknown option --x \(it takes no options\)/);
  assert.match(kerno(cwd, "doctor", "--verbose").stderr, /kerno doctor: unknown option --verbose \(options: --json, --measure\)/);
  assert.equal(kerno(cwd, "runs", "--runs").status, 2);
});

test("kerno bench runs from any folder (the harness and tsx resolve from the package)", () => {
  const r = kerno(tempDir(), "bench", "nosuch", "--seconds=0.1");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown workload 'nosuch'; known: sgemm/);
});

test("kerno --help names every way of running convolutions that KERNO_CONV forces (the addon's list, conv-ways.mjs)", () => {
  for (const way of CONV_WAYS) assert.match(HELP, new RegExp(`KERNO_CONV .*\\b${way}\\b`), `the CLI's help names ${way}`);
});
