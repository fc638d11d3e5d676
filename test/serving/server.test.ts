import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { Dense, Flatten, Input, randomUniform, Sequential, type Tensor } from "../../src/index.js";
import { batchOf, createPredictionServer, loadPredictor, type Predictor } from "../../src/serving/server.js";
import { untilOutput } from "../helpers/http.js";

function classifier() {
  const m = new Sequential([Input({ shape: [2, 2] }), new Flatten(), new Dense({ units: 3, activation: "softmax" })], { name: "tiny" });
  m.classNames = ["a", "b", "c"];
  return m;
}

async function serve(path: string, limits = {}) {
  const server = createPredictionServer(await loadPredictor(path), limits);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (body: string) => {
    const r = await fetch(`${url}/predict`, { method: "POST", body, headers: { "content-type": "application/json" } });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  return { server, url, post };
}

test("a kerno model and its ONNX export answer the same predictions; bad payloads are 400s, big ones 413", async () => {
  const dir = tempDir();
  const model = classifier();
  model.save(join(dir, "m.kerno"));
  model.export(join(dir, "m.onnx"));
  const x = randomUniform([4, 2, 2], 0, 1, { seed: 2 });
  const want = (model.predict(x) as Tensor).floats();
  const rows = Array.from({ length: 4 }, (_, i) => [Array.from(x.floats().subarray(i * 4, i * 4 + 2)), Array.from(x.floats().subarray(i * 4 + 2, i * 4 + 4))]);
  for (const file of ["m.kerno", "m.onnx"]) {
    const { server, url, post } = await serve(join(dir, file), { maxBatch: 8, maxBytes: 4096 });
    try {
      const health = (await (await fetch(`${url}/health`)).json()) as { inputShape: number[] };
      assert.deepEqual(health.inputShape, [2, 2]);
      const ok = await post(JSON.stringify({ inputs: rows }));
      assert.equal(ok.status, 200);
      const got = (ok.json.outputs as number[][]).flat();
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-5, `${file}: ${got[i]} vs ${want[i]}`);
      if (file === "m.kerno") assert.equal((ok.json.classes as string[]).length, 4);
      assert.equal((await post("{not json")).status, 400);
      const wrong = await post(JSON.stringify({ inputs: [[1, 2, 3]] }));
      assert.deepEqual([wrong.status, wrong.json.error], [400, "POST /predict: each example must have shape [2, 2], got [3]"]);
      assert.match(String((await post(JSON.stringify({ inputs: Array(9).fill(rows[0]) }))).json.error), /at most 8 examples per request, got 9/);
      assert.match(
        String(
          (
            await post(
              JSON.stringify({
                inputs: [
                  [
                    [1, "x"],
                    [1, 2],
                  ],
                ],
              }),
            )
          ).json.error,
        ),
        /example 0 at \[0, 1\]: expected a finite number, got the string "x"/,
      );
      assert.equal((await post(JSON.stringify({ inputs: Array(300).fill(rows[0]) }))).status, 413);
    } finally {
      server.close();
    }
  }
});

test("batches: ragged examples are named", () => {
  assert.throws(
    () =>
      batchOf(
        {
          inputs: [
            [1, 2],
            [1, 2, 3],
          ],
        },
        [null],
        10,
      ),
    /example 1 has shape \[3\], example 0 \[2\]/,
  );
  assert.deepEqual(batchOf({ instances: [[1, 2]] }, [2], 10).shape, [1, 2]);
  // a photo-sized example (224 x 224 x 3 values) arrives whole
  const photo = Array.from({ length: 224 }, (_, i) => Array.from({ length: 224 }, (_, j) => [i, j, 1]));
  const big = batchOf({ inputs: [photo, photo] }, [224, 224, 3], 10);
  assert.deepEqual(big.shape, [2, 224, 224, 3]);
  assert.deepEqual(Array.from(big.data.subarray(150_528 + 3 * 225, 150_528 + 3 * 226)), [1, 1, 1]);
  assert.throws(() => batchOf({ rows: [] }, [2], 10), /expected \{"inputs"/);
  // lengths that ask for more values than the body could hold are refused before allocating
  assert.throws(() => batchOf({ inputs: [[Array(1000).fill(0), ...Array(999).fill([])]] }, [null, null], 10, 10_000), /more values than this request can hold/);
  assert.throws(() => batchOf({ inputs: [5] }, [null], 10), /example 0: expected an array of any length, got the number 5/);
});

/** A request sent as given: a Content-Length that may lie, a body that may never end; resolves with the answer or null at `boundMs`. */
function send(url: string, o: { method?: string; path?: string; headers?: Record<string, string>; body?: string; end?: boolean }, boundMs = 15000) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: string } | null>((done, fail) => {
    const bound = setTimeout(() => {
      req.destroy();
      done(null);
    }, boundMs);
    const req = request({ hostname, port, path: o.path ?? "/predict", method: o.method ?? "POST", headers: o.headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        clearTimeout(bound);
        done({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", (err) => {
      clearTimeout(bound);
      fail(err);
    });
    if (o.body) req.write(o.body);
    if (o.end !== false) req.end();
  });
}

const fixed: Predictor = {
  format: "kerno",
  inputShape: [2, 2],
  classNames: null,
  outputValues: 4,
  async predict(x, shape) {
    return { data: x.map((v) => v * 10), shape };
  },
};

async function listen(predictor: Predictor, limits = {}) {
  const server = createPredictionServer(predictor, limits);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test("every example is checked at every level against the model's input: ragged, short, scalar, deep, beyond float32 are 400s", async () => {
  const { server, url } = await listen(fixed);
  try {
    const deep = `${"[".repeat(10_000)}1${"]".repeat(10_000)}`;
    const cases: [string, RegExp][] = [
      ['{"inputs":[[[1,2],[3]],[[4,5],[6,7,8]]]}', /example 0 at \[1\]: expected 2 values, got 1/],
      ['{"inputs":[[[1,2],[3,4]],[[4,5],[6,7,8]]]}', /example 1 at \[1\]: expected 2 values, got 3/],
      ['{"inputs":[1]}', /example 0: expected an array of 2, got the number 1/],
      ['{"inputs":[[[1,2]]]}', /each example must have shape \[2, 2\], got \[1, 2\]/],
      [`{"inputs":[${deep}]}`, /each example must have shape \[2, 2\], got \[1, 1, \.\.\.\]/],
      ['{"inputs":[[[1,2],[[3],4]]]}', /example 0 at \[1, 0\]: expected a finite number, got an array of 1/],
      ['{"inputs":[[[1e39,2],[3,4]]]}', /example 0 at \[0, 0\]: 1e\+39 is not finite in float32/],
      ['{"inputs":[[[1,2],[3,4]],5]}', /example 1: expected an array of 2, got the number 5/],
      ["[]", /expected \{"inputs"/],
      ["null", /expected \{"inputs"/],
    ];
    for (const [body, message] of cases) {
      const r = (await send(url, { body }))!;
      assert.equal(r.status, 400, `${body.slice(0, 60)}: expected 400, got ${r.status} ${r.body.slice(0, 200)}`);
      const error = String((JSON.parse(r.body) as { error: string }).error);
      assert.match(error, message);
      assert.ok(error.length < 200, `a short message, got ${error.length} characters`);
    }
    const ok = (await send(url, { body: '{"inputs":[[[1,2],[3,4]],[[5,6],[7,8]]]}' }))!;
    assert.deepEqual(JSON.parse(ok.body).outputs, [
      [
        [10, 20],
        [30, 40],
      ],
      [
        [50, 60],
        [70, 80],
      ],
    ]);
  } finally {
    server.close();
  }
});

test("a model with large outputs takes fewer examples per request: the answer stays bounded", async () => {
  // a tiny file's ZeroPadding2D can make each example's output millions of values
  const { server, url } = await listen({ ...fixed, outputValues: 3_000_000 });
  try {
    const health = JSON.parse((await send(url, { method: "GET", path: "/health" }))!.body);
    assert.equal(health.maxBatch, 2);
    const r = (await send(url, { body: '{"inputs":[[[1,2],[3,4]],[[1,2],[3,4]],[[1,2],[3,4]]]}' }))!;
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error, /at most 2 examples per request, got 3/);
  } finally {
    server.close();
  }
});

test("a lying or slow body is timed out in seconds, a huge Content-Length refused at once; a 500 says little", { timeout: 30000 }, async () => {
  const failing: Predictor = {
    ...fixed,
    async predict() {
      throw new Error("secret internal detail at /home/someone/model.kerno");
    },
  };
  const { server, url } = await listen(failing, { requestTimeoutMs: 1000, headersTimeoutMs: 1000 });
  try {
    assert.ok(Number.isFinite(server.maxConnections) && server.maxConnections > 0, `a connection cap, got ${server.maxConnections}`);
    const huge = await send(url, { headers: { "content-length": String(10 ** 12) }, body: "{}", end: false });
    assert.equal(huge?.status, 413, `a Content-Length of 10^12: expected 413, got ${huge?.status}`);
    const slow = await send(url, { headers: { "content-length": "1000" }, body: '{"inputs":', end: false }, 10000);
    assert.ok(slow, "a body 990 bytes short: expected an answer within 10 s, got none");
    assert.equal(slow.status, 408);
    const r = (await send(url, { body: '{"inputs":[[[1,2],[3,4]]]}' }))!;
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.body, /secret|home|at /);
  } finally {
    server.close();
  }
});

test("the prediction server refuses a foreign Host; kerno serve --host 0.0.0.0 warns on stderr", { timeout: 60000 }, async () => {
  const { server, url } = await listen(fixed);
  const { port } = new URL(url);
  try {
    assert.equal((await send(url, { method: "GET", path: "/health", headers: { host: `localhost:${port}` } }))!.status, 200);
    const evil = (await send(url, { method: "GET", path: "/health", headers: { host: `rebound.example:${port}` } }))!;
    assert.equal(evil.status, 403, `Host rebound.example: expected 403, got ${evil.status}`);
  } finally {
    server.close();
  }
  const dir = tempDir();
  classifier().save(join(dir, "m.kerno"));
  const bin = fileURLToPath(new URL("../../bin/kerno.js", import.meta.url));
  const child = spawn(process.execPath, [bin, "serve", join(dir, "m.kerno"), "--host", "0.0.0.0", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const { out, err } = await untilOutput(child, (out, err) => /kerno serve: .*http:\/\//.test(out) && /0\.0\.0\.0/.test(err), "kerno serve");
    assert.match(err, /reachable from other machines/);
    assert.doesNotMatch(out, /reachable/);
  } finally {
    child.kill();
  }
});
