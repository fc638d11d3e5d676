/**
 * The playground's server without a browser: cross-origin isolation headers on what it serves,
 * the data cache read-only and nothing outside it, and bad requests answered with a 4xx; and the
 * static build (--build): the page's files, the _headers file, MNIST copied only when its
 * checksum holds.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { FASHION_MNIST_FILES, idxFiles, MNIST_FILES } from "@kerno/core/data/idx.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { buildPlayground } from "../../src/playground/build.js";
import type { PageFile } from "../../src/playground/files.js";
import { dataFile, startPlayground } from "../../src/playground/server.js";
import { rawRequest } from "../helpers/http.js";

const page = (text: string, type: string): PageFile => ({ type, body: new TextEncoder().encode(text) });
const FILES = new Map([
  ["index.html", page("<!doctype html><p>kerno", "text/html; charset=utf-8")],
  ["app/playground.js", page("export {}", "text/javascript; charset=utf-8")],
]);

function dataFolder(): string {
  // the cache and a file beside it, both inside one temp folder removed at exit
  const outer = tempDir("kerno-playground-");
  const root = join(outer, "data");
  mkdirSync(join(root, "mnist"), { recursive: true });
  writeFileSync(join(root, "mnist", "t10k-labels-idx1-ubyte.gz"), "labels");
  writeFileSync(join(outer, "secret.txt"), "secret");
  // a file the page reads, as a link out of the cache
  symlinkSync(join(outer, "secret.txt"), join(root, "mnist", "train-labels-idx1-ubyte.gz"));
  writeFileSync(join(root, "mnist", "other.gz"), "not a file the page reads");
  writeFileSync(join(root, ".hidden"), "hidden");
  return root;
}

async function withServer(run: (port: number, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = dataFolder();
  const { server } = await startPlayground({ dataDir, port: 0, files: FILES });
  try {
    await run((server.address() as AddressInfo).port, dataDir);
  } finally {
    (server as Server).close();
  }
}

const get = (port: number, path: string, host = `127.0.0.1:${port}`, method = "GET") =>
  rawRequest(port, { head: `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close` });

test("the page, its module and the data cache come with cross-origin isolation headers; the page with its CSP", async () => {
  await withServer(async (port) => {
    for (const path of ["/", "/app/playground.js", "/data/mnist/t10k-labels-idx1-ubyte.gz"]) {
      const r = await get(port, path);
      assert.equal(r.kind === "answer" && r.status, 200, `${path}: ${JSON.stringify(r)}`);
      if (r.kind !== "answer") continue;
      assert.equal(r.headers["cross-origin-opener-policy"], "same-origin");
      assert.equal(r.headers["cross-origin-embedder-policy"], "require-corp");
      assert.equal(r.headers["cross-origin-resource-policy"], "same-origin");
      if (path === "/") assert.match(r.headers["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/);
      if (path.startsWith("/data/")) {
        assert.equal(r.body, "labels");
        assert.equal(r.headers["content-security-policy"], "default-src 'none'; sandbox");
      }
    }
  });
});

test("of the data cache only the files the page reads are served, never through a link out: dot segments, encoded slashes, other files, hidden files", async () => {
  await withServer(async (port) => {
    for (const path of [
      "/data/../package.json",
      "/data/mnist/..%2f..%2fetc%2fpasswd",
      "/data/mnist/link.gz",
      "/data/.hidden",
      "/data/mnist",
      "/data/",
      "/data/a%00b",
      "/data/mnist/%2e%2e/x",
      "/etc/passwd",
    ]) {
      const r = await get(port, path);
      assert.ok(r.kind === "answer" && r.status >= 400 && r.status < 500, `${path}: ${JSON.stringify(r).slice(0, 200)}`);
      assert.ok(r.kind !== "answer" || !r.body.includes("secret"), path);
    }
  });
  assert.equal(dataFile("/nonexistent", "mnist/t10k-labels-idx1-ubyte.gz"), null);
});

test("bad requests get a 4xx and the server keeps answering: another method, a foreign Host, a bad escape", async () => {
  await withServer(async (port) => {
    const post = await get(port, "/", undefined, "POST");
    assert.equal(post.kind === "answer" && post.status, 405);
    const foreign = await get(port, "/", "evil.example:80");
    assert.equal(foreign.kind === "answer" && foreign.status, 403);
    const badEscape = await get(port, "/data/%zz");
    assert.equal(badEscape.kind === "answer" && badEscape.status, 400);
    const after = await get(port, "/");
    assert.equal(after.kind === "answer" && after.status, 200);
  });
});

test("--build writes the page, a _headers file for isolation and MNIST from the cache, refusing a damaged file", async () => {
  const out = tempDir("kerno-playground-build");
  const built = await buildPlayground(out, tempDir("kerno-playground-empty"), FILES);
  assert.deepEqual(built.files, ["index.html", "app/playground.js", "_headers"]);
  assert.equal(readFileSync(join(out, "app", "playground.js"), "utf8"), "export {}");
  const headers = readFileSync(join(out, "_headers"), "utf8");
  assert.match(headers, /^\/\*\n {2}cross-origin-opener-policy: same-origin\n {2}cross-origin-embedder-policy: require-corp\n/);
  assert.match(headers, /\n\/index\.html\n {2}content-security-policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/);
  assert.deepEqual(
    built.missingData,
    [MNIST_FILES, FASHION_MNIST_FILES].flatMap((set) => idxFiles(set).map((f) => f.path)),
  );
  // a file of the right name with other bytes (the fake cache's test labels) is refused, naming it and both hashes
  await assert.rejects(
    buildPlayground(tempDir("kerno-playground-build"), dataFolder(), FILES),
    /t10k-labels-idx1-ubyte\.gz: SHA-256 [0-9a-f]{64}, expected f7ae60f9/,
  );
});
