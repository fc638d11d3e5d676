/** The bench's table, printed after a run and written into docs/performance.md from a saved run. */

import { describeMachine } from "./machine.js";
import type { SavedRun } from "./results.js";
import type { BrowserRow, BrowserRun, Row, WebGpuRun } from "./rows.js";
import { describeAdapter } from "./webgpu/spec.js";

function fmt(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined) return "-";
  if (unit === "s/epoch") return v.toFixed(3);
  if (unit === "%" || unit === "s") return v.toFixed(1);
  return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1);
}

const times = (r: number | null | undefined) => (r === null || r === undefined ? "-" : `${r.toFixed(2)}x`);

/** " (2t)", " (2t, ftz)": PyTorch's thread count, and "ftz" where its reading with denormals flushed to zero won. */
function pytorchNotes(r: Row): string {
  const notes = [r.pytorchThreads ? `${r.pytorchThreads}t` : "", r.pytorchFlushDenormal ? "ftz" : ""].filter(Boolean);
  return notes.length ? ` (${notes.join(", ")})` : "";
}

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
      r.pytorch === null ? "-" : `${fmt(r.pytorch, r.unit)}${pytorchNotes(r)}`,
      times(r.ratio),
    ];
    if (onnx) cells.push(fmt(r.onnxRuntime, r.unit), times(r.ratioOnnx));
    return cells;
  });
  return markdown(header, body);
}

function markdown(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

/** The browser section's table: kerno-wasm in the browser beside TensorFlow.js, ONNX Runtime Web and kerno in Node. */
export function formatBrowserTable(rows: BrowserRow[]): string {
  const header = [
    "workload",
    "metric",
    "unit",
    "kerno-wasm",
    "tf.js (best)",
    "ratio",
    "ort web",
    "ratio vs ort",
    "kerno-native (node)",
    "wasm / native",
    "kerno-wasm (node)",
  ];
  const body = rows.map((r) => [
    r.workload,
    r.metric,
    r.unit,
    fmt(r.kernoWasm, r.unit),
    r.tfjs === null ? "-" : `${fmt(r.tfjs, r.unit)}${r.tfjsBackend ? ` (${r.tfjsBackend})` : ""}`,
    times(r.ratioTfjs),
    fmt(r.ortWeb, r.unit),
    times(r.ratioOrtWeb),
    fmt(r.kernoNative, r.unit),
    times(r.ratioNative),
    fmt(r.kernoWasmNode, r.unit),
  ]);
  return markdown(header, body);
}

/** The browser section as text: the browser, whether the page was cross-origin isolated, the threads and versions, the table, the notes; or why it was skipped. */
export function browserBlock(b: BrowserRun): string {
  if (b.skipped) return `Browser section skipped: ${b.skipped}.`;
  const t = b.threads,
    v = b.versions;
  const threads = (n: number | null | undefined) => (n === null || n === undefined ? "?" : String(n));
  return [
    `Browser section: ${b.browser}, the page served from 127.0.0.1 ${b.crossOriginIsolated ? "cross-origin isolated (COOP/COEP; crossOriginIsolated was true)" : "NOT cross-origin isolated (crossOriginIsolated was false)"}, ` +
      `and again without COOP/COEP (rows "not isolated"). Threads on the isolated page: kerno-wasm ${threads(t?.kernoWasm)}, ONNX Runtime Web ${v?.ortWeb ?? "?"} ${threads(t?.ortWeb)}; ` +
      `on the other page one each. In Node: kerno-native ${threads(t?.kernoNative)}, kerno-wasm ${threads(t?.kernoWasmNode)}. TensorFlow.js ${v?.tfjs ?? "?"}: the faster of its cpu and webgl backends. ` +
      "Ratios are kerno-wasm in the browser over the other; above 1 means kerno-wasm is better.",
    "",
    formatBrowserTable(b.rows),
    ...(b.notes.length ? ["", ...b.notes.map((n) => `- ${n}`)] : []),
  ].join("\n");
}

/** The webgpu section as text: the browser, its flags, the adapter, the table (kerno-webgpu beside TensorFlow.js's webgpu), the notes; or why it was skipped. */
export function webgpuBlock(w: WebGpuRun): string {
  if (w.skipped) return `WebGPU section skipped: ${w.skipped}.`;
  const adapter = w.adapter ? describeAdapter(w.adapter) : "none";
  const failed = (e: string | undefined) => (e ? ` (failed: ${e.length > 80 ? `${e.slice(0, 77)}...` : e})` : "");
  const body = w.rows.map((r) => [
    r.workload,
    r.metric,
    r.unit,
    `${fmt(r.kernoWebgpu, r.unit)}${failed(r.kernoError)}`,
    `${fmt(r.tfjsWebgpu, r.unit)}${failed(r.tfjsError)}`,
    times(r.ratioTfjs),
  ]);
  return [
    `WebGPU section: ${w.browser ?? "?"} with ${(w.flags ?? []).join(" ")}, adapter ${adapter}; TensorFlow.js ${w.versions?.tfjs ?? "?"} with @tensorflow/tfjs-backend-webgpu ${w.versions?.tfjsWebgpu ?? "?"}. ` +
      "Ratios are kerno-webgpu over TensorFlow.js webgpu; above 1 means kerno is better." +
      (w.software ? " SOFTWARE ADAPTER (KERNO_BENCH_WEBGPU_SOFTWARE=1), tiny sizes: these numbers only show that the code path ran; they are no timings." : ""),
    "",
    markdown(
      [
        "workload",
        "metric",
        "unit",
        w.software ? "kerno-webgpu (no timing)" : "kerno-webgpu",
        w.software ? "tf.js webgpu (no timing)" : "tf.js webgpu",
        "ratio",
      ],
      body,
    ),
    ...(w.notes.length ? ["", ...w.notes.map((n) => `- ${n}`)] : []),
  ].join("\n");
}

/** The benchmark block of docs/performance.md: where and how the saved run was made, then its table. */
export function readmeBlock(run: SavedRun, file: string): string {
  const m = run.machine;
  const versions = [`Node ${m.node}`, m.pytorch ? `PyTorch ${m.pytorch}` : "no PyTorch", m.onnxRuntime ? `ONNX Runtime ${m.onnxRuntime}` : "no ONNX Runtime"];
  return [
    `Latest saved run (\`${file}\`, ${run.date.slice(0, 10)}): ${describeMachine(m)}, ` +
      `${versions.join(", ")}; load average ${m.loadStart.toFixed(2)} at the start and ${m.loadEnd.toFixed(2)} at the end, ${run.seconds} s per measurement. ${run.policy}`,
    "",
    formatTable(run.rows),
    ...(run.browser ? ["", browserBlock(run.browser)] : []),
    ...(run.webgpu ? ["", webgpuBlock(run.webgpu)] : []),
  ].join("\n");
}
