/**
 * traffic-forecast --course: the course's split (11,184 / 2,766 windows from 13,980 hours), its
 * three models and compile (no optimizer, so rmsprop; every epoch, no early stopping), and the
 * cut to the course's 13,980 hours.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { loadModel, windows } from "../../src/index.js";
import { trafficForecast } from "../../src/recipes/traffic.js";
import { COURSE_HOURS, COURSE_TRAINING, courseFlag, courseSplit, forecaster, KERNO_TRAINING } from "../../src/recipes/traffic-data.js";

const dir = tempDir();

test("the course's split: 13,980 hours make 13,950 windows, 11,184 train and 2,766 validate", () => {
  const hours = Float32Array.from({ length: COURSE_HOURS }, (_, t) => Math.sin(t / 5));
  const w = windows(hours, { history: 6, horizon: 24 });
  assert.equal(w.starts.length, 13_950);
  const nTrain = courseSplit(w.starts, COURSE_HOURS);
  assert.equal(nTrain, Math.floor(0.8 * 13_980));
  assert.deepEqual([nTrain, w.starts.length - nTrain], [11_184, 2_766]);
  // with a gap, the boundary stays at 80% of the hours: windows lost to the gap come off the training side
  const gappy = hours.slice();
  gappy.fill(Number.NaN, 100, 110);
  const g = windows(gappy, { history: 6, horizon: 24 });
  const n = courseSplit(g.starts, COURSE_HOURS);
  assert.equal(g.starts.length - n, 2_766);
  assert.ok(g.starts[n - 1] < 11_184 && g.starts[n] === 11_184);
});

test("the course's compile and models: no optimizer (rmsprop), MSE, MAE, no early stopping", () => {
  assert.deepEqual(COURSE_TRAINING.compile, { loss: "mse", metrics: ["mae"] });
  assert.equal(COURSE_TRAINING.earlyStopping, false);
  assert.deepEqual(COURSE_TRAINING.models, [
    ["dense", "course"],
    ["simple_rnn", "course"],
    ["lstm", "course"],
  ]);
  const model = forecaster("lstm", "course", 6, 1);
  model.compile(COURSE_TRAINING.compile);
  assert.equal(model.optimizer?.className, "RMSprop");
  assert.equal(KERNO_TRAINING.compile.optimizer, "adam");
  assert.equal(KERNO_TRAINING.models.length, 5);
});

test("--course takes no value", () => {
  assert.equal(courseFlag({}), false);
  assert.equal(courseFlag({ course: true }), true);
  assert.equal(courseFlag({ course: "true" }), true);
  assert.throws(() => courseFlag({ course: "traffic-forecast" }), /--course takes no value, got 'traffic-forecast'/);
});

test("--course on a gap-free CSV longer than the course's: its last 13,980 hours, 11,184 / 2,766 windows, one epoch each", async () => {
  const csv = join(dir, "long.csv");
  const t0 = Date.UTC(2021, 0, 4);
  const rows = Array.from({ length: COURSE_HOURS + 120 }, (_, h) => {
    const stamp = new Date(t0 + h * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
    return `${stamp},${(1000 + 800 * Math.sin((2 * Math.PI * (h % 24)) / 24) + ((h * 7919) % 97)).toFixed(0)}`;
  });
  writeFileSync(csv, `time,volume\n${rows.join("\n")}\n`);
  const logs: string[] = [];
  const out = join(dir, "course");
  const result = await trafficForecast.run({
    epochs: 1,
    seed: 1,
    out,
    log: (s) => logs.push(s),
    flags: { csv, time: "time", column: "volume", course: true, "sarima-origins": "2" },
  });
  assert.equal(result.setup, "course");
  assert.deepEqual(result.samples, { train: 11_184, validation: 2_766 });
  const text = logs.join("\n");
  assert.match(text, /13980 rows, .* 13980 hourly steps from 2021-01-09 00:00/);
  assert.match(text, /windows: 13950 .*: 11184 training, 2766 validation/);
  const nets = (result.rows as { name: string; epochs?: number }[]).filter((r) => r.epochs !== undefined);
  assert.deepEqual(
    nets.map((r) => [r.name, r.epochs]),
    [
      ["dense", 1],
      ["simple_rnn_course", 1],
      ["lstm_course", 1],
    ],
  );
  const saved = await loadModel(join(out, "lstm_course.kerno"));
  assert.equal(saved.optimizer?.className, "RMSprop");
});

const metro = needsData("the I-94 traffic", "metro-interstate-traffic-volume/Metro_Interstate_Traffic_Volume.csv");

test("--course on the I-94 series: the last 13,980 hours, whose gaps leave 11,080 / 2,766 windows", { skip: metro }, async () => {
  const logs: string[] = [];
  const result = await trafficForecast.run({
    epochs: 1,
    seed: 1,
    out: join(dir, "metro"),
    log: (s) => logs.push(s),
    flags: { course: true, "sarima-origins": "2" },
  });
  assert.deepEqual(result.samples, { train: 11_080, validation: 2_766 });
  assert.match(logs.join("\n"), /13980 hourly steps from 2017-02-25 12:00/);
});
