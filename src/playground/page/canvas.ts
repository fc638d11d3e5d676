/** Drawing on canvases for the playground: gray images, line charts and probability bars, no library. */

/** A gray image (row-major values, scaled from [lo, hi] to black..white) drawn `scale` times larger. */
export function grayImage(values: ArrayLike<number>, width: number, height: number, scale: number, range?: [number, number]): HTMLCanvasElement {
  let [lo, hi] = range ?? [Infinity, -Infinity];
  if (!range) {
    for (let i = 0; i < width * height; i++) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
  }
  const span = hi > lo ? hi - lo : 1;
  const small = document.createElement("canvas");
  small.width = width;
  small.height = height;
  const ctx = small.getContext("2d")!;
  const pixels = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(Math.min(1, Math.max(0, (values[i] - lo) / span)) * 255);
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(pixels, 0, 0);
  const big = document.createElement("canvas");
  big.width = width * scale;
  big.height = height * scale;
  const bctx = big.getContext("2d")!;
  bctx.imageSmoothingEnabled = false;
  bctx.drawImage(small, 0, 0, big.width, big.height);
  return big;
}

export interface Series {
  name: string;
  values: number[];
  color: string;
}

/** Lines over a shared x axis (index), each series scaled to [0, max] of all; a legend with the last values. */
export function lineChart(canvas: HTMLCanvasElement, series: Series[], title: string): void {
  const ctx = canvas.getContext("2d")!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 36, right: 8, top: 18, bottom: 16 };
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const top = Math.max(1e-6, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  const x = (i: number) => pad.left + ((width - pad.left - pad.right) * i) / Math.max(1, n - 1);
  const y = (v: number) => height - pad.bottom - ((height - pad.top - pad.bottom) * v) / top;
  ctx.strokeStyle = "#bbb";
  ctx.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  ctx.fillStyle = "#333";
  ctx.font = "11px sans-serif";
  ctx.fillText(top.toPrecision(2), 2, pad.top + 8);
  ctx.fillText("0", 2, height - pad.bottom);
  ctx.fillText(title, pad.left, 12);
  let legend = pad.left + ctx.measureText(title).width + 12;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.beginPath();
    s.values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
    const last = s.values.at(-1);
    const label = `${s.name} ${last === undefined ? "" : last.toFixed(3)}`;
    ctx.fillStyle = s.color;
    ctx.fillText(label, legend, 12);
    legend += ctx.measureText(label).width + 12;
  }
}

/** One bar per class with its probability; the likeliest highlighted. */
export function probabilityBars(container: HTMLElement, probabilities: ArrayLike<number>, classNames: string[]): void {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
  container.replaceChildren(
    ...classNames.map((name, i) => {
      const row = document.createElement("div");
      row.className = i === best ? "bar best" : "bar";
      const label = document.createElement("span");
      label.textContent = name;
      const fill = document.createElement("span");
      fill.className = "fill";
      fill.style.width = `${(100 * probabilities[i]).toFixed(1)}%`;
      const value = document.createElement("span");
      value.textContent = `${(100 * probabilities[i]).toFixed(1)}%`;
      row.append(label, fill, value);
      return row;
    }),
  );
  container.dataset.predicted = String(best);
}
