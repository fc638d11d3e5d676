/**
 * The test digits with the model's predictions, mistakes first, and a pad to draw a digit on:
 * the drawing is brought to MNIST's form (the ink's box scaled to 20x20 and centred in 28x28,
 * white on black) and the model's probabilities shown as bars.
 */
import type { Model } from "@kerno/core/models/model.js";
import { tensor } from "@kerno/core/tensor/creation.js";
import { grayImage, probabilityBars } from "./canvas.js";
import { argmax, digit, type PageData, probabilityRows } from "./page-data.js";

/** Shows up to `shown` test digits, mistakes first; `pick(i)` is called with a digit's index when one is clicked. */
export function showTestDigits(container: HTMLElement, model: Model, data: PageData, pick: (i: number) => void, shown = 120): { mistakes: number } {
  const rows = probabilityRows(model, data.testX);
  const predicted = rows.map(argmax);
  const order = predicted.map((_, i) => i).sort((a, b) => Number(predicted[b] !== data.testY[b]) - Number(predicted[a] !== data.testY[a]) || a - b);
  const mistakes = predicted.filter((p, i) => p !== data.testY[i]).length;
  container.replaceChildren(
    ...order.slice(0, shown).map((i) => {
      const cell = document.createElement("button");
      const wrong = predicted[i] !== data.testY[i];
      cell.className = wrong ? "digit wrong" : "digit";
      cell.dataset.index = String(i);
      cell.title = `test digit ${i}: label ${data.testY[i]}, predicted ${predicted[i]} (${(100 * rows[i][predicted[i]]).toFixed(0)}%)`;
      const caption = document.createElement("span");
      caption.textContent = wrong ? `${predicted[i]} (is ${data.testY[i]})` : String(predicted[i]);
      cell.append(grayImage(digit(data.testX, i).data() as Float32Array, 28, 28, 2, [0, 1]), caption);
      cell.addEventListener("click", () => pick(i));
      return cell;
    }),
  );
  container.dataset.mistakes = String(mistakes);
  return { mistakes };
}

/** The pad's ink as an MNIST digit: 28x28 in [0, 1], the ink's bounding box scaled to 20 pixels and centred. */
export function padDigit(pad: HTMLCanvasElement): Float32Array {
  const ctx = pad.getContext("2d")!;
  const { width, height } = pad;
  const ink = ctx.getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[4 * (y * width + x)] === 0) continue;
      [x0, y0] = [Math.min(x0, x), Math.min(y0, y)];
      [x1, y1] = [Math.max(x1, x), Math.max(y1, y)];
    }
  }
  const out = new Float32Array(28 * 28);
  if (x1 < 0) return out;
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const small = document.createElement("canvas");
  small.width = small.height = 28;
  const sctx = small.getContext("2d")!;
  sctx.fillStyle = "#000";
  sctx.fillRect(0, 0, 28, 28);
  const scale = 20 / side;
  const [w, h] = [(x1 - x0 + 1) * scale, (y1 - y0 + 1) * scale];
  sctx.drawImage(pad, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (28 - w) / 2, (28 - h) / 2, w, h);
  const pixels = sctx.getImageData(0, 0, 28, 28).data;
  for (let i = 0; i < out.length; i++) out[i] = pixels[4 * i] / 255;
  return out;
}

/** Wires the drawing pad: strokes in white on black; after each stroke `onDigit` gets the digit. */
export function drawingPad(pad: HTMLCanvasElement, clear: HTMLButtonElement, onDigit: (digit: Float32Array) => void): void {
  const ctx = pad.getContext("2d")!;
  const wipe = () => {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, pad.width, pad.height);
  };
  wipe();
  let drawing = false;
  const at = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
  };
  pad.addEventListener("pointerdown", (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = pad.width / 12;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(...at(e));
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    onDigit(padDigit(pad));
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  clear.addEventListener("click", wipe);
}

/** The model's probabilities for a drawn digit, as bars. */
export function predictDrawn(model: Model, pixels: Float32Array, bars: HTMLElement, classNames: string[]): void {
  const [row] = probabilityRows(model, tensor(pixels, [1, 28, 28, 1]));
  probabilityBars(bars, row, classNames);
}
