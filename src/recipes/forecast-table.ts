/** The forecast comparison table: networks and classical baselines on the same validation windows. */
export interface ForecastRow {
  name: string;
  parameters: number;
  /** Validation errors in normalized units (min-max scaled) and in the series' units (vehicles per hour for traffic: "Vph"). */
  mse: number;
  mae: number;
  mseVph: number;
  maeVph: number;
  /** MAE (vehicles/hour) on the subset of origins where SARIMA was run. */
  maeVphAtSarimaOrigins: number;
  seconds: number;
  epochs?: number;
}

/** The table; `unit` labels the columns in the series' own units (vehicles per hour for traffic). */
export function formatForecastTable(rows: ForecastRow[], unit = "veh/h"): string {
  const header = ["model", "params", "val MSE", "val MAE", `MSE (${unit})^2`, `MAE ${unit}`, `MAE ${unit} @SARIMA origins`, "epochs", "seconds"];
  const body = rows.map((r) => [
    r.name,
    r.parameters ? r.parameters.toLocaleString("en-US") : "-",
    r.mse.toExponential(3),
    r.mae.toFixed(4),
    Math.round(r.mseVph).toLocaleString("en-US"),
    r.maeVph >= 100 ? r.maeVph.toFixed(0) : r.maeVph.toPrecision(4),
    r.maeVphAtSarimaOrigins >= 100 ? r.maeVphAtSarimaOrigins.toFixed(0) : r.maeVphAtSarimaOrigins.toPrecision(4),
    r.epochs === undefined ? "-" : String(r.epochs),
    r.seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
