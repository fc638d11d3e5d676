/** Line charts for the recipes' reports, drawn with Vega-Lite (SVG; PNG through sharp). */

import type * as vl from "vega-lite";
import { writeAtomic } from "../util/files.js";
import { sharpLib } from "../util/lazy-modules.js";

export interface LineSeries {
  name: string;
  x: number[] | string[];
  y: number[];
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xTitle: string;
  yTitle: string;
  series: LineSeries[];
  width?: number;
  height?: number;
  /** x values are ISO times (temporal axis). */
  temporal?: boolean;
  logY?: boolean;
}

function spec(chart: LineChart): vl.TopLevelSpec {
  const values = chart.series
    .flatMap((s) => s.y.map((y, i) => ({ series: s.name, x: s.x[i], y, dashed: s.dashed ? "dashed" : "solid" })))
    .filter((d) => Number.isFinite(d.y));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: chart.title,
    width: chart.width ?? 640,
    height: chart.height ?? 300,
    data: { values },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "x", type: chart.temporal ? "temporal" : "quantitative", title: chart.xTitle },
      y: { field: "y", type: "quantitative", title: chart.yTitle, scale: chart.logY ? { type: "log" } : { zero: false } },
      color: { field: "series", type: "nominal", title: null },
      strokeDash: {
        field: "dashed",
        type: "nominal",
        legend: null,
        scale: {
          domain: ["solid", "dashed"],
          range: [
            [1, 0],
            [5, 3],
          ],
        },
      },
    },
  } as vl.TopLevelSpec;
}

export async function chartSvg(chart: LineChart): Promise<string> {
  // vega and vega-lite load with the first chart (importing kerno does not load them)
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec(chart)).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** Writes the chart as SVG to `path` (and as PNG beside it when png is set); returns the paths. */
export async function saveChart(chart: LineChart, path: string, options: { png?: boolean } = {}): Promise<string[]> {
  const svg = await chartSvg(chart);
  writeAtomic(path, svg);
  const written = [path];
  if (options.png) {
    const png = `${path.replace(/\.svg$/, "")}.png`;
    writeAtomic(png, await sharpLib()(Buffer.from(svg), { density: 144 }).png().toBuffer());
    written.push(png);
  }
  return written;
}
