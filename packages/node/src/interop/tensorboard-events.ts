/**
 * TensorBoard event files: `events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2` in a log folder,
 * TFRecord-framed `tensorflow.Event` messages (encoded by protobufjs from protos/tensorboard.proto)
 * holding scalars, histograms, PNG images and a layer graph. Every event is appended and flushed
 * at once, so a killed run keeps what it had written.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type protobuf from "protobufjs";
import { protobufLib } from "../util/lazy-modules.js";
import { frameRecord } from "./tfrecord.js";

let root: protobuf.Root | null = null;

/** The proto types (loaded once from the repository's protos/ folder, beside src/ and dist/). */
export function tensorboardProtos(): { Event: protobuf.Type; GraphDef: protobuf.Type } {
  root ??= protobufLib().loadSync(fileURLToPath(new URL("../../protos/tensorboard.proto", import.meta.url)));
  return { Event: root.lookupType("tensorflow.Event"), GraphDef: root.lookupType("tensorflow.GraphDef") };
}

let fileCount = 0;

export interface GraphNode {
  name: string;
  op: string;
  inputs: string[];
}

/** TensorBoard's default-like buckets: `count` equal-width buckets between the values' min and max. */
export function histogram(values: ArrayLike<number>, count = 30) {
  let min = Infinity,
    max = -Infinity,
    sum = 0,
    sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
  }
  if (values.length === 0) [min, max] = [0, 0];
  const width = (max - min) / count || 1;
  const limits = Array.from({ length: count }, (_, i) => (i === count - 1 ? max : min + width * (i + 1)));
  const buckets = new Array<number>(count).fill(0);
  for (let i = 0; i < values.length; i++) buckets[Math.min(count - 1, Math.floor((values[i] - min) / width))]++;
  return { min, max, num: values.length, sum, sumSquares, bucketLimit: limits, bucket: buckets };
}

export class EventFileWriter {
  readonly path: string;

  constructor(logDir: string) {
    mkdirSync(logDir, { recursive: true });
    this.path = join(logDir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${hostname()}.${process.pid}.${fileCount++}.v2`);
    writeFileSync(this.path, "");
    this.write({ wallTime: Date.now() / 1000, fileVersion: "brain.Event:2" });
  }

  private write(event: Record<string, unknown>): void {
    const { Event } = tensorboardProtos();
    appendFileSync(this.path, frameRecord(Event.encode(Event.fromObject(event)).finish()));
  }

  private summary(step: number, value: Record<string, unknown>): void {
    this.write({ wallTime: Date.now() / 1000, step, summary: { value: [value] } });
  }

  scalar(tag: string, value: number, step: number): void {
    this.summary(step, { tag, simpleValue: value });
  }

  histogram(tag: string, values: ArrayLike<number>, step: number): void {
    this.summary(step, { tag, histo: histogram(values) });
  }

  /** A PNG (or JPEG) image of `width` x `height` with `channels` (1 gray, 3 RGB, 4 RGBA). */
  image(tag: string, encoded: Uint8Array, size: { width: number; height: number; channels: number }, step: number): void {
    this.summary(step, { tag, image: { width: size.width, height: size.height, colorspace: size.channels, encodedImageString: encoded } });
  }

  graph(nodes: GraphNode[]): void {
    const { GraphDef } = tensorboardProtos();
    const graphDef = GraphDef.encode(GraphDef.fromObject({ node: nodes.map((n) => ({ name: n.name, op: n.op, input: n.inputs })) })).finish();
    this.write({ wallTime: Date.now() / 1000, graphDef });
  }
}
