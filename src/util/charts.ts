/** Line charts for the recipes' reports, drawn with Vega-Lite (SVG; PNG through sharp). */

import { writeAtomic } from "@kerno/node/util/files.js";
import { sharpLib } from "@kerno/node/util/lazy-modules.js";
import type * as vl from "vega-lite";

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

/** One chart's Vega-Lite unit spec (a panel of a row, or a whole chart). */
function panel(chart: LineChart): vl.TopLevelSpec {
  const values = chart.series
    .flatMap((s) => s.y.map((y, i) => ({ series: s.name, x: s.x[i], y, dashed: s.dashed ? "dashed" : "solid" })))
    .filter((d) => Number.isFinite(d.y));
  return {
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

/** Charts side by side as one SVG (one chart: just that chart). */
export async function chartSvg(...charts: LineChart[]): Promise<string> {
  // vega and vega-lite load with the first chart (importing kerno does not load them)
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const $schema = "https://vega.github.io/schema/vega-lite/v5.json";
  const spec = charts.length === 1 ? { $schema, ...panel(charts[0]) } : ({ $schema, hconcat: charts.map(panel) } as vl.TopLevelSpec);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** An SVG drawn as PNG (144 dpi). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharpLib()(Buffer.from(svg), { density: 144 }).png().toBuffer();
}

/** Writes the chart as SVG to `path` (and as PNG beside it when png is set); returns the paths. */
export async function saveChart(chart: LineChart, path: string, options: { png?: boolean } = {}): Promise<string[]> {
  const svg = await chartSvg(chart);
  writeAtomic(path, svg);
  const written = [path];
  if (options.png) {
    const png = `${path.replace(/\.svg$/, "")}.png`;
    writeAtomic(png, await svgToPng(svg));
    written.push(png);
  }
  return written;
}
