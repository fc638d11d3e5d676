/**
 * kerno interpret filters | featuremaps | gradcam | saliency, and kerno attack one-pixel: the
 * course's look inside a network, as PNG pictures and, with --json, one JSON summary line.
 */
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { type PreprocessMode, preprocess } from "@kerno/core/layers/preprocess-input.js";
import type { Model } from "@kerno/core/models/model.js";
import { div, mul } from "@kerno/core/ops/arithmetic.js";
import { reshape, slice, stack } from "@kerno/core/ops/shape.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { dataDir } from "@kerno/node/data/cache.js";
import { loadImage } from "@kerno/node/data/images.js";
import { fashionMnist, mnist } from "@kerno/node/data/mnist.js";
import { TINY_DARKNET_DIR } from "../applications/tiny-darknet.js";
import { onePixelAttack } from "../attacks/one-pixel.js";
import { argmaxRow, probabilities } from "../attacks/probabilities.js";
import { gradCam, integratedGradients, occlusion, saliency, smoothGrad } from "../interpret/attribution.js";
import { featureMaps, filterActivation } from "../interpret/feature-maps.js";
import { scaleSizes, visualizeLayer } from "../interpret/filters.js";
import { overlay, savePng, stretch } from "../interpret/pictures.js";
import { inputShape } from "../interpret/probe.js";
import { type Flags, intFlag, parse } from "./args.js";
import { modelFrom } from "./commands.js";
import { familyPreprocess, inputImages, inputScale, rescalesInside } from "./images.js";
import { usageText } from "./usage.js";

const USAGE = usageText("interpret").trimEnd();

/** "0-15" or "3,7,9" as filter indices. */
export function filterList(spec: string | boolean | undefined, fallback: number[]): number[] {
  if (typeof spec !== "string") return fallback;
  const out: number[] = [];
  for (const part of spec.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--filters: expected ranges like 0-15 or 3,7,9, got '${spec}'`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

const outDir = (flags: Flags, what: string) => (typeof flags.out === "string" ? flags.out : join("out", "interpret", what));
const report = (flags: Flags, summary: object) => {
  if (flags.json) console.log(JSON.stringify(summary));
};

/** The photo as seen by people (0..255 RGB) for overlays, from the model's input. */
function viewable(x: Tensor, scale: number): Tensor {
  const [, h, w, c] = x.shape;
  const img = reshape(scale === 1 ? mul(x, 255) : x, [h, w, c]);
  if (c === 3) return img;
  const v = img.floats();
  return tensor(
    Float32Array.from({ length: h * w * 3 }, (_, i) => v[Math.floor(i / 3)]),
    [h, w, 3],
  );
}

/** One photo as the model's input (in its family's preprocessing, if any) and as people see it. */
async function oneImage(model: Model, flags: Flags, path: string | undefined, who: string): Promise<{ x: Tensor; photo: Tensor }> {
  if (!path) throw new Error(`${who}: name an image\n${USAGE}`);
  const family = familyPreprocess(model);
  const scale = family ? 255 : inputScale(model, flags);
  const raw = await inputImages(model, [path], scale);
  return { x: family ? preprocess(raw, family) : raw, photo: viewable(raw, scale) };
}

export async function interpretCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("interpret", argv);
  const [what, spec, imagePath] = positionals;
  const who = `kerno interpret ${what ?? ""}`.trim();
  if (!what || !spec) throw new Error(`kerno interpret: ${USAGE}`);
  const model = await modelFrom(spec, who, { needsWeights: true, weights: flags.weights });
  const classIndex = intFlag(flags, "class");
  const out = outDir(flags, what);
  const layer = typeof flags.layer === "string" ? flags.layer : undefined;
  switch (what) {
    case "filters": {
      if (!layer) throw new Error(`${who}: --layer is required; layers: ${model.layers.map((l) => l.name).join(", ")}`);
      if (flags.filter !== undefined && flags.filters !== undefined) throw new Error(`${who}: give --filter N (one filter) or --filters 0-15, not both`);
      // Tiny Darknet named, or read from the data folder's model.json, takes 0..1 pixels and has reference photos beside it
      const darknetFile = join(dataDir(), TINY_DARKNET_DIR, "model.json");
      const darknet = model.name === "tiny_darknet" || (existsSync(spec) && existsSync(darknetFile) && realpathSync(spec) === realpathSync(darknetFile));
      const scale = darknet && flags["input-scale"] === undefined ? 1 : inputScale(model, flags);
      const preprocess = (typeof flags.preprocess === "string" ? flags.preprocess : (familyPreprocess(model) ?? (scale === 1 ? "unit" : "none"))) as
        | PreprocessMode
        | "none";
      if (preprocess === "none" && flags.preprocess === undefined && flags["input-scale"] === undefined && !rescalesInside(model))
        console.error(
          `${who}: note: pixels 0..255 go into '${model.name}' as they are (it has no Rescaling layer); if it takes 0..1 pixels, pass --input-scale 1`,
        );
      // the reference photos: --reference DIR, none for no comparison, Tiny Darknet's five photos by default
      if (flags.reference === true) throw new Error(`${who}: --reference needs a folder of photos (or none)`);
      const referenceDir =
        flags.reference === "none"
          ? null
          : typeof flags.reference === "string"
            ? flags.reference
            : darknet
              ? join(dataDir(), dirname(TINY_DARKNET_DIR), "images")
              : null;
      let references: Tensor | undefined;
      let referenceNames: string[] = [];
      if (referenceDir && (flags.reference !== undefined || existsSync(referenceDir))) {
        if (!existsSync(referenceDir)) throw new Error(`${who}: --reference: no folder ${referenceDir}`);
        referenceNames = readdirSync(referenceDir)
          .filter((f) => IMAGE.has(extname(f).toLowerCase()))
          .sort();
        if (referenceNames.length === 0) throw new Error(`${who}: --reference: no photos (${[...IMAGE].join(" ")}) in ${referenceDir}`);
        const paths = referenceNames.map((f) => join(referenceDir, f));
        const [h, w, c = 3] = inputShape(model) as (number | null)[];
        const side = scaleSizes({}).at(-1) as number; // the largest image of a model of any input size
        // pixels 0..255 at the model's input size; the visualization's preprocessing applies to them as to its images
        references =
          h && w
            ? await inputImages(model, paths, 255)
            : stack(await Promise.all(paths.map((f) => loadImage(f, { size: [side, side], channels: c === 1 ? 1 : 3 }))));
      }
      const t0 = performance.now();
      const chosen = filterList(
        flags.filters ?? flags.filter,
        Array.from({ length: 16 }, (_, i) => i),
      );
      const r = visualizeLayer(model, layer, chosen, { preprocess, references });
      const seconds = (performance.now() - t0) / 1000;
      const file = await savePng(r.grid, join(out, `${layer}.png`));
      const rows = r.filters.map((f) => ({
        filter: f.filter,
        activation: f.activation,
        ...(references && {
          referenceImage: referenceNames[f.referenceIndex as number],
          referenceActivation: f.referenceActivation,
          referenceContrast: f.referenceContrast,
        }),
        noiseActivation: f.noiseActivation,
        noiseContrast: f.noiseContrast,
      }));
      const measure = {
        activation: "the filter's mean activation on the visualized input",
        referenceContrast: "activation / max(referenceActivation, 1e-6); referenceActivation: the filter's highest mean activation over the reference photos",
        noiseContrast:
          "activation / max(|noiseActivation|, 1e-6); noiseActivation: its mean activation on noise of the visualized input's per-channel mean and deviation",
        signs: "a negative activation gives negative contrasts",
      };
      console.log(`${references ? `photo contrast = ${measure.referenceContrast}\n` : ""}noise contrast = ${measure.noiseContrast}`);
      const num = (x: number, digits: number) => (Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toFixed(digits));
      for (const f of rows)
        console.log(
          `filter ${f.filter}: activation ${num(f.activation, 3)}` +
            (f.referenceImage !== undefined
              ? `; best photo ${f.referenceImage} ${num(f.referenceActivation as number, 3)}, photo contrast ${num(f.referenceContrast as number, 2)}` +
                ((f.referenceActivation as number) <= 0 ? " (no photo fires it)" : "")
              : "") +
            `; noise ${num(f.noiseActivation, 3)}, noise contrast ${num(f.noiseContrast, 1)}`,
        );
      const lit = rows.filter((f) => f.noiseContrast >= 10 && (f.referenceContrast === undefined || f.referenceContrast >= 2)).length;
      console.log(
        `${lit} of ${rows.length} filters at least ${references ? "2x their best photo and " : ""}10x the magnitude of their noise activation${references ? "" : " (no reference photos: --reference DIR)"}`,
      );
      console.log(`wrote ${file} (${seconds.toFixed(1)} s, ${(seconds / rows.length).toFixed(1)} s per filter)`);
      report(flags, {
        layer,
        file,
        preprocess,
        references: references ? { folder: referenceDir, images: referenceNames } : null,
        measure,
        lit,
        seconds,
        filters: rows,
      });
      return 0;
    }
    case "featuremaps": {
      if (!layer) throw new Error(`${who}: --layer is required; layers: ${model.layers.map((l) => l.name).join(", ")}`);
      const { x } = await oneImage(model, flags, imagePath, who);
      const r = featureMaps(model, layer, x);
      const file = await savePng(r.grid, join(out, `${layer}.png`));
      console.log(`wrote ${file} (${r.activations.shape[3]} maps of ${r.activations.shape[1]}x${r.activations.shape[2]})`);
      report(flags, { layer, file, shape: r.activations.shape });
      return 0;
    }
    case "activation": {
      if (!layer) throw new Error(`${who}: --layer is required; layers: ${model.layers.map((l) => l.name).join(", ")}`);
      const filter = intFlag(flags, "filter");
      if (filter === undefined) throw new Error(`${who}: --filter N is required (the filter whose activation to read)`);
      const { x } = await oneImage(model, flags, imagePath, who);
      const r = filterActivation(model, layer, x, filter);
      console.log(
        `filter ${r.filter} of ${layer} on ${imagePath}: mean activation ${r.activation.toFixed(4)} (peak ${r.peak.toFixed(4)}), ` +
          `${r.rank === 1 ? "the highest" : `number ${r.rank}`} of the layer's ${r.filters} filters on this photo (their median: ${r.median.toFixed(4)})`,
      );
      report(flags, { layer, image: imagePath, ...r });
      return 0;
    }
    case "gradcam": {
      const { x, photo } = await oneImage(model, flags, imagePath, who);
      const r = gradCam(model, x, { classIndex, layer });
      const file = await savePng(overlay(photo, r.map), join(out, "gradcam.png"));
      console.log(`class ${r.classIndex}, layer ${r.layer}: wrote ${file}`);
      report(flags, { classIndex: r.classIndex, layer: r.layer, file });
      return 0;
    }
    case "saliency": {
      const { x, photo } = await oneImage(model, flags, imagePath, who);
      const method = typeof flags.method === "string" ? flags.method : "vanilla";
      const methods: Record<string, () => { classIndex: number; map: Tensor }> = {
        vanilla: () => saliency(model, x, { classIndex }),
        smoothgrad: () => smoothGrad(model, x, { classIndex }),
        integrated: () => integratedGradients(model, x, { classIndex }),
        occlusion: () => occlusion(model, x, { classIndex }),
      };
      if (!methods[method]) throw new Error(`${who}: --method must be one of ${Object.keys(methods).join(", ")}, got '${method}'`);
      const r = methods[method]();
      const [h, w] = r.map.shape;
      const map = await savePng(tensor(stretch(r.map.floats()), [h, w, 1]), join(out, `${method}.png`));
      const over = await savePng(overlay(photo, r.map), join(out, `${method}-overlay.png`));
      console.log(`class ${r.classIndex}: wrote ${map} and ${over}`);
      report(flags, { classIndex: r.classIndex, method, files: [map, over] });
      return 0;
    }
    default:
      throw new Error(`kerno interpret: unknown '${what}'\n${USAGE}`);
  }
}

const IMAGE = new Set([".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"]);

/**
 * kerno attack one-pixel <model> --images DIR [--label N] | --dataset mnist|fashion-mnist
 *   [--pixels N] [--count N] [--from N] [--population 400] [--generations 100] [--out DIR] [--json]
 */
export async function attackCommand(argv: string[]): Promise<number> {
  const { positionals, flags } = parse("attack", argv);
  const [what, spec] = positionals;
  const who = "kerno attack one-pixel";
  if (what !== "one-pixel" || !spec)
    throw new Error(
      "kerno attack: usage: kerno attack one-pixel <model> --images DIR [--label N] | --dataset mnist [--pixels 1] [--count N] [--population 400] [--generations 100] [--json]",
    );
  const model = await modelFrom(spec, who, { needsWeights: true, weights: flags.weights });
  const count = intFlag(flags, "count") ?? 10;
  const pixels = intFlag(flags, "pixels") ?? 1;
  const budget = { population: intFlag(flags, "population") ?? 400, generations: intFlag(flags, "generations") ?? 100 };
  const scale = inputScale(model, flags);
  let x: Tensor,
    labels: number[] | null = null,
    names: string[];
  if (typeof flags.dataset === "string") {
    const loaders: Record<string, typeof mnist> = { mnist, "fashion-mnist": fashionMnist };
    if (!loaders[flags.dataset]) throw new Error(`${who}: --dataset must be mnist or fashion-mnist, got '${flags.dataset}'`);
    const { test } = await loaders[flags.dataset]();
    // --from: the first test image (a long run can go on where an earlier one stopped: seeds follow the index)
    const from = intFlag(flags, "from") ?? 0;
    const n = Math.max(0, Math.min(count, test.labels.size - from));
    const images = slice(test.images, [from, 0, 0], [n, 28, 28]);
    x = reshape(scale === 1 ? div(images, 255) : images, [n, 28, 28, 1]);
    labels = Array.from(test.labels.data()).slice(from, from + n);
    names = labels.map((_, i) => `${flags.dataset}-test-${from + i}`);
  } else if (typeof flags.images === "string") {
    const dir = flags.images;
    const files = readdirSync(dir)
      .filter((f) => IMAGE.has(extname(f).toLowerCase()))
      .sort()
      .slice(0, count);
    if (files.length === 0) throw new Error(`${who}: no images in ${dir}`);
    x = await inputImages(
      model,
      files.map((f) => join(dir, f)),
      scale,
    );
    names = files;
    // a folder of one class: --label says which, so that misclassified photos are skipped as for datasets
    const label = intFlag(flags, "label");
    if (label !== undefined) labels = files.map(() => label);
  } else throw new Error(`${who}: give --images DIR or --dataset mnist`);
  const out = outDir(flags, "one-pixel");
  const first = typeof flags.dataset === "string" ? (intFlag(flags, "from") ?? 0) : 0;
  const seedOf = (i: number) => first + i + 1;
  const rows = [];
  let attacked = 0,
    successes = 0;
  const t0 = performance.now();
  const clean = probabilities(model, x);
  for (let i = 0; i < x.shape[0]; i++) {
    // as in the paper, only images the model gets right are attacked
    if (labels && argmaxRow(clean, i) !== labels[i]) {
      console.log(`${names[i]}: misclassified to begin with (${argmaxRow(clean, i)}, label ${labels[i]}); skipped`);
      continue;
    }
    const image = slice(x, [i, 0, 0, 0], [1, ...x.shape.slice(1)]);
    const r = onePixelAttack(model, image, { ...budget, pixels, trueClass: labels?.[i], valueRange: [0, scale], seed: seedOf(i) });
    attacked++;
    if (r.success) {
      successes++;
      await savePng(viewable(reshape(r.image, [1, ...r.image.shape]), scale), join(out, `${names[i].replace(/\.[^.]+$/, "")}-adversarial.png`));
    }
    const row = {
      image: names[i],
      success: r.success,
      trueClass: r.trueClass,
      predictedClass: r.predictedClass,
      changes: r.changes,
      evaluations: r.evaluations,
    };
    console.log(
      `${names[i]}: ${r.success ? `flipped ${r.trueClass} -> ${r.predictedClass}` : `held (${r.trueClass}, p ${r.trueProbabilityAfter.toFixed(3)})`} after ${r.evaluations} evaluations`,
    );
    rows.push(row);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `one-pixel attack (${pixels} pixel${pixels > 1 ? "s" : ""}): ${successes} of ${attacked} images flipped (${((100 * successes) / Math.max(1, attacked)).toFixed(1)}%) in ${seconds.toFixed(1)} s`,
  );
  report(flags, { pixels, ...budget, attacked, successes, rate: successes / Math.max(1, attacked), seconds, results: rows });
  return 0;
}
