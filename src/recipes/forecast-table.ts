/** The forecast comparison table: networks and classical baselines on the same validation windows. */
export interface ForecastRow {
  name: string;
  parameters: number;
  /** Validation errors in normalized units (min-max scaled flow) and in vehicles per hour. */
  mse: number;
  mae: number;
  mseVph: number;
  maeVph: number;
  /** MAE (vehicles/hour) on the subset of origins where SARIMA was run. */
  maeVphAtSarimaOrigins: number;
  seconds: number;
  epochs?: number;
}

export function formatForecastTable(rows: ForecastRow[]): string {
  const header = ["model", "params", "val MSE", "val MAE", "MSE (veh/h)^2", "MAE veh/h", "MAE veh/h @SARIMA origins", "epochs", "seconds"];
  const body = rows.map((r) => [
    r.name,
    r.parameters ? r.parameters.toLocaleString("en-US") : "-",
    r.mse.toExponential(3),
    r.mae.toFixed(4),
    Math.round(r.mseVph).toLocaleString("en-US"),
    r.maeVph.toFixed(0),
    r.maeVphAtSarimaOrigins.toFixed(0),
    r.epochs === undefined ? "-" : String(r.epochs),
    r.seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
