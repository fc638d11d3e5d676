/** The recipes `kerno train` knows, by name. */

import { catsVsDogs } from "./cats-vs-dogs.js";
import { catsVsDogsPretrained } from "./cats-vs-dogs-pretrained.js";
import { classPriors } from "./class-priors.js";
import { fashionHierarchical } from "./fashion-hierarchical.js";
import { housePrices } from "./house-prices.js";
import { mnistCnn, mnistDense } from "./mnist.js";
import type { Recipe } from "./recipe.js";
import { trafficForecast } from "./traffic.js";

export const RECIPES: Record<string, Recipe> = {
  [mnistDense.name]: mnistDense,
  [mnistCnn.name]: mnistCnn,
  [trafficForecast.name]: trafficForecast,
  [housePrices.name]: housePrices,
  [catsVsDogs.name]: catsVsDogs,
  [catsVsDogsPretrained.name]: catsVsDogsPretrained,
  [classPriors.name]: classPriors,
  [fashionHierarchical.name]: fashionHierarchical,
};

export function getRecipe(name: string): Recipe {
  const r = RECIPES[name];
  if (!r) throw new Error(`unknown recipe '${name}'; known: ${Object.keys(RECIPES).join(", ")}`);
  return r;
}
