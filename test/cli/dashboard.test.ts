import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { startRun } from "../../src/runs/runs.js";
import { untilOutput } from "../helpers/http.js";

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

test("kerno dashboard --host 0.0.0.0 warns on stderr that the runs are reachable from other machines", { timeout: 60000 }, async () => {
  const child = spawn(process.execPath, [bin, "dashboard", "--runs", tempDir(), "--port", "0", "--host", "0.0.0.0"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const { err } = await untilOutput(child, (out, err) => /kerno dashboard: http:\/\//.test(out) && /0\.0\.0\.0/.test(err), "kerno dashboard");
    assert.match(err, /reachable from other machines/);
  } finally {
    child.kill();
  }
});

test("kerno dashboard --host <name of a loopback address>: the printed URL answers, and nothing warns", { timeout: 60000 }, async (t) => {
  // "127.1" is a name to Node, which the system resolver reads as 127.0.0.1: a stand-in for a hosts-file name
  const child = spawn(process.execPath, [bin, "dashboard", "--runs", tempDir(), "--port", "0", "--host", "127.1"], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  try {
    const url = await new Promise<string | null>((done, fail) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = /kerno dashboard: (http:\/\/\S+\/) /.exec(out);
        if (m) done(m[1]);
      });
      child.on("exit", (code) => (/ENOTFOUND|EAI_/.test(err) ? done(null) : fail(new Error(`kerno dashboard exited ${code}: ${err}`))));
      setTimeout(() => fail(new Error(`expected a URL within 30 s; stdout: ${out}; stderr: ${err}`)), 30000).unref();
    });
    if (!url) return t.skip(`the resolver here does not read 127.1: ${err}`);
    // not new URL(url): it rewrites the host 127.1 as 127.0.0.1
    const [, hostname, port] = /^http:\/\/([^/:]+):(\d+)\/$/.exec(url) ?? [];
    assert.equal(hostname, "127.1", `the URL names the host as given: ${url}`);
    // the Host a client sends for the printed URL (fetch would send 127.0.0.1)
    const status = await new Promise<number>((done, fail) =>
      request({ host: "127.0.0.1", port, path: "/api/runs", headers: { host: `127.1:${port}` } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      })
        .on("error", fail)
        .end(),
    );
    assert.equal(status, 200, `GET ${url}api/runs with Host 127.1:${port}`);
    assert.doesNotMatch(err, /reachable from other machines/, "bound to 127.0.0.1: no warning");
  } finally {
    child.kill();
  }
});
