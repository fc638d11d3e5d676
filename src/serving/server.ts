/**
 * kerno serve: JSON predictions over HTTP, the small single-machine path (at scale the same ONNX
 * file goes to ONNX Runtime or Triton). POST /predict with {"inputs": [[...], ...]} (one row per
 * example, each of the model's input shape) answers {"outputs": [...]} (and "classes" when the
 * model knows its class names); GET /health describes the model. It binds 127.0.0.1 unless told
 * otherwise; a body over the size limit is a 413, a bad payload a 400 that says what is wrong.
 */
import { createServer, type Server } from "node:http";
import { extname } from "node:path";
import { loadModel } from "../interop/load-model.js";
import { argmax } from "../ops/reduce.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";

export interface Predictor {
  format: "kerno" | "onnx";
  /** The input shape without the batch dimension (null where any size goes). */
  inputShape: (number | null)[];
  classNames: string[] | null;
  predict(x: Float32Array, shape: number[]): Promise<{ data: Float32Array; shape: number[] }>;
}

export interface ServeLimits {
  maxBytes?: number;
  maxBatch?: number;
}

/** A kerno model (any file loadModel opens), or an ONNX file through onnxruntime-node. */
export async function loadPredictor(path: string): Promise<Predictor> {
  if (extname(path).toLowerCase() === ".onnx") {
    let ort: typeof import("onnxruntime-node");
    try {
      ort = await import("onnxruntime-node");
    } catch {
      throw new Error("kerno serve: serving an .onnx file needs onnxruntime-node (npm install onnxruntime-node); a .kerno model needs nothing more");
    }
    const session = await ort.InferenceSession.create(path);
    const meta = session.inputMetadata[0] as { shape?: (number | string)[] } | undefined;
    const inputShape = (meta?.shape ?? []).slice(1).map((d) => (typeof d === "number" ? d : null));
    return {
      format: "onnx",
      inputShape,
      classNames: null,
      async predict(x, shape) {
        const out = (await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x, shape) }))[session.outputNames[0]];
        return { data: out.data as Float32Array, shape: out.dims.map(Number) };
      },
    };
  }
  const model = await loadModel(path);
  return {
    format: "kerno",
    inputShape: model.inputs[0].shape.slice(1),
    classNames: model.classNames ?? null,
    async predict(x, shape) {
      const y = model.predict(tensor(x, shape), { batchSize: 256 }) as Tensor;
      return { data: y.floats(), shape: [...y.shape] };
    },
  };
}

class BadRequest extends Error {}

/** The rows of `inputs` as one flat batch, checked against the input shape. */
export function batchOf(body: unknown, inputShape: (number | null)[], maxBatch: number): { data: Float32Array; shape: number[] } {
  const rows = (body as { inputs?: unknown; instances?: unknown } | null)?.inputs ?? (body as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(rows) || rows.length === 0) throw new BadRequest('expected {"inputs": [example, ...]} with at least one example');
  if (rows.length > maxBatch) throw new BadRequest(`at most ${maxBatch} examples per request, got ${rows.length}`);
  const parts: number[][] = [];
  let shape: number[] | null = null;
  rows.forEach((row, i) => {
    const dims: number[] = [];
    for (let v: unknown = row; Array.isArray(v); v = v[0]) dims.push(v.length);
    if (shape && dims.join() !== shape.join()) throw new BadRequest(`example ${i} has shape [${dims.join(", ")}], example 0 [${shape.join(", ")}]`);
    shape = dims;
    const values = (row as unknown[]).flat(Number.POSITIVE_INFINITY) as unknown[];
    if (values.some((v) => typeof v !== "number" || !Number.isFinite(v))) throw new BadRequest(`example ${i} holds something that is not a finite number`);
    parts.push(values as number[]);
  });
  const example = shape as unknown as number[];
  const fits = example.length === inputShape.length && inputShape.every((d, k) => d === null || d === example[k]);
  if (!fits) throw new BadRequest(`each example must have shape [${inputShape.map((d) => d ?? "any").join(", ")}], got [${example.join(", ")}]`);
  // copied row by row (spreading a photo's values into one push would overflow the call stack)
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { data, shape: [rows.length, ...example] };
}

function nest(data: Float32Array, shape: number[]): unknown {
  if (shape.length === 1) return Array.from(data);
  const size = data.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(data.subarray(i * size, (i + 1) * size), shape.slice(1)));
}

export function createPredictionServer(predictor: Predictor, limits: ServeLimits = {}): Server {
  const maxBytes = limits.maxBytes ?? 16 * 2 ** 20;
  const maxBatch = limits.maxBatch ?? 1024;
  return createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/health")
      return reply(200, { status: "ok", format: predictor.format, inputShape: predictor.inputShape, classNames: predictor.classNames, maxBatch, maxBytes });
    if (req.method !== "POST" || req.url !== "/predict") return reply(404, { error: "POST /predict or GET /health" });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reply(413, { error: `the request is over ${maxBytes} bytes` });
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", async () => {
      if (size > maxBytes) return;
      try {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          throw new BadRequest("the body is not JSON");
        }
        const batch = batchOf(body, predictor.inputShape, maxBatch);
        const out = await predictor.predict(batch.data, batch.shape);
        const result: Record<string, unknown> = { outputs: nest(out.data, out.shape) };
        const k = out.shape[1];
        if (predictor.classNames && out.shape.length === 2 && k === predictor.classNames.length)
          result.classes = Array.from(argmax(tensor(out.data, out.shape)).data(), (c) => predictor.classNames![c]);
        reply(200, result);
      } catch (err) {
        reply(err instanceof BadRequest ? 400 : 500, { error: (err as Error).message });
      }
    });
  });
}
