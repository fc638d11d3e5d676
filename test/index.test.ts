import assert from "node:assert/strict";
import { test } from "node:test";
import { BUILTIN_LAYERS } from "@kerno/core/layers/registry.js";
import * as kerno from "../src/index.js";

test("every built-in layer class is exported under its Keras name, and every exported layer class is registered", () => {
  const exported = kerno as unknown as Record<string, unknown>;
  for (const cls of BUILTIN_LAYERS) assert.equal(exported[cls.className], cls, `${cls.className} is exported`);
  const registered = new Set<unknown>(BUILTIN_LAYERS);
  const layerExports = Object.entries(exported).filter(([, v]) => typeof v === "function" && v.prototype instanceof kerno.Layer);
  for (const [name, cls] of layerExports) {
    if (cls === kerno.Model || cls === kerno.Sequential) continue;
    assert.ok(registered.has(cls), `${name} is exported but loadModel could not rebuild it`);
  }
});

test("the interpretation and attack functions are exported", () => {
  const exported = kerno as unknown as Record<string, unknown>;
  const names = ["visualizeFilter", "visualizeLayer", "featureMaps", "topActivating", "saliency", "smoothGrad", "integratedGradients", "occlusion", "gradCam"];
  for (const name of [...names, "onePixelAttack", "fgsm", "pgd", "attackSuccessRate", "savePng", "overlay", "grid"])
    assert.equal(typeof exported[name], "function", name);
});
