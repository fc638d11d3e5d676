import assert from "node:assert/strict";
import { test } from "node:test";
import { jsKernels } from "../../src/backends/js/index.js";
import { withBackend } from "../../src/backends/registry.js";
import { add, getBackend, listBackends, registerBackend, setBackend, tensor } from "../../src/index.js";

test("backends are listed, switched and restored, and ops run on the active one", () => {
  // a counting backend, whatever the default is, so the switch is real in every run
  let calls = 0;
  registerBackend(
    "counting",
    () => ({
      ...jsKernels,
      name: "counting",
      binary: (...args) => {
        calls++;
        return jsKernels.binary(...args);
      },
    }),
    -1,
  );
  assert.ok(listBackends().includes("js") && listBackends().includes("counting"));
  const before = getBackend();
  assert.notEqual(before, "counting", "a low-priority backend is not chosen by default");
  const y = withBackend("counting", () => {
    assert.equal(getBackend(), "counting");
    return add(tensor([1, 2]), tensor([3, 4]));
  });
  assert.equal(calls, 1, "the op ran on the active backend");
  assert.deepEqual(Array.from(y.floats()), [4, 6]);
  assert.equal(getBackend(), before, "restored afterwards");
  add(tensor([1]), tensor([1]));
  assert.equal(calls, 1, "and not after");
  setBackend("counting");
  assert.equal(getBackend(), "counting");
  setBackend(before);
  assert.throws(() => setBackend("cuda"), /setBackend: unknown backend 'cuda'; available: /);
});
