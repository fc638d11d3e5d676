import assert from "node:assert/strict";
import { test } from "node:test";
import { fans, initialize } from "../../src/layers/initializers.js";

test("fans and initializer ranges follow Keras", () => {
  assert.deepEqual(fans([3, 3, 32, 64]), [288, 576]);
  assert.deepEqual(fans([784, 64]), [784, 64]);
  const limit = Math.sqrt(6 / (784 + 64));
  const g = initialize({ name: "glorotUniform", seed: 1 }, [784, 64], "t").floats();
  assert.ok(g.every((v) => Math.abs(v) <= limit) && Math.max(...g) > limit * 0.9);
  const he = initialize({ name: "heNormal", seed: 2 }, [1000, 10], "t").floats();
  const sd = Math.sqrt(he.reduce((s, v) => s + v * v, 0) / he.length);
  assert.ok(Math.abs(sd - Math.sqrt(2 / 1000)) < 0.005, `he sd ${sd}`);
  assert.ok(
    initialize("zeros", [3], "t")
      .floats()
      .every((v) => v === 0),
  );
  const q = initialize({ name: "orthogonal", seed: 3 }, [4, 4], "t").floats();
  let dot = 0;
  for (let i = 0; i < 4; i++) dot += q[i * 4] * q[i * 4 + 1];
  assert.ok(Math.abs(dot) < 1e-5, "columns are orthogonal");
  assert.throws(() => initialize("bogus" as never, [2], "Dense 'd'"), /Dense 'd': unknown initializer 'bogus'/);
});
