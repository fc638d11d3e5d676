import assert from "node:assert/strict";
import { test } from "node:test";
import { getRecipe, RECIPES } from "../../src/recipes/index.js";

test("recipes by name", () => {
  assert.ok(Object.keys(RECIPES).includes("mnist-cnn"));
  assert.equal(getRecipe("mnist-dense").name, "mnist-dense");
  assert.throws(() => getRecipe("cifar"), /unknown recipe 'cifar'; known: mnist-dense, mnist-cnn, traffic-forecast, house-prices/);
});
