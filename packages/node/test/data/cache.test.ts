import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { ChecksumError, fetchCached, sha256 } from "../../src/data/cache.js";

const payload = new TextEncoder().encode("kerno test payload ".repeat(1000));

async function withServer(body: (base: string, hits: () => number) => Promise<void>): Promise<void> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (req.url === "/good.bin") {
      res.writeHead(200, { "content-length": payload.length });
      res.end(payload);
    } else if (req.url === "/bad.bin") {
      res.writeHead(200);
      res.end(payload.subarray(0, 100));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => hits);
  } finally {
    server.close();
  }
}

test("a missing file is downloaded (falling back across mirrors), verified and stored; then read from the cache", async () => {
  const dir = tempDir();
  process.env.KERNO_DATA_DIR = dir;
  await withServer(async (base, hits) => {
    const file = { path: "demo/good.bin", sha256: sha256(payload), urls: [`${base}/missing.bin`, `${base}/good.bin`] };
    const got = await fetchCached(file, { log: () => {} });
    assert.deepEqual(got, payload);
    assert.deepEqual(readFileSync(join(dir, "demo/good.bin")), Buffer.from(payload));
    const before = hits();
    await fetchCached(file, { log: () => {} });
    assert.equal(hits(), before, "second read comes from the cache");
  });
});

test("a download with the wrong checksum is never stored; a corrupt cached file is reported and left alone", async () => {
  const dir = tempDir();
  process.env.KERNO_DATA_DIR = dir;
  await withServer(async (base) => {
    const file = { path: "demo/bad.bin", sha256: sha256(payload), urls: [`${base}/bad.bin`] };
    await assert.rejects(fetchCached(file, { log: () => {} }), /checksum mismatch/);
    assert.ok(!existsSync(join(dir, "demo/bad.bin")));
    assert.ok(!existsSync(join(dir, "demo")) || readdirSync(join(dir, "demo")).length === 0, "no partial download left");
  });
  mkdirSync(join(dir, "demo"), { recursive: true });
  writeFileSync(join(dir, "demo/truncated.bin"), payload.subarray(0, 10));
  await assert.rejects(
    fetchCached({ path: "demo/truncated.bin", sha256: sha256(payload), urls: [] }),
    (err) => err instanceof ChecksumError && /corrupt or truncated/.test(err.message),
  );
  assert.equal(readFileSync(join(dir, "demo/truncated.bin")).length, 10, "the cache is left as it was");
});
