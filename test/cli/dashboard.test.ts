import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { startRun } from "../../src/runs/runs.js";
import { tempDir } from "../helpers/tmp.js";

const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));

test("kerno dashboard prints its 127.0.0.1 URL and serves the runs folder it was given", async () => {
  const root = tempDir();
  startRun(root, "one", {});
  const child = spawn(process.execPath, [bin, "dashboard", "--runs", root, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = /kerno dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) done(m[1]);
      });
      child.on("exit", (code) => fail(new Error(`exited ${code}`)));
    });
    const runs = (await (await fetch(`${url}api/runs`)).json()) as { name: string }[];
    assert.deepEqual(
      runs.map((r) => r.name),
      ["one"],
    );
  } finally {
    child.kill();
  }
});
