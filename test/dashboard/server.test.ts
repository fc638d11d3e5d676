import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { basename, join } from "node:path";
import { test } from "node:test";
import { runFolder, startDashboard } from "../../src/dashboard/server.js";
import { endRun, startRun } from "../../src/runs/runs.js";
import { tempDir } from "../helpers/tmp.js";

/** GET with the path sent exactly as given (fetch would normalize ../). */
function get(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    request({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
    })
      .on("error", fail)
      .end();
  });
}

test("the dashboard serves the runs, their files, a live stream, and nothing outside the runs folder", { timeout: 60000 }, async () => {
  const root = tempDir();
  const dir = startRun(root, "live", {});
  writeFileSync(join(dir, "history.csv"), "epoch,loss,val_loss\n0,1,0.9\n");
  writeFileSync(join(dir, "summary.txt"), "Model: test\n");
  const done = startRun(root, "done", {});
  endRun(done, { report: { accuracy: 1 } });
  const { server, url } = await startDashboard({ runsDir: root, port: 0 });
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.match(await page.text(), /kerno runs/);
    assert.equal((await fetch(`${url}uplot.js`)).status, 200);
    const runs = (await (await fetch(`${url}api/runs`)).json()) as { name: string; status: string }[];
    assert.deepEqual(runs.map((r) => r.name).sort(), ["done", "live"]);
    const id = basename(dir);
    const details = (await (await fetch(`${url}api/runs/${id}`)).json()) as { files: string[]; history: { loss: number[] } };
    assert.ok(details.files.includes("summary.txt"));
    assert.deepEqual(details.history.loss, [1]);
    assert.equal(await (await fetch(`${url}api/runs/${id}/files/summary.txt`)).text(), "Model: test\n");
    // the stream sends the history now and again when the training process appends an epoch
    const stream = await fetch(`${url}api/runs/${id}/stream`);
    const reader = stream.body!.getReader();
    const next = async () => JSON.parse(new TextDecoder().decode((await reader.read()).value).replace(/^data: /, "")) as { history: { epoch: number[] } };
    assert.equal((await next()).history.epoch.length, 1);
    appendFileSync(join(dir, "history.csv"), "1,0.8,0.7\n");
    assert.equal((await next()).history.epoch.length, 2);
    await reader.cancel();
    // nothing outside: encoded slashes, dot segments, files that are not plain names
    for (const path of [
      `/api/runs/..%2F..%2Fetc/files/passwd`,
      `/api/runs/${id}/files/..%2Fconfig.json`,
      "/api/runs/../../etc/passwd",
      `/api/runs/${id}/files/.hidden`,
      "/app.js/../../package.json",
    ]) {
      const r = await get(url, path);
      assert.equal(r.status, 404, `${path}: ${r.status}`);
    }
    assert.equal(runFolder(root, ".."), null);
    assert.equal(runFolder(root, id), dir);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
