/** kerno dashboard [--runs DIR] [--port 6007] [--host 127.0.0.1]: the runs folder in the browser, until Ctrl-C. */
import { startDashboard } from "../dashboard/server.js";
import { runsRoot } from "../runs/runs.js";
import { intFlag, parse } from "./args.js";

export async function dashboardCommand(argv: string[]): Promise<number> {
  const { flags } = parse(argv);
  const runsDir = runsRoot(typeof flags.runs === "string" ? flags.runs : undefined);
  const host = typeof flags.host === "string" ? flags.host : "127.0.0.1";
  const { url } = await startDashboard({ runsDir, port: intFlag(flags, "port") ?? 6007, host });
  console.log(`kerno dashboard: ${url} (runs in ${runsDir}; Ctrl-C to stop)`);
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") console.log(`note: listening on ${host}, reachable from other machines`);
  await new Promise<never>(() => {});
  return 0;
}
