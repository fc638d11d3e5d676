/**
 * kerno serve: JSON predictions over HTTP, the small single-machine path (at scale the same ONNX
 * file goes to ONNX Runtime or Triton). POST /predict with {"inputs": [[...], ...]} (one row per
 * example, each of the model's input shape) answers {"outputs": [...]} (and "classes" when the
 * model knows its class names); GET /health describes the model. It binds 127.0.0.1 unless told
 * otherwise and answers only requests whose Host names it; a body over the size limit is a 413, one
 * that does not arrive in time a 408, a bad payload a 400 that says what is wrong, and a failure of
 * the model a 500 that says only "internal error" (the details go to stderr).
 */
import type { Server } from "node:http";
import { extname } from "node:path";
import { describe } from "@kerno/core/models/validate.js";
import { argmax } from "@kerno/core/ops/reduce.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import type { Tensor } from "@kerno/core/tensor/tensor.js";
import { loadModel } from "@kerno/node/interop/load-model.js";
import { createGuardedServer, type HttpLimits, jsonError, readBody, requestPath, sendJson } from "../util/http.js";

export interface Predictor {
  format: "kerno" | "onnx";
  /** The input shape without the batch dimension (null where any size goes). */
  inputShape: (number | null)[];
  classNames: string[] | null;
  /** Output values per example, where the model's output shape is known. */
  outputValues: number | null;
  predict(x: Float32Array, shape: number[]): Promise<{ data: Float32Array; shape: number[] }>;
}

/** Output values per request at most (~80 MB of JSON): a model whose outputs are large takes fewer examples at a time. */
const MAX_OUTPUT_VALUES = 2 ** 23;

/** Values per example of a shape without its batch dimension, or null when a size is unknown. */
const perExample = (shape: readonly (number | string | null)[]): number | null =>
  shape.every((d) => typeof d === "number") ? (shape as number[]).reduce((a, b) => a * b, 1) : null;

export interface ServeLimits extends HttpLimits {
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
    const outMeta = session.outputMetadata[0] as { shape?: (number | string)[] } | undefined;
    return {
      format: "onnx",
      inputShape,
      classNames: null,
      outputValues: outMeta?.shape ? perExample(outMeta.shape.slice(1)) : null,
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
    outputValues: perExample(model.outputs[0].shape.slice(1)),
    async predict(x, shape) {
      const y = model.predict(tensor(x, shape), { batchSize: 256 }) as Tensor;
      return { data: y.floats(), shape: [...y.shape] };
    },
  };
}

class BadRequest extends Error {}

const dims = (shape: (number | string)[]) => `[${shape.join(", ")}]`;

/** The lengths along first elements, at most `limit` levels (a 10,000-deep nesting is named, not walked). */
function firstShape(v: unknown, limit: number): (number | string)[] {
  const shape: (number | string)[] = [];
  for (; Array.isArray(v); v = v[0]) {
    if (shape.length === limit) return [...shape, "..."];
    shape.push(v.length);
  }
  return shape;
}

/**
 * Copies one example into `out` at `at`, checking it level by level against `shape` (every nested
 * array, not only the first ones: a ragged example would otherwise take values from its neighbours)
 * and every value against float32's range; returns the next offset. `path` is [example, ...indices],
 * kept in one array and named only on error (a photo has 150,528 values).
 */
function copyExample(v: unknown, shape: number[], out: Float32Array, at: number, path: number[]): number {
  const depth = path.length - 1;
  const where = () => `example ${path[0]}${depth ? ` at ${dims(path.slice(1))}` : ""}`;
  if (depth === shape.length) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new BadRequest(`${where()}: expected a finite number, got ${describe(v)}`);
    const f = Math.fround(v);
    if (!Number.isFinite(f)) throw new BadRequest(`${where()}: ${v} is not finite in float32`);
    out[at] = f;
    return at + 1;
  }
  const n = shape[depth];
  if (!Array.isArray(v)) throw new BadRequest(`${where()}: expected an array of ${n}, got ${describe(v)}`);
  if (v.length !== n) throw new BadRequest(`${where()}: expected ${n} values, got ${v.length}`);
  if (depth === shape.length - 1) {
    // the innermost level inline: no call per value
    for (let k = 0; k < n; k++) {
      const x = v[k];
      if (typeof x !== "number" || !Number.isFinite(Math.fround(x))) return copyExample(x, shape, out, at, [...path, k]); // names it
      out[at++] = x;
    }
    return at;
  }
  for (let k = 0; k < n; k++) {
    path.push(k);
    at = copyExample(v[k], shape, out, at, path);
    path.pop();
  }
  return at;
}

/**
 * The rows of `inputs` as one flat batch, each example checked whole against the input shape (null:
 * any size, as example 0 has it); `maxValues` bounds what the lengths of example 0 may ask to allocate.
 */
export function batchOf(body: unknown, inputShape: (number | null)[], maxBatch: number, maxValues = 2 ** 26): { data: Float32Array; shape: number[] } {
  const o = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as { inputs?: unknown; instances?: unknown }) : null;
  const rows = o?.inputs ?? o?.instances;
  if (!Array.isArray(rows) || rows.length === 0) throw new BadRequest('expected {"inputs": [example, ...]} with at least one example');
  if (rows.length > maxBatch) throw new BadRequest(`at most ${maxBatch} examples per request, got ${rows.length}`);
  const first = firstShape(rows[0], inputShape.length);
  const fits = first.length === inputShape.length && inputShape.every((d, k) => d === null || d === first[k]);
  if (!fits && first.length === 0 && inputShape.length > 0)
    throw new BadRequest(`example 0: expected an array of ${inputShape[0] ?? "any length"}, got ${describe(rows[0])}`);
  if (!fits) throw new BadRequest(`each example must have shape ${dims(inputShape.map((d) => d ?? "any"))}, got ${dims(first)}`);
  const example = inputShape.map((d, k) => d ?? (first[k] as number));
  const size = example.reduce((a, b) => a * b, 1);
  if (rows.length * size > maxValues) throw new BadRequest(`${rows.length} examples of shape ${dims(example)} are more values than this request can hold`);
  const data = new Float32Array(rows.length * size);
  rows.forEach((row, i) => {
    const other = i > 0 && inputShape.includes(null) ? firstShape(row, inputShape.length) : null;
    if (other && other.join() !== first.join()) throw new BadRequest(`example ${i} has shape ${dims(other)}, example 0 ${dims(first)}`);
    copyExample(row, example, data, i * size, [i]);
  });
  return { data, shape: [rows.length, ...example] };
}

function nest(data: Float32Array, shape: number[]): unknown {
  if (shape.length <= 1) return Array.from(data);
  const size = data.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(data.subarray(i * size, (i + 1) * size), shape.slice(1)));
}

export function createPredictionServer(predictor: Predictor, limits: ServeLimits = {}): Server {
  const maxBytes = limits.maxBytes ?? 16 * 2 ** 20;
  const maxBatch = Math.max(1, Math.min(limits.maxBatch ?? 1024, Math.floor(MAX_OUTPUT_VALUES / (predictor.outputValues ?? 1))));
  const timeoutMs = limits.requestTimeoutMs ?? 30_000;
  return createGuardedServer(
    async (req, res) => {
      const path = requestPath(req);
      if (path === null) return jsonError(res, 400, "bad request path: expected /predict or /health with valid percent escapes");
      if (path === "/health" && req.method === "GET")
        return sendJson(res, 200, {
          status: "ok",
          format: predictor.format,
          inputShape: predictor.inputShape,
          classNames: predictor.classNames,
          maxBatch,
          maxBytes,
        });
      if (path !== "/health" && path !== "/predict") return jsonError(res, 404, `${path.slice(0, 200)}: not found; POST /predict or GET /health`);
      const allowed = path === "/health" ? "GET" : "POST";
      if (req.method !== allowed) return jsonError(res, 405, `${path}: method ${req.method} not allowed, only ${allowed}`, { allow: allowed });
      const raw = await readBody(req, res, { maxBytes, timeoutMs, refuse: jsonError });
      if (!raw) return;
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch (err) {
        return jsonError(res, 400, `POST /predict: the body is not JSON (${(err as Error).message.slice(0, 120)})`);
      }
      let batch: { data: Float32Array; shape: number[] };
      try {
        batch = batchOf(body, predictor.inputShape, maxBatch, Math.ceil(maxBytes / 2)); // a value takes 2 bytes at least ("0,")
      } catch (err) {
        if (err instanceof BadRequest) return jsonError(res, 400, `POST /predict: ${err.message}`);
        throw err;
      }
      const out = await predictor.predict(batch.data, batch.shape);
      const result: Record<string, unknown> = { outputs: nest(out.data, out.shape) };
      if (predictor.classNames && out.shape.length === 2 && out.shape[1] === predictor.classNames.length)
        result.classes = Array.from(argmax(tensor(out.data, out.shape)).data(), (c) => predictor.classNames![c]);
      sendJson(res, 200, result);
    },
    { ...limits, refuse: jsonError, name: "kerno serve" },
  );
}
