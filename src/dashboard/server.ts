/**
 * kerno dashboard: a small local web app over the runs folder. It binds 127.0.0.1 unless told
 * otherwise, serves its own page and uPlot from node_modules (no network needed), the runs list,
 * each run's history, files and a server-sent event stream that pushes new epochs as the training
 * process appends them (the server watches the folder; the page never polls faster than every 5 s),
 * and the newest saved benchmark. Only names that are plain file names inside a run folder are
 * served: nothing outside the runs folder or the dashboard's own files.
 */
import { existsSync, type FSWatcher, readdirSync, readFileSync, statSync, watch } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listRuns, readHistory, readJson, runEntry } from "../runs/runs.js";

const STATIC = fileURLToPath(new URL("../../src/dashboard/static/", import.meta.url));
const BENCH = fileURLToPath(new URL("../../bench/results/", import.meta.url));
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};
const PLAIN = /^[\w][\w.-]*$/;

export interface DashboardOptions {
  runsDir: string;
  port?: number;
  host?: string;
  benchDir?: string;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(body);
}

const json = (res: ServerResponse, value: unknown) => send(res, 200, JSON.stringify(value), TYPES[".json"]);

/** The run folder for an id from a URL, or null: a plain name of a direct child of the runs folder. */
export function runFolder(runsDir: string, id: string): string | null {
  if (!PLAIN.test(id)) return null;
  const dir = join(runsDir, id);
  return existsSync(dir) && statSync(dir).isDirectory() && resolve(dirname(dir)) === resolve(runsDir) ? dir : null;
}

function uplotFile(name: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("uplot/package.json")), "dist", name);
}

function runDetails(dir: string) {
  const files = readdirSync(dir).filter((f) => PLAIN.test(f) && TYPES[extname(f)] && statSync(join(dir, f)).isFile());
  return {
    run: runEntry(dir),
    files,
    config: readJson(join(dir, "config.json")),
    report: readJson(join(dir, "report.json")),
    history: readHistory(join(dir, "history.csv")),
  };
}

function newestBench(dir: string): unknown {
  try {
    const file = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .at(-1);
    return file ? { file, ...JSON.parse(readFileSync(join(dir, file), "utf8")) } : null;
  } catch {
    return null;
  }
}

/** What changed in a run folder: the history's and status's sizes and times. */
function signature(dir: string): string {
  return ["history.csv", "status.json"]
    .map((f) => {
      try {
        const st = statSync(join(dir, f));
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return "-";
      }
    })
    .join("|");
}

/**
 * Server-sent events: the run's history and status now and whenever they change. The folder is
 * watched (fs.watch), with a check every 2 s behind it for file systems that do not report changes.
 */
function stream(req: IncomingMessage, res: ServerResponse, dir: string): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  let last = "";
  const push = () => {
    const now = signature(dir);
    if (now === last) return;
    last = now;
    res.write(`data: ${JSON.stringify({ history: readHistory(join(dir, "history.csv")), status: runEntry(dir).status })}\n\n`);
  };
  push();
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, push);
  } catch {
    watcher = null;
  }
  const timer = setInterval(push, 2000);
  req.on("close", () => {
    watcher?.close();
    clearInterval(timer);
  });
}

export function createDashboard(options: DashboardOptions): Server {
  const runsDir = resolve(options.runsDir);
  const benchDir = options.benchDir ?? BENCH;
  return createServer((req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = decodeURIComponent(url.pathname);
      if (req.method !== "GET") return send(res, 405, "GET only");
      if (path === "/") return send(res, 200, readFileSync(join(STATIC, "index.html")), TYPES[".html"]);
      if (path === "/app.js" || path === "/app.css") return send(res, 200, readFileSync(join(STATIC, path.slice(1))), TYPES[extname(path)]);
      if (path === "/uplot.js") return send(res, 200, readFileSync(uplotFile("uPlot.iife.min.js")), TYPES[".js"]);
      if (path === "/uplot.css") return send(res, 200, readFileSync(uplotFile("uPlot.min.css")), TYPES[".css"]);
      if (path === "/api/runs") return json(res, listRuns(runsDir));
      if (path === "/api/bench") return json(res, newestBench(benchDir));
      const m = /^\/api\/runs\/([^/]+)(?:\/(stream|files\/([^/]+)))?$/.exec(path);
      const dir = m ? runFolder(runsDir, m[1]) : null;
      if (!m || !dir) return send(res, 404, `not found: ${path}`);
      if (!m[2]) return json(res, runDetails(dir));
      if (m[2] === "stream") return stream(req, res, dir);
      const name = m[3];
      const type = TYPES[extname(name)];
      if (!PLAIN.test(name) || !type || !existsSync(join(dir, name))) return send(res, 404, `not found: ${path}`);
      return send(res, 200, readFileSync(join(dir, name)), type);
    } catch (err) {
      return send(res, 500, (err as Error).message);
    }
  });
}

/** Starts the dashboard; resolves with its URL once it listens. */
export function startDashboard(options: DashboardOptions): Promise<{ server: Server; url: string }> {
  const server = createDashboard(options);
  const host = options.host ?? "127.0.0.1";
  return new Promise((done, fail) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      fail(new Error(err.code === "EADDRINUSE" ? `kerno dashboard: port ${options.port} is in use; choose another with --port` : err.message)),
    );
    server.listen(options.port ?? 6007, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      done({ server, url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/` });
    });
  });
}
