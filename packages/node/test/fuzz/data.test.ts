/**
 * Fuzzing the data files kerno reads: CSV tables (readCsv, then the library's and the CLI's
 * encodings of them) and photos (PNG, JPEG, GIF and WebP through loadImage and
 * imageDatasetFromDirectory's decoder). Valid seed files are truncated, bit-flipped, given or robbed
 * of bytes, and CSVs also get hostile rows (ragged, quoted newlines, NUL, a UTF-16 or UTF-8 BOM,
 * 100,000 columns, a unique id per row). Every input must end in a value or an Error (not a
 * TypeError, RangeError or SyntaxError) that names the file, within a time bound, with the
 * process's memory growing by less than 300 MB; an image header claiming 60,000 x 60,000 pixels is
 * refused. Seeded (FUZZ_SEED).
 * Inputs: 160 CSV byte mutations + 40 CSV row mutations + 4 image formats x 40 byte mutations + 2
 * oversized headers = 362.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { fuzzSeed, mutateBytes, prng, type Rng } from "../../../core/test/helpers/fuzz.js";
import { tempDir } from "../../../core/test/helpers/tmp.js";
import { decodeInto } from "../../src/data/image-decode.js";
import { fitTablePlan } from "../../src/data/table-plan.js";
import { describeColumns, loadImage, readCsv, tableToTensors } from "../../src/index.js";

const SEED = fuzzSeed(20261206);
const TIME_LIMIT_MS = 10_000;
const MEMORY_LIMIT = 300e6;

/** Runs `load` on the file and checks how it ended; returns whether it produced a value. */
async function ends(path: string, label: string, load: () => unknown): Promise<boolean> {
  const started = performance.now();
  let ok = true;
  try {
    await load();
  } catch (err) {
    ok = false;
    assert.ok(err instanceof Error && err.constructor === Error, `${label}: ${(err as Error)?.stack ?? err}`);
    assert.ok(err.message.includes(path), `${label}: the message does not name the file: ${err.message}`);
  }
  const ms = performance.now() - started;
  assert.ok(ms < TIME_LIMIT_MS, `${label}: took ${ms.toFixed(0)} ms`);
  return ok;
}

const CSV = [
  "id,price,city,date,rooms,note",
  ...Array.from(
    { length: 40 },
    (_, i) => `${i + 1},${100 + i * 7.5},${["Ames", "Oslo", "Lyon"][i % 3]},2016-0${1 + (i % 9)}-1${i % 10},${i % 5},"a, ""quoted"" note"`,
  ),
].join("\n");

/** Whole-row mutations a careless export or a hostile file produces. */
function mutateRows(rng: Rng): [string, string] {
  const lines = CSV.split("\n");
  const at = 1 + rng.int(lines.length - 1);
  switch (rng.int(8)) {
    case 0:
      lines[at] = lines[at]
        .split(",")
        .slice(0, 1 + rng.int(5))
        .join(",");
      return [`row ${at} short`, lines.join("\n")];
    case 1:
      lines[at] += ",extra,fields";
      return [`row ${at} long`, lines.join("\n")];
    case 2:
      lines[at] = lines[at].replace("a, ", '"unterminated');
      return [`row ${at} unterminated quote`, lines.join("\n")];
    case 3:
      lines[at] = lines[at].replace(",", "\0,");
      return [`row ${at} NUL`, lines.join("\n")];
    case 4:
      return ["100,000 columns", `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(",")}\n${"1,".repeat(99_999)}1\n`];
    case 5:
      return ["UTF-16 LE with BOM", `\ufeff${CSV}`];
    case 6:
      return ["header only", lines[0]];
    default:
      return ["20,000 unique ids", `id,price\n${Array.from({ length: 20_000 }, (_, i) => `u${i * 7919},${i}`).join("\n")}`];
  }
}

test(`fuzzing CSV tables: every input reads and encodes, or fails with an Error naming the file (seed ${SEED})`, async () => {
  const dir = tempDir("kerno-fuzz-csv-");
  const rng = prng(SEED);
  const baseline = process.memoryUsage().rss;
  let peak = baseline,
    read = 0;
  const tryCsv = async (i: number, what: string, bytes: Uint8Array) => {
    const path = join(dir, `input-${i}.csv`);
    writeFileSync(path, bytes);
    const label = `csv input ${i} (${what}; FUZZ_SEED=${SEED})`;
    let table: ReturnType<typeof readCsv> | null = null;
    if (await ends(path, label, () => (table = readCsv(path)))) {
      read++;
      const t = table!;
      describeColumns(t);
      // the library's encoding and the CLI's plan take any column as the target without a TypeError
      const target = t.columns[rng.int(t.columns.length)];
      for (const encode of [() => tableToTensors(t, { target }), () => fitTablePlan(t, target, [...t.rows.keys()])]) {
        try {
          encode();
        } catch (err) {
          assert.ok(err instanceof Error && err.constructor === Error, `${label}: encoding with target '${target}': ${(err as Error).stack}`);
        }
      }
    }
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const seed = new TextEncoder().encode(CSV);
  for (let i = 0; i < 160; i++) {
    const [what, bytes] = mutateBytes(seed, rng);
    await tryCsv(i, what, bytes);
  }
  for (let i = 0; i < 40; i++) {
    const [what, text] = mutateRows(rng);
    const bytes = what.startsWith("UTF-16") ? Buffer.from(text, "utf16le") : Buffer.from(text);
    await tryCsv(160 + i, what, bytes);
  }
  assert.ok(peak - baseline < MEMORY_LIMIT, `memory grew by ${((peak - baseline) / 1e6).toFixed(0)} MB`);
  console.log(`200 CSV inputs, ${read} read, memory +${((peak - baseline) / 1e6).toFixed(0)} MB`);
});

test(`fuzzing photos (PNG, JPEG, GIF, WebP): every input decodes or fails with an Error naming the file (seed ${SEED})`, async () => {
  const dir = tempDir("kerno-fuzz-img-");
  const rng = prng(SEED + 1);
  const pixels = Buffer.from(Array.from({ length: 48 * 40 * 3 }, (_, i) => (i * 37) % 256));
  const raw = () => sharp(pixels, { raw: { width: 48, height: 40, channels: 3 } });
  const seeds: [string, Buffer][] = [
    ["png", await raw().png().toBuffer()],
    ["jpg", await raw().jpeg().toBuffer()],
    ["gif", await raw().gif().toBuffer()],
    ["webp", await raw().webp().toBuffer()],
  ];
  const baseline = process.memoryUsage().rss;
  let peak = baseline,
    decoded = 0;
  const tryImage = async (name: string, what: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const label = `${name} (${what}; FUZZ_SEED=${SEED})`;
    const out = new Float32Array(32 * 32 * 3);
    const options = { size: [32, 32] as [number, number], colorMode: "rgb" as const, interpolation: "bilinear" as const, cropToAspectRatio: false };
    if (await ends(path, `${label} loadImage`, () => loadImage(path, { size: [32, 32] }))) decoded++;
    await ends(path, `${label} decodeInto`, () => decodeInto(path, options, out, 0));
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  let n = 0;
  for (const [ext, bytes] of seeds)
    for (let i = 0; i < 40; i++) {
      const [what, mutated] = mutateBytes(bytes, rng);
      await tryImage(`input-${n++}.${ext}`, what, mutated);
    }
  // a few hundred bytes that claim 3.6 billion pixels: refused from the header, never decoded
  const huge = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } })
    .png()
    .toBuffer();
  huge.writeUInt32BE(60_000, 16);
  huge.writeUInt32BE(60_000, 20);
  await tryImage("huge-header.png", "IHDR says 60000x60000", huge);
  const gif = Buffer.from(seeds[2][1]);
  gif.writeUInt16LE(60_000, 6);
  gif.writeUInt16LE(60_000, 8);
  await tryImage("huge-header.gif", "screen says 60000x60000", gif);
  await assert.rejects(loadImage(join(dir, "huge-header.png")), /huge-header\.png: Input image exceeds pixel limit/);
  assert.ok(peak - baseline < MEMORY_LIMIT, `memory grew by ${((peak - baseline) / 1e6).toFixed(0)} MB`);
  console.log(`${n + 2} image inputs, ${decoded} decoded by loadImage, memory +${((peak - baseline) / 1e6).toFixed(0)} MB`);
});
