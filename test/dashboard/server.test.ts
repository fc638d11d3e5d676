import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, request } from "node:http";
import { basename, join } from "node:path";
import { test } from "node:test";
import { link, tempDir } from "../../packages/core/test/helpers/tmp.js";
import { runFolder, startDashboard } from "../../src/dashboard/server.js";
import { endRun, LIST_HISTORY_BYTES, startRun } from "../../src/runs/runs.js";

interface Answer {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

/** GET with the path sent exactly as given (fetch would normalize ../) and the Host given, if any. */
function get(url: string, path: string, host?: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    request({ hostname, port, path, method: "GET", headers: host ? { host } : {} }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => done({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on("error", fail)
      .end();
  });
}

async function dashboard(root: string) {
  const { server, url } = await startDashboard({ runsDir: root, port: 0 });
  const stop = () => {
    server.closeAllConnections();
    server.close();
  };
  return { url, stop };
}

test("the dashboard serves the runs, their files, a live stream, and nothing outside the runs folder", { timeout: 60000 }, async () => {
  const root = tempDir();
  const dir = startRun(root, "live", {});
  writeFileSync(join(dir, "history.csv"), "epoch,loss,val_loss\n0,1,0.9\n");
  writeFileSync(join(dir, "summary.txt"), "Model: test\n");
  const done = startRun(root, "done", {});
  endRun(done, { report: { accuracy: 1 } });
  const { url, stop } = await dashboard(root);
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.match(await page.text(), /kerno runs/);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
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
    assert.equal(runFolder(root, id), realpathSync(dir));
  } finally {
    stop();
  }
});

test("symlinks out of the runs folder are refused; run files are served inert (no html, svg sandboxed)", { timeout: 30000 }, async (t) => {
  const outside = tempDir();
  writeFileSync(join(outside, "secret.json"), '{"token":"s3cr3t-outside"}');
  mkdirSync(join(outside, "run"));
  writeFileSync(join(outside, "run", "summary.txt"), "s3cr3t-outside\n");
  writeFileSync(join(outside, "run", "config.json"), '{"name":"s3cr3t-outside"}');
  const root = tempDir();
  const dir = startRun(root, "r", {});
  const id = basename(dir);
  rmSync(join(dir, "config.json"));
  const links = [
    link(join(outside, "secret.json"), join(dir, "leak.json")),
    link(join(outside, "secret.json"), join(dir, "config.json")),
    link(join(outside, "run"), join(root, "linked")),
  ];
  // without links the same answers are due (nothing links out), but they then prove less
  if (!links.every(Boolean)) t.diagnostic("symlinks cannot be made here: the link cases are skipped");
  writeFileSync(join(dir, "page.html"), "<script>alert(document.cookie)</script>");
  writeFileSync(join(dir, "plot.svg"), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  const { url, stop } = await dashboard(root);
  try {
    const leak = await get(url, `/api/runs/${id}/files/leak.json`);
    assert.equal(leak.status, 404, `a symlink out of the run folder: expected 404, got ${leak.status} ${leak.body}`);
    const details = await get(url, `/api/runs/${id}`);
    assert.equal(details.status, 200);
    assert.doesNotMatch(details.body, /s3cr3t/, "the details read a config.json that links out");
    assert.deepEqual((JSON.parse(details.body) as { files: string[] }).files.sort(), ["plot.svg", "status.json"]);
    for (const path of ["/api/runs/linked", "/api/runs/linked/files/summary.txt", "/api/runs/linked/stream", `/api/runs/${id}/files/page.html`]) {
      const r = await get(url, path);
      assert.equal(r.status, 404, `${path}: expected 404, got ${r.status}`);
    }
    const listed = await get(url, "/api/runs");
    assert.doesNotMatch(listed.body, /s3cr3t|linked/, "a run folder linked from outside is not listed");
    const svg = await get(url, `/api/runs/${id}/files/plot.svg`);
    assert.equal(svg.status, 200);
    assert.equal(svg.headers["content-type"], "image/svg+xml");
    assert.match(String(svg.headers["content-security-policy"]), /default-src 'none'.*sandbox/);
    assert.equal(svg.headers["x-content-type-options"], "nosniff");
  } finally {
    stop();
  }
});

test("one damaged run neither hides nor kills the others: deleted while streamed, a huge history, a dangling link, bad escapes", {
  timeout: 60000,
}, async () => {
  const root = tempDir();
  const good = startRun(root, "good", {});
  endRun(good, { report: {} });
  const big = startRun(root, "big", {});
  const rows = Array.from({ length: 125_000 }, (_, i) => `${i},${1 / (i + 1)},${2 / (i + 1)}`);
  writeFileSync(join(big, "history.csv"), `epoch,loss,val_loss\n${rows.join("\n")}\n`);
  const gone = startRun(root, "gone", {});
  link(join(root, "nowhere"), join(root, "dangling"));
  const { url, stop } = await dashboard(root);
  try {
    const listed = await get(url, "/api/runs");
    assert.equal(listed.status, 200, `GET /api/runs: ${listed.body}`);
    const runs = JSON.parse(listed.body) as { name: string; best: { value: number } | null }[];
    assert.deepEqual(runs.map((r) => r.name).sort(), ["big", "gone", "good"]);
    assert.equal(runs.find((r) => r.name === "big")!.best!.value, 2 / 125_000);
    assert.equal((await get(url, `/api/runs/${basename(big)}`)).status, 200);
    // the huge history streams too
    const bigStream = (await fetch(`${url}api/runs/${basename(big)}/stream`)).body!.getReader();
    assert.equal((await bigStream.read()).done, false);
    await bigStream.cancel();
    // a run folder deleted while its stream is open ends the stream; the server lives on
    const reader = (await fetch(`${url}api/runs/${basename(gone)}/stream`)).body!.getReader();
    await reader.read();
    rmSync(gone, { recursive: true });
    let text = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    assert.match(text, /event: gone/);
    const after = await get(url, "/api/runs");
    assert.deepEqual((JSON.parse(after.body) as { name: string }[]).map((r) => r.name).sort(), ["big", "good"]);
    for (const path of ["/api/runs/%E0%A4%A", "/%", "/api/runs/x%00y"]) {
      const r = await get(url, path);
      assert.equal(r.status, 400, `${path}: expected 400, got ${r.status} ${r.body}`);
    }
  } finally {
    stop();
  }
});

test("a history too big for the runs list is listed with a note; the run's own view reads it whole", { timeout: 60000 }, async () => {
  const root = tempDir();
  const big = startRun(root, "big", {});
  // long rows: past the list's cap in ~40k epochs
  const pad = "0".repeat(200);
  const rows = Math.ceil(LIST_HISTORY_BYTES / 200);
  const lines = Array.from({ length: rows }, (_, i) => `${i},${(1 / (i + 1)).toFixed(6)}${pad}`);
  writeFileSync(join(big, "history.csv"), `epoch,val_loss\n${lines.join("\n")}\n`);
  startRun(root, "small", {});
  const { url, stop } = await dashboard(root);
  try {
    const runs = JSON.parse((await get(url, "/api/runs")).body) as { name: string; epochs: number; best: unknown; note?: string }[];
    assert.deepEqual(runs.map((r) => r.name).sort(), ["big", "small"]);
    const listed = runs.find((r) => r.name === "big")!;
    assert.match(listed.note ?? "", /^history\.csv is \d+\.\d MB, over the 8 MB the runs list reads/);
    assert.deepEqual([listed.epochs, listed.best], [0, null]);
    const details = JSON.parse((await get(url, `/api/runs/${basename(big)}`)).body) as {
      run: { epochs: number; best: unknown; note?: string };
      history: { epoch: number[] };
    };
    assert.equal(details.history.epoch.length, rows);
    assert.deepEqual([details.run.epochs, details.run.best, details.run.note], [rows, { metric: "val_loss", value: Number((1 / rows).toFixed(6)) }, undefined]);
  } finally {
    stop();
  }
});

test("the dashboard answers only requests addressed to it (DNS rebinding)", async () => {
  const { url, stop } = await dashboard(tempDir());
  const { port } = new URL(url);
  try {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`])
      assert.equal((await get(url, "/api/runs", host)).status, 200, host);
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1:${Number(port) + 1}`, `localhost.evil.example:${port}`, `127.0.0.1:${port}@x`]) {
      const r = await get(url, "/api/runs", host);
      assert.equal(r.status, 403, `Host ${host}: expected 403, got ${r.status}`);
    }
  } finally {
    stop();
  }
});
