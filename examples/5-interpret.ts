/** Outcome 5: what a filter looks for, where the evidence is, and a one-pixel attack. */
import { div, gradCam, loadImage, onePixelAttack, overlay, savePng, TinyDarknet, visualizeFilter } from "../src/index.js";

export async function run(photo: string, out: string, budget = { scales: 8, steps: 20, population: 400, generations: 100 }) {
  // #region interpret
  const model = await TinyDarknet();
  const filter = visualizeFilter(model, "leaky_re_lu_15", 0, { preprocess: "unit", scales: budget.scales, steps: budget.steps });
  await savePng(filter.image, `${out}/filter-0.png`); // filter.noiseContrast: how many times more it fires than on noise

  const image = await loadImage(photo, { size: [224, 224], resample: "pillow-bilinear" }); // pixels 0..255
  const cam = gradCam(model, div(image, 255)); // Tiny Darknet takes [0, 1]
  await savePng(overlay(image, cam.map), `${out}/gradcam.png`);

  const attack = onePixelAttack(model, div(image, 255), { population: budget.population, generations: budget.generations });
  // attack.success, attack.changes[0] ({ x, y, value }), attack.trueProbabilityBefore / After
  // #endregion
  return { filter, cam, attack };
}
