import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { Dense, Flatten, Input, randomUniform, Sequential, type Tensor } from "../../src/index.js";
import { batchOf, createPredictionServer, loadPredictor } from "../../src/serving/server.js";
import { tempDir } from "../helpers/tmp.js";

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
      assert.deepEqual([wrong.status, wrong.json.error], [400, "each example must have shape [2, 2], got [3]"]);
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
        /example 0 holds something that is not a finite number/,
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
});
