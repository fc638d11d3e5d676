import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { BINDINGS, KERNEL_METHODS, KERNEL_PROPERTIES, KERNEL_SECTIONS } from "@kerno/core/backends/kernel-table/index.js";
import { bindingPaths, renderBindings } from "../../../../../scripts/gen-bindings.js";

test("the Kernels interface, native bindings, C++ prototypes, addon type and wrappers are generated from the kernel table (run `npm run gen:bindings` when this fails)", () => {
  const generated = renderBindings();
  for (const key of ["kernels", "cc", "header", "ts", "wrappers"] as const)
    assert.equal(readFileSync(bindingPaths[key], "utf8"), generated[key], bindingPaths[key]);
});

test("every kernel of the table is exported once and every argument named once", () => {
  const { cc } = renderBindings();
  for (const [name, b] of Object.entries(BINDINGS)) {
    assert.equal(cc.split(`exports.Set(${JSON.stringify(name)},`).length, 2, name);
    const names = b.args.map((a) => a.name);
    assert.equal(new Set(names).size, names.length, `${name}: ${names.join(", ")}`);
  }
});

test("every Kernels member is declared once, and each native wrapper serves a declared method no other wrapper serves", () => {
  const methods = KERNEL_SECTIONS.flatMap((s) => Object.keys(s.methods));
  assert.equal(new Set(methods).size, methods.length, "a method declared in two sections");
  assert.deepEqual(Object.keys(KERNEL_METHODS), methods);
  for (const name of Object.keys(KERNEL_PROPERTIES)) assert.ok(!(name in KERNEL_METHODS), `${name} is both a property and a method`);
  const served = Object.entries(BINDINGS).flatMap(([name, b]) => (Array.isArray(b.wrap) ? b.wrap : [b.wrap]).map((w) => w.method ?? name));
  assert.equal(new Set(served).size, served.length, `a method served twice: ${served.join(", ")}`);
  for (const method of served) assert.ok(method in KERNEL_METHODS, `${method} is served natively but not declared`);
});
