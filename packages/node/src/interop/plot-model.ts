/**
 * plotModel: the layer graph as Graphviz DOT and as SVG (laid out by dagre, so branching
 * functional models stay readable), one box per layer call, with tensor shapes on the edges.
 */

import { shapeString } from "@kerno/core/layers/layer.js";
import type { Model } from "@kerno/core/models/model.js";
import { writeAtomic } from "../util/files.js";
import { dagreLib } from "../util/lazy-modules.js";

export interface PlotOptions {
  /** Shapes on the edges (default true). */
  showShapes?: boolean;
  /** TB (top to bottom, default) or LR. */
  rankdir?: "TB" | "LR";
}

interface PlotGraph {
  nodes: { id: string; label: string }[];
  edges: { from: string; to: string; label: string }[];
}

function graphOf(model: Model, showShapes: boolean): PlotGraph {
  const id = (nodeIndex: number) => `n${nodeIndex}`;
  const nodes = model.nodes.map((n, i) => ({ id: id(i), label: `${n.layer.name} (${n.layer.className})` }));
  const producer = new Map<number, number>();
  model.nodes.forEach((n, i) => n.outputs.forEach((t) => producer.set(t.id, i)));
  const edges = model.nodes.flatMap((n, i) =>
    n.inputs.map((t) => ({
      from: id(producer.get(t.id)!),
      to: id(i),
      label: showShapes ? shapeString(t.shape) : "",
    })),
  );
  // the outputs' shapes, on edges into small "output" markers
  model.outputs.forEach((t, k) => {
    const outId = `out${k}`;
    nodes.push({ id: outId, label: model.outputs.length > 1 ? `output ${k}` : "output" });
    edges.push({ from: id(producer.get(t.id)!), to: outId, label: showShapes ? shapeString(t.shape) : "" });
  });
  return { nodes, edges };
}

const escapeDot = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function toDot(model: Model, options: PlotOptions = {}): string {
  const g = graphOf(model, options.showShapes ?? true);
  const lines = [
    `digraph "${escapeDot(model.name)}" {`,
    `  rankdir=${options.rankdir ?? "TB"};`,
    '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of g.nodes) lines.push(`  ${n.id} [label="${escapeDot(n.label)}"${n.id.startsWith("out") ? ', shape=plaintext, style=""' : ""}];`);
  for (const e of g.edges) lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label="${escapeDot(e.label)}"]` : ""};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function toSvg(model: Model, options: PlotOptions = {}): string {
  const g = graphOf(model, options.showShapes ?? true);
  const dagre = dagreLib();
  const layout = new dagre.graphlib.Graph();
  layout.setGraph({ rankdir: options.rankdir ?? "TB", nodesep: 30, ranksep: 50, edgesep: 20, marginx: 20, marginy: 20 });
  layout.setDefaultEdgeLabel(() => ({}));
  const charWidth = 7.2;
  for (const n of g.nodes) layout.setNode(n.id, { label: n.label, width: n.label.length * charWidth + 24, height: 34 });
  for (const e of g.edges) layout.setEdge(e.from, e.to, { label: e.label, width: e.label.length * 6.2, height: 14, labelpos: "r", labeloffset: 8 });
  dagre.layout(layout);
  const { width = 0, height = 0 } = layout.graph();
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(model.name)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
  ];
  for (const e of layout.edges()) {
    const edge = layout.edge(e) as { points: { x: number; y: number }[]; x?: number; y?: number; label?: string };
    const d = edge.points.map((p, i) => `${i ? "L" : "M"} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>`);
    if (edge.label && edge.x !== undefined && edge.y !== undefined) {
      parts.push(
        `<text x="${edge.x.toFixed(1)}" y="${(edge.y + 4).toFixed(1)}" font-size="11" fill="#333" text-anchor="middle">${escapeXml(edge.label)}</text>`,
      );
    }
  }
  for (const id of layout.nodes()) {
    const n = layout.node(id) as { x: number; y: number; width: number; height: number; label: string };
    const output = id.startsWith("out");
    if (!output)
      parts.push(
        `<rect x="${(n.x - n.width / 2).toFixed(1)}" y="${(n.y - n.height / 2).toFixed(1)}" width="${n.width.toFixed(1)}" height="${n.height}" rx="6" fill="#eef3fb" stroke="#4a6fa5"/>`,
      );
    parts.push(
      `<text x="${n.x.toFixed(1)}" y="${(n.y + 4.5).toFixed(1)}" font-size="13" text-anchor="middle" fill="${output ? "#555" : "#111"}">${escapeXml(n.label)}</text>`,
    );
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** Writes the SVG to `file` and the DOT beside it (same name, .dot). Returns both paths. */
export function plotModel(model: Model, file: string, options: PlotOptions = {}): { svg: string; dot: string } {
  const svgPath = file.endsWith(".svg") ? file : `${file}.svg`;
  const dotPath = svgPath.replace(/\.svg$/, ".dot");
  writeAtomic(svgPath, toSvg(model, options));
  writeAtomic(dotPath, toDot(model, options));
  return { svg: svgPath, dot: dotPath };
}
