/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * mapping names to { dtype, shape, data_offsets } plus optional string metadata, then the raw
 * little-endian data. Simple enough to read and write here; it never executes anything.
 */
import type { TypedArray } from "../tensor/dtype.js";
import { arrayAt, countAt, fail, isObject, objectAt, parseJson, shapeAt, sizeOf, stringAt } from "./validate.js";

export type SafeDType = "F32" | "I32" | "U8";

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: TypedArray;
}

const BYTES: Record<SafeDType, number> = { F32: 4, I32: 4, U8: 1 };

function dtypeOf(data: TypedArray): SafeDType {
  return data instanceof Float32Array ? "F32" : data instanceof Int32Array ? "I32" : "U8";
}

export function encodeSafetensors(tensors: Map<string, { shape: readonly number[]; data: TypedArray }>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.byteLength;
    header[name] = { dtype: dtypeOf(t.data), shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((json.length + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

/** Parses and validates a safetensors file; `who` names the file in errors. */
export function decodeSafetensors(bytes: Uint8Array, who: string): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error(`${who}: not a safetensors file (only ${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8 || headerLength > 100_000_000) {
    throw new Error(`${who}: truncated or corrupt: the header says ${headerLength} bytes but the file has ${bytes.length - 8} after the length`);
  }
  const header = parseJson(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)), who, "the safetensors header");
  if (!isObject(header)) fail(who, "the safetensors header", "an object", header);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, SafeTensor>();
  const metadata = objectAt(header.__metadata__ ?? {}, who, "the header's __metadata__");
  for (const [key, value] of Object.entries(metadata)) stringAt(value, who, `__metadata__.${key}`);
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const e = objectAt(entry, who, `tensor '${name}'`);
    if (typeof e.dtype !== "string" || !Object.hasOwn(BYTES, e.dtype)) fail(who, `tensor '${name}': dtype`, `one of ${Object.keys(BYTES).join(", ")}`, e.dtype);
    const shape = shapeAt(e.shape, who, `tensor '${name}': shape`);
    const offsets = arrayAt(e.data_offsets, who, `tensor '${name}': data_offsets`);
    const [begin, end] = offsets.map((o, i) => countAt(o, who, `tensor '${name}': data_offsets[${i}]`));
    const dtype = e.dtype as SafeDType;
    const count = sizeOf(shape);
    if (!(offsets.length === 2 && begin <= end && end <= dataLength && end - begin === count * BYTES[dtype])) {
      throw new Error(`${who}: truncated or corrupt: '${name}' claims bytes ${begin}..${end} of ${dataLength} for shape [${shape.join(",")}]`);
    }
    spans.push({ name, begin, end });
  }
  // as the format requires, the tensors tile the data exactly: overlapping entries would let a small
  // file name the same bytes many times and have them copied out (and allocated for) again and again
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const { name, begin, end } of spans) {
    if (begin !== at)
      throw new Error(
        `${who}: corrupt: tensor '${name}' starts at byte ${begin} of the data, expected ${at} (${begin < at ? "it overlaps the tensor before it" : "a gap before it"})`,
      );
    at = end;
  }
  if (at !== dataLength) throw new Error(`${who}: corrupt: the tensors end at byte ${at} of the data but the file holds ${dataLength}`);
  for (const { name } of spans) {
    const e = header[name] as { dtype: SafeDType; shape: number[]; data_offsets: [number, number] };
    const [begin, end] = e.data_offsets;
    const dtype = e.dtype;
    const shape = e.shape;
    // copy out (the file's bytes may not be aligned for typed-array views); Uint8Array's slice,
    // because a Node Buffer's slice would be a view into a shared pool
    const raw = Uint8Array.prototype.slice.call(bytes, dataStart + begin, dataStart + end);
    const data = dtype === "F32" ? new Float32Array(raw.buffer) : dtype === "I32" ? new Int32Array(raw.buffer) : raw;
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata: metadata as Record<string, string> };
}
