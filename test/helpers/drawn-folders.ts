/**
 * Drawn class folders that nobody tuned kerno for (issue 26): shapes, textures, colours and digits,
 * seeded so that every run writes the same bytes. The tests draw small ones; bench/own-data/
 * make-folders.ts writes the suite that `kerno train --images` was tuned on.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";

/** mulberry32: a small seeded generator, the same numbers on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const uniform = (r: Rand, lo: number, hi: number) => lo + (hi - lo) * r();
const int = (r: Rand, lo: number, hi: number) => Math.floor(uniform(r, lo, hi + 1));
/** A normal deviate (Box-Muller). */
const normal = (r: Rand) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
const colour = (r: Rand): [number, number, number] => [int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)];
const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** An image as float pixels, row-major, `channels` per pixel. */
interface Canvas {
  w: number;
  h: number;
  c: number;
  px: Float32Array;
}

function canvas(w: number, h: number, c: number, fill: number[]): Canvas {
  const px = new Float32Array(w * h * c);
  for (let i = 0; i < w * h; i++) for (let k = 0; k < c; k++) px[i * c + k] = fill[k];
  return { w, h, c, px };
}

/** Paints `ink` over the pixels inside `inside(x, y)` (pixel centres, 4 samples each: soft edges). */
function paint(img: Canvas, ink: number[], inside: (x: number, y: number) => boolean): void {
  const offsets = [0.25, 0.75];
  for (let y = 0; y < img.h; y++)
    for (let x = 0; x < img.w; x++) {
      let cover = 0;
      for (const dy of offsets) for (const dx of offsets) if (inside(x + dx, y + dy)) cover++;
      if (cover === 0) continue;
      const a = cover / 4;
      for (let k = 0; k < img.c; k++) {
        const i = (y * img.w + x) * img.c + k;
        img.px[i] = (1 - a) * img.px[i] + a * ink[k];
      }
    }
}

/** Gaussian pixel noise of standard deviation `sigma`, the same on every channel when `gray`. */
function noise(img: Canvas, r: Rand, sigma: number): void {
  for (let i = 0; i < img.w * img.h; i++) {
    const g = normal(r) * sigma;
    for (let k = 0; k < img.c; k++) img.px[i * img.c + k] += img.c === 1 ? g : normal(r) * sigma;
  }
}

async function save(img: Canvas, path: string, format: "jpg" | "png", quality = 90): Promise<void> {
  const bytes = Buffer.from(Uint8Array.from(img.px, clamp));
  const s = sharp(bytes, { raw: { width: img.w, height: img.h, channels: img.c as 1 | 3 } });
  if (format === "jpg") await s.jpeg({ quality }).toFile(path);
  else await (img.c === 1 ? s.toColourspace("b-w") : s).png().toFile(path);
}

/** A point rotated by `a` radians about (cx, cy). */
const rotate = (x: number, y: number, cx: number, cy: number, a: number): [number, number] => [
  cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a),
  cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a),
];

function insideTriangle(p: [number, number], a: [number, number], b: [number, number], c: [number, number]): boolean {
  const s = (p1: [number, number], p2: [number, number], p3: [number, number]) => (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1]);
  const d1 = s(p, a, b),
    d2 = s(p, b, c),
    d3 = s(p, c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

export const SHAPES = ["circle", "square", "triangle"] as const;

/** One shapes photo: a circle, square or triangle of random size, place, tilt and colour on a noisy background of random colour. */
export function shapeImage(shape: (typeof SHAPES)[number], r: Rand, side?: number): Canvas {
  const w = side ?? int(r, 40, 90);
  const h = side ?? Math.max(40, Math.min(90, Math.round(w * uniform(r, 0.8, 1.25))));
  const bg = colour(r);
  let ink = colour(r);
  while (distance(ink, bg) < 120) ink = colour(r);
  const img = canvas(w, h, 3, bg);
  // a little structure in the background too: a soft gradient of random direction
  const g = uniform(r, -30, 30),
    ga = uniform(r, 0, 2 * Math.PI);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const t = (((x / w - 0.5) * Math.cos(ga) + (y / h - 0.5) * Math.sin(ga)) * g) as number;
      for (let k = 0; k < 3; k++) img.px[(y * w + x) * 3 + k] += t;
    }
  const m = Math.min(w, h);
  const size = uniform(r, 0.22, 0.42) * m; // radius, half side, or circumradius
  const cx = uniform(r, size + 2, w - size - 2),
    cy = uniform(r, size + 2, h - size - 2);
  const tilt = (uniform(r, -10, 10) * Math.PI) / 180;
  if (shape === "circle") paint(img, ink, (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= size * size);
  else if (shape === "square") {
    const half = size * 0.85;
    paint(img, ink, (x, y) => {
      const [u, v] = rotate(x, y, cx, cy, -tilt);
      return Math.abs(u - cx) <= half && Math.abs(v - cy) <= half;
    });
  } else {
    const corner = (k: number) => rotate(cx, cy - size, cx, cy, tilt + (2 * Math.PI * k) / 3);
    const [a, b, c] = [corner(0), corner(1), corner(2)];
    paint(img, ink, (x, y) => insideTriangle([x, y], a, b, c));
  }
  noise(img, r, uniform(r, 8, 25));
  return img;
}

export const TEXTURES = ["checker", "dots", "hstripes", "vstripes"] as const;

function textureImage(kind: (typeof TEXTURES)[number], r: Rand): Canvas {
  const side = int(r, 32, 64);
  const a = colour(r);
  let b = colour(r);
  while (distance(a, b) < 90) b = colour(r);
  const period = uniform(r, 5, 12),
    px = uniform(r, 0, period),
    py = uniform(r, 0, period);
  const img = canvas(side, side, 3, a);
  const on = (v: number) => ((v % period) + period) % period < period / 2;
  const inside = {
    hstripes: (_x: number, y: number) => on(y + py),
    vstripes: (x: number, _y: number) => on(x + px),
    checker: (x: number, y: number) => on(x + px) !== on(y + py),
    dots: (x: number, y: number) => {
      const u = ((((x + px) % period) + period) % period) - period / 2,
        v = ((((y + py) % period) + period) % period) - period / 2;
      return u * u + v * v <= (period * 0.3) ** 2;
    },
  }[kind];
  paint(img, b, inside);
  noise(img, r, uniform(r, 5, 20));
  return img;
}

export const COLOURS = { red: 0, yellow: 60, green: 120, blue: 230 } as const;

function hsv(hue: number, s: number, v: number): [number, number, number] {
  const c = v * s,
    x = c * (1 - Math.abs(((hue / 60) % 2) - 1)),
    m = v - c;
  const h = ((hue % 360) + 360) % 360;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

function colourImage(hue: number, r: Rand): Canvas {
  const side = int(r, 28, 40);
  const img = canvas(side, side, 3, hsv(hue + uniform(r, -20, 20), uniform(r, 0.55, 1), uniform(r, 0.45, 1)));
  // a darker or lighter blob of the same hue, so that the photo is not flat
  const other = hsv(hue + uniform(r, -20, 20), uniform(r, 0.55, 1), uniform(r, 0.3, 1));
  const cx = uniform(r, 0, side),
    cy = uniform(r, 0, side),
    rad = uniform(r, 4, side / 2);
  paint(img, other, (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad);
  noise(img, r, uniform(r, 5, 20));
  return img;
}

/** A 5x7 bitmap font for the digits 0-9 (rows top to bottom, 5 bits each). */
const FONT: string[][] = [
  ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
  ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
  ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
  ["11111", "00010", "00100", "00010", "00001", "10001", "01110"],
  ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
  ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
  ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
  ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
  ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
  ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
];

function digitImage(digit: number, r: Rand): Canvas {
  const side = int(r, 48, 72);
  const bg = int(r, 0, 255);
  let ink = int(r, 0, 255);
  while (Math.abs(ink - bg) < 90) ink = int(r, 0, 255);
  const img = canvas(side, side, 1, [bg]);
  const scale = uniform(r, 0.35, 0.6) * (side / 7); // pixels per font cell, vertically
  const sx = scale * uniform(r, 0.8, 1.1);
  const shear = uniform(r, -0.25, 0.25);
  const gw = 5 * sx,
    gh = 7 * scale;
  const x0 = uniform(r, 2 + Math.abs(shear) * gh, side - gw - 2 - Math.abs(shear) * gh),
    y0 = uniform(r, 2, side - gh - 2);
  const glyph = FONT[digit];
  paint(img, [ink], (x, y) => {
    const v = (y - y0) / scale;
    const u = (x - x0 - shear * (y0 + gh - y)) / sx;
    if (u < 0 || v < 0 || u >= 5 || v >= 7) return false;
    return glyph[Math.floor(v)][Math.floor(u)] === "1";
  });
  noise(img, r, uniform(r, 5, 25));
  return img;
}

/** Writes `perClass` photos per class and split; returns the root. */
async function writeSuite(
  root: string,
  classes: readonly string[],
  splits: Record<string, number>,
  draw: (cls: number, r: Rand) => Canvas,
  format: "jpg" | "png",
  seed: number,
): Promise<string> {
  rmSync(root, { recursive: true, force: true });
  const r = rng(seed);
  for (const [split, count] of Object.entries(splits)) {
    for (const [k, cls] of classes.entries()) {
      const dir = split === "" ? join(root, cls) : join(root, split, cls);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < count; i++) await save(draw(k, r), join(dir, `${cls}_${String(i).padStart(4, "0")}.${format}`), format, int(r, 75, 95));
    }
  }
  return root;
}

export interface SuiteOptions {
  seed?: number;
  train?: number;
  test?: number;
}

/** (a) shapes: the folder. train/ and test/ of circle, square, triangle; one corrupt JPEG and a text file in train/. */
export async function makeShapes(root: string, o: SuiteOptions = {}): Promise<string> {
  await writeSuite(root, SHAPES, { train: o.train ?? 100, test: o.test ?? 25 }, (k, r) => shapeImage(SHAPES[k], r), "jpg", o.seed ?? 26);
  writeFileSync(join(root, "train", "square", "IMG_0042.jpg"), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 7)]));
  writeFileSync(join(root, "train", "triangle", "notes.txt"), "photos from the shapes workshop\n");
  return root;
}

/** (b) textures: class folders only (the report is then on validation). */
export const makeTextures = (root: string, o: SuiteOptions = {}) =>
  writeSuite(root, TEXTURES, { "": o.train ?? 100 }, (k, r) => textureImage(TEXTURES[k], r), "png", o.seed ?? 27);

/** (c) colour-only classes: few photos. */
export const makeColours = (root: string, o: SuiteOptions = {}) =>
  writeSuite(
    root,
    Object.keys(COLOURS),
    { train: o.train ?? 15, test: o.test ?? 10 },
    (k, r) => colourImage(Object.values(COLOURS)[k], r),
    "png",
    o.seed ?? 28,
  );

/** (d) digits drawn at random places, scales and slants, gray. */
export const makeDigits = (root: string, o: SuiteOptions = {}) =>
  writeSuite(root, [..."0123456789"], { train: o.train ?? 80, test: o.test ?? 20 }, (k, r) => digitImage(k, r), "png", o.seed ?? 29);
