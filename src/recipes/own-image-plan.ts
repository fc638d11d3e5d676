/**
 * The small CNN `kerno train --images` trains from scratch, and how it trains: chosen from the
 * photos by `imagePlan` (issue 26: measured on a suite of folders, docs/own-data.md), with the
 * rule before it (`originalPlan`) kept for experiments (bench/own-data/experiment.ts).
 */
import { Activation } from "@kerno/core/layers/activation-layers.js";
import { RandomFlip, RandomRotation, RandomTranslation, RandomZoom } from "@kerno/core/layers/augmentation.js";
import { BatchNormalization } from "@kerno/core/layers/batch-normalization.js";
import { Conv2D } from "@kerno/core/layers/conv.js";
import { Dense } from "@kerno/core/layers/dense.js";
import { Dropout } from "@kerno/core/layers/dropout.js";
import { Input } from "@kerno/core/layers/input.js";
import type { Layer } from "@kerno/core/layers/layer.js";
import { GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from "@kerno/core/layers/pooling.js";
import { Rescaling } from "@kerno/core/layers/rescaling.js";
import { Flatten } from "@kerno/core/layers/reshaping.js";
import { Sequential } from "@kerno/core/models/sequential.js";

/** Fewer training photos than this get random flips, rotations and zooms. */
export const AUGMENT_BELOW = 5000;

/** What the small CNN and its training are: chosen from the photos by `imagePlan`, each field overridable in experiments. */
export interface ImagePlan {
  /** Convolution blocks (3x3 convolution, then 2x2 max pooling); filters 32, 64, 128, 256 (capped at `maxFilters`). */
  blocks: number;
  maxFilters: number;
  padding: "valid" | "same";
  batchNorm: boolean;
  /** What turns the last feature map into the classifier's input. */
  head: "flatten" | "global-max" | "global-average";
  dropout: number;
  augment: { flip: boolean; rotation: number; zoom: number; translation: number } | null;
  optimizer: "rmsprop" | "adam";
  learningRate: number;
  epochs: number;
  patience: number;
  /** Epochs before early stopping starts watching (the first epochs of a small folder are noisy). */
  minEpochs: number;
}

/** What the plan is chosen from: the photos as the folder gives them. */
export interface ImageFacts {
  size: [number, number];
  channels: number;
  classes: number;
  /** Training photos (after the validation split). */
  trainCount: number;
  batchSize: number;
  /** false with --no-augment. */
  augment: boolean;
}

/** The rule before issue 26: valid convolutions while the map is >= 10 px, flatten, dropout 0.5, RMSprop, patience 10. */
export function originalPlan(facts: ImageFacts): ImagePlan {
  let blocks = 0;
  for (let s = Math.min(...facts.size); blocks < 4 && s >= 10; blocks++) s = Math.floor((s - 2) / 2);
  return {
    blocks,
    maxFilters: 256,
    padding: "valid",
    batchNorm: false,
    head: "flatten",
    dropout: 0.5,
    augment: facts.augment && facts.trainCount < AUGMENT_BELOW ? { flip: true, rotation: 0.05, zoom: 0.1, translation: 0 } : null,
    optimizer: "rmsprop",
    learningRate: 0.001,
    epochs: 60,
    patience: 10,
    minEpochs: 0,
  };
}

/** A small folder trains for at least this many optimizer steps (up to MAX_EPOCHS epochs)... */
export const MIN_STEPS = 1500;
/** ...and early stopping only watches after this many: the first hundreds of steps of a small folder are a noisy plateau. */
export const WATCH_AFTER_STEPS = 1000;
export const MAX_EPOCHS = 200;
/** Photos at least this wide (as input) are also randomly rotated and zoomed; smaller ones only flipped. */
export const WARP_FROM = 96;

/**
 * The rule now (issue 26; docs/own-data.md): 3x3 "same" convolutions of 32, 64, 128, 256,
 * 256 filters, each followed by 2x2 max pooling, while the map stays at least 3 pixels wide (28 px:
 * 3 blocks, 62 px: 4, 96 px and up: 5); global max pooling, so that a thing is found wherever it is
 * in the photo; dropout 0.5 and the classifier; Adam 1e-3. Under AUGMENT_BELOW training photos,
 * random horizontal flips, and from WARP_FROM px also small rotations and zooms. At least 60 epochs
 * and MIN_STEPS steps (at most 200 epochs), early stopping (patience 10) from the epoch that
 * reaches WATCH_AFTER_STEPS.
 */
export function imagePlan(facts: ImageFacts): ImagePlan {
  const side = Math.min(...facts.size);
  let blocks = 0;
  for (let s = side; blocks < 5 && Math.floor(s / 2) >= 3; blocks++) s = Math.floor(s / 2);
  const steps = Math.max(1, Math.ceil(facts.trainCount / facts.batchSize));
  const epochs = Math.min(MAX_EPOCHS, Math.max(60, Math.ceil(MIN_STEPS / steps)));
  const patience = 10;
  return {
    blocks: Math.max(1, blocks),
    maxFilters: 256,
    padding: "same",
    batchNorm: false,
    head: "global-max",
    dropout: 0.5,
    // small photos: flips only (rotating or zooming 28-90 px photos blurs their strokes and edges; measured worse)
    augment:
      facts.augment && facts.trainCount < AUGMENT_BELOW
        ? { flip: true, rotation: side >= WARP_FROM ? 0.05 : 0, zoom: side >= WARP_FROM ? 0.1 : 0, translation: 0 }
        : null,
    optimizer: "adam",
    learningRate: 0.001,
    epochs,
    patience,
    minEpochs: Math.max(1, Math.min(epochs - 2 * patience, Math.ceil(WATCH_AFTER_STEPS / steps))),
  };
}

/** The small CNN a plan describes. */
export function planCnn(size: [number, number], channels: number, classes: number, plan: ImagePlan, options: { seed: number; name?: string }): Sequential {
  const layers: Layer[] = [];
  const seed = options.seed;
  const a = plan.augment;
  if (a) {
    if (a.flip) layers.push(new RandomFlip({ mode: "horizontal", seed }));
    if (a.rotation > 0) layers.push(new RandomRotation({ factor: a.rotation, seed }));
    if (a.zoom > 0) layers.push(new RandomZoom({ heightFactor: a.zoom, seed }));
    if (a.translation > 0) layers.push(new RandomTranslation({ heightFactor: a.translation, widthFactor: a.translation, seed }));
  }
  layers.push(new Rescaling({ scale: 1 / 255 }));
  for (let block = 0; block < plan.blocks; block++) {
    const filters = Math.min(plan.maxFilters, 32 << block);
    layers.push(new Conv2D({ filters, kernelSize: 3, padding: plan.padding, activation: plan.batchNorm ? undefined : "relu", useBias: !plan.batchNorm }));
    if (plan.batchNorm) layers.push(new BatchNormalization({}), new Activation({ activation: "relu" }));
    layers.push(new MaxPooling2D({ poolSize: 2 }));
  }
  layers.push(plan.head === "flatten" ? new Flatten() : plan.head === "global-max" ? new GlobalMaxPooling2D() : new GlobalAveragePooling2D());
  if (plan.dropout > 0) layers.push(new Dropout({ rate: plan.dropout, seed }));
  layers.push(new Dense({ units: classes, activation: "softmax" }));
  return new Sequential([Input({ shape: [...size, channels] }), ...layers], { name: options.name ?? "image_classifier" });
}
