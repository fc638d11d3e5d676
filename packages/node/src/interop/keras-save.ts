/**
 * model.save("x.keras"): Keras 3's archive, a zip of metadata.json, config.json (the model's
 * architecture, keras-write-config.ts) and model.weights.h5 (the variables where Keras 3 keeps
 * them, keras-layout.ts), written through h5wasm. Architecture and weights only: compile settings
 * and optimizer state stay in kerno's own format (Keras then loads the model uncompiled).
 * The archive is assembled in memory and written atomically.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Layer } from "@kerno/core/layers/layer.js";
import { Model } from "@kerno/core/models/model.js";
import { zipSync } from "fflate";
import { writeAtomic } from "../util/files.js";
import { hdf5 } from "./h5.js";
import { kerasLayerKeys, kerasVariableGroups } from "./keras-layout.js";
import { kerasModelConfig } from "./keras-write-config.js";

type H5Group = InstanceType<Awaited<ReturnType<typeof hdf5>>["Group"]>;

/** The Keras release whose .keras layout this writer follows (Keras reads it; it checks no version). */
export const KERAS_FORMAT_VERSION = "3.6.0";

/** Keras's date_saved format: 2026-12-01@08:30:00. */
const kerasDate = (d: Date) => d.toISOString().slice(0, 19).replace("T", "@");

/** The group at `path` under `group`, each new level with the empty vars group Keras gives every saveable. */
function groupAt(group: H5Group, path: string): H5Group {
  let g = group;
  for (const part of path.split("/").filter(Boolean)) {
    const next = g.get(part) as H5Group | null;
    if (next) g = next;
    else {
      g = g.create_group(part);
      g.create_group("vars");
    }
  }
  return g;
}

function writeLayer(group: H5Group, layer: Layer): void {
  if (layer instanceof Model) {
    writeModel(group, layer);
    return;
  }
  group.create_group("vars");
  let first = 0;
  for (const { path, count } of kerasVariableGroups(layer)) {
    const vars = groupAt(group, path).get("vars") as H5Group;
    layer.weights.slice(first, first + count).forEach((v, i) => {
      vars.create_dataset({ name: String(i), data: v.values as Float32Array, shape: [...v.shape], dtype: "<f" });
    });
    first += count;
  }
}

function writeModel(group: H5Group, model: Model): void {
  group.create_group("vars");
  const layers = group.create_group("layers");
  for (const { layer, key } of kerasLayerKeys(model)) writeLayer(layers.create_group(key), layer);
}

/** Writes `model` as a Keras 3 .keras archive at `path`. */
export async function saveKeras(model: Model, path: string): Promise<void> {
  const who = `save: ${path}`;
  // the config first: a layer Keras lacks is an error before anything is written
  const config = kerasModelConfig(model, who);
  const lib = await hdf5();
  const dir = mkdtempSync(join(tmpdir(), "kerno-keras-"));
  try {
    const weightsPath = join(dir, "model.weights.h5");
    const file = new lib.File(weightsPath, "w");
    try {
      writeModel(file as unknown as H5Group, model);
    } finally {
      file.close();
    }
    const text = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const archive = zipSync(
      {
        "metadata.json": text({ keras_version: KERAS_FORMAT_VERSION, date_saved: kerasDate(new Date()), saved_by: "kerno" }),
        "config.json": text(config),
        "model.weights.h5": readFileSync(weightsPath),
      },
      { level: 0 },
    );
    writeAtomic(path, archive);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
