import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { opcodesPath, renderOpcodes } from "../../../../../scripts/gen-opcodes.js";

test("native/opcodes.h is generated from @kerno/core's op tables (run `npm run gen:opcodes` when this fails)", () => {
  assert.equal(readFileSync(opcodesPath, "utf8"), renderOpcodes());
});
