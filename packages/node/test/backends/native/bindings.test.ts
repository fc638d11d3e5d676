import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { BINDINGS } from "@kerno/core/backends/kernel-table/index.js";
import { bindingPaths, renderBindings } from "../../../../../scripts/gen-bindings.js";

test("the native bindings, C++ prototypes and the addon's type are generated from the kernel table (run `npm run gen:bindings` when this fails)", () => {
  const generated = renderBindings();
  for (const key of ["cc", "header", "ts", "wrappers"] as const) assert.equal(readFileSync(bindingPaths[key], "utf8"), generated[key], bindingPaths[key]);
});

test("every kernel of the table is exported once and every argument named once", () => {
  const { cc } = renderBindings();
  for (const [name, b] of Object.entries(BINDINGS)) {
    assert.equal(cc.split(`exports.Set(${JSON.stringify(name)},`).length, 2, name);
    const names = b.args.map((a) => a.name);
    assert.equal(new Set(names).size, names.length, `${name}: ${names.join(", ")}`);
  }
});
