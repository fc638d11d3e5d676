/** kerno runs [--runs DIR] [--json]: the runs folder as a table, newest first. */
import { listRuns, runsRoot } from "../runs/runs.js";
import { parse } from "./args.js";

function duration(seconds: number | null): string {
  if (seconds === null) return "-";
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function runsCommand(argv: string[]): number {
  const { flags } = parse("runs", argv);
  const root = runsRoot(typeof flags.runs === "string" ? flags.runs : undefined);
  const runs = listRuns(root);
  if (flags.json) {
    console.log(JSON.stringify(runs));
    return 0;
  }
  if (runs.length === 0) {
    console.log(`no runs in ${root}`);
    return 0;
  }
  const rows = runs.map((r) => [
    r.dir.slice(root.length + 1),
    r.started.slice(0, 16).replace("T", " "),
    r.status,
    r.note ? "-" : String(r.epochs),
    r.best ? `${r.best.metric} ${r.best.value.toPrecision(4)}` : r.note ? "(history too long to list)" : "-",
    duration(r.seconds),
  ]);
  const header = ["run", "started", "status", "epochs", "best validation", "duration"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const line of [header, ...rows]) console.log(line.map((c, i) => c.padEnd(widths[i])).join("  "));
  return 0;
}
