/**
 * Keras's model summary: one row per layer with its name and class, output shape (None for the
 * batch) and parameter count, then total, trainable and non-trainable parameters with thousands
 * separators. Functional models whose graph is not a simple chain get a "Connected to" column.
 */
import { InputLayer } from "../layers/input.js";
import { type Layer, shapeString } from "../layers/layer.js";
import type { Model } from "./model.js";

export interface SummaryOptions {
  /** Print it (default true); the text is returned either way. */
  print?: boolean;
  printFn?: (line: string) => void;
  /** Total width (default: as wide as the content needs, at least 65 like Keras). */
  lineLength?: number;
}

export const thousands = (n: number): string => n.toLocaleString("en-US");

function outputShapeOf(model: Model, layer: Layer): string {
  const nodes = model.nodes.filter((n) => n.layer === layer);
  if (nodes.length !== 1) return nodes.length === 0 ? "?" : "multiple";
  const outs = nodes[0].outputs.map((t) => shapeString(t.shape));
  if (layer instanceof InputLayer) return `[${outs.join(", ")}]`;
  return outs.length === 1 ? outs[0] : `[${outs.join(", ")}]`;
}

function isChain(model: Model): boolean {
  const consumers = new Map<number, number>();
  for (const n of model.nodes) {
    if (n.inputs.length > 1) return false;
    for (const t of n.inputs) consumers.set(t.id, (consumers.get(t.id) ?? 0) + 1);
  }
  return [...consumers.values()].every((c) => c <= 1) && model.inputs.length <= 1 && model.outputs.length <= 1;
}

export function formatSummary(model: Model, options: SummaryOptions = {}): string {
  const layers = model.layers;
  const connected = !isChain(model);
  const rows = layers.map((l) => {
    const cells = [` ${l.name} (${l.className})`, outputShapeOf(model, l), thousands(l.countParams())];
    if (connected) {
      const sources = model.nodes.filter((n) => n.layer === l).flatMap((n) => n.inputs.map((t) => `${t.node.layer.name}[${t.index}]`));
      cells.push(sources.join(", "));
    }
    return cells;
  });
  const header = [" Layer (type)", "Output Shape", "Param #", ...(connected ? ["Connected to"] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 3);
  const natural = widths.reduce((a, b) => a + b, 0);
  const total = Math.max(options.lineLength ?? 65, natural);
  widths[widths.length - 1] += total - natural;
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("")
      .trimEnd();
  const trainable = model.trainableWeights.reduce((s, w) => s + w.size, 0);
  const all = model.countParams();
  const out = [
    `Model: "${model.name}"`,
    "_".repeat(total),
    line(header),
    "=".repeat(total),
    ...rows.map(line),
    "=".repeat(total),
    `Total params: ${thousands(all)}`,
    `Trainable params: ${thousands(trainable)}`,
    `Non-trainable params: ${thousands(all - trainable)}`,
    "_".repeat(total),
  ];
  return out.join("\n");
}
