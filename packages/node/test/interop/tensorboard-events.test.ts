import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { EventFileWriter, histogram, tensorboardProtos } from "../../src/interop/tensorboard-events.js";
import { readRecords } from "../../src/interop/tfrecord.js";

/** Every event of an event file, decoded with the protos. */
export function readEvents(path: string): Record<string, unknown>[] {
  const { Event } = tensorboardProtos();
  return readRecords(readFileSync(path), path).records.map((r) => Event.toObject(Event.decode(r), { longs: Number, bytes: Buffer }) as Record<string, unknown>);
}

test("an event file: the version first, then scalars, histograms, images and the graph, each decodable", () => {
  const dir = tempDir();
  const w = new EventFileWriter(join(dir, "train"));
  assert.match(basename(w.path), /^events\.out\.tfevents\.\d+\.[^.]+.*\.\d+\.\d+\.v2$/);
  w.scalar("epoch_loss", 0.25, 3);
  w.histogram("dense/kernel", [1, 2, 2, 3, 10], 3);
  w.image("filters", Buffer.from([0x89, 0x50, 0x4e, 0x47]), { width: 2, height: 1, channels: 3 }, 4);
  w.graph([
    { name: "input_1", op: "InputLayer", inputs: [] },
    { name: "dense", op: "Dense", inputs: ["input_1"] },
  ]);
  const events = readEvents(w.path);
  assert.equal(events.length, 5);
  assert.equal(events[0].fileVersion, "brain.Event:2");
  const scalar = events[1] as { step: number; summary: { value: { tag: string; simpleValue: number }[] } };
  assert.deepEqual([scalar.step, scalar.summary.value[0].tag, scalar.summary.value[0].simpleValue], [3, "epoch_loss", 0.25]);
  const histo = (events[2] as { summary: { value: { histo: { min: number; max: number; num: number; bucket: number[] } }[] } }).summary.value[0].histo;
  assert.deepEqual([histo.min, histo.max, histo.num], [1, 10, 5]);
  assert.equal(
    histo.bucket.reduce((s, v) => s + v, 0),
    5,
  );
  const image = (events[3] as { summary: { value: { image: { width: number; encodedImageString: Buffer } }[] } }).summary.value[0].image;
  assert.equal(image.width, 2);
  assert.deepEqual([...image.encodedImageString], [0x89, 0x50, 0x4e, 0x47]);
  const { GraphDef } = tensorboardProtos();
  const graph = GraphDef.toObject(GraphDef.decode((events[4] as { graphDef: Buffer }).graphDef)) as { node: { name: string; op: string; input?: string[] }[] };
  assert.deepEqual(graph.node[1], { name: "dense", op: "Dense", input: ["input_1"] });
  assert.equal(readdirSync(join(dir, "train")).length, 1);
});

test("histogram buckets: equal widths, the last ending at the maximum, every value counted", () => {
  const h = histogram([0, 0.5, 1, 1, 4], 4);
  assert.deepEqual(h.bucketLimit, [1, 2, 3, 4]);
  assert.deepEqual(h.bucket, [2, 2, 0, 1]);
  assert.equal(h.sumSquares, 0.25 + 1 + 1 + 16);
  assert.deepEqual(histogram([], 2).bucket, [0, 0]);
});
