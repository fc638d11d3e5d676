/** The bench's table, printed after a run and written into docs/performance.md from a saved run. */

import type { SavedRun } from "./results.js";
import type { Row } from "./rows.js";

function fmt(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined) return "-";
  if (unit === "s/epoch") return v.toFixed(3);
  if (unit === "%" || unit === "s") return v.toFixed(1);
  return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1);
}

const times = (r: number | null | undefined) => (r === null || r === undefined ? "-" : `${r.toFixed(2)}x`);

/** A Markdown table of the rows; the ONNX Runtime columns appear when any row has a value there. */
export function formatTable(rows: Row[], pytorchNote = ""): string {
  const onnx = rows.some((r) => r.onnxRuntime !== undefined && r.onnxRuntime !== null);
  const header = ["workload", "metric", "unit", "kerno-native", "kerno-js", `pytorch${pytorchNote}`, "ratio"];
  if (onnx) header.push("onnx runtime", "ratio vs onnx");
  const body = rows.map((r) => {
    const cells = [
      r.workload,
      r.metric,
      r.unit,
      fmt(r.kernoNative, r.unit),
      fmt(r.kernoJs, r.unit),
      r.pytorch === null ? "-" : `${fmt(r.pytorch, r.unit)}${r.pytorchThreads ? ` (${r.pytorchThreads}t)` : ""}`,
      times(r.ratio),
    ];
    if (onnx) cells.push(fmt(r.onnxRuntime, r.unit), times(r.ratioOnnx));
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

/** The benchmark block of docs/performance.md: where and how the saved run was made, then its table. */
export function readmeBlock(run: SavedRun, file: string): string {
  const m = run.machine;
  const versions = [`Node ${m.node}`, m.pytorch ? `PyTorch ${m.pytorch}` : "no PyTorch", m.onnxRuntime ? `ONNX Runtime ${m.onnxRuntime}` : "no ONNX Runtime"];
  return [
    `Latest saved run (\`${file}\`, ${run.date.slice(0, 10)}): ${m.cpu}, ${m.cores} cores, kerno's ${m.isa} path, ` +
      `${versions.join(", ")}; load average ${m.loadStart.toFixed(2)} at the start and ${m.loadEnd.toFixed(2)} at the end, ${run.seconds} s per measurement. ${run.policy}`,
    "",
    formatTable(run.rows),
  ].join("\n");
}
