/** kerno dashboard [--runs DIR] [--port 6007] [--host 127.0.0.1]: the runs folder in the browser, until Ctrl-C. */
import { startDashboard } from "../dashboard/server.js";
import { runsRoot } from "../runs/runs.js";
import { exposureWarning } from "../util/http.js";
import { intFlag, parse } from "./args.js";

export async function dashboardCommand(argv: string[]): Promise<number> {
  const { flags } = parse("dashboard", argv);
  const runsDir = runsRoot(typeof flags.runs === "string" ? flags.runs : undefined);
  const host = typeof flags.host === "string" ? flags.host : "127.0.0.1";
  const { server, url } = await startDashboard({ runsDir, port: intFlag(flags, "port") ?? 6007, host });
  const warning = exposureWarning("kerno dashboard", host, server.address(), "your runs, their configs and files are");
  if (warning) console.error(warning);
  console.log(`kerno dashboard: ${url} (runs in ${runsDir}; Ctrl-C to stop)`);
  await new Promise<never>(() => {});
  return 0;
}
