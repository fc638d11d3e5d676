/**
 * kerno dashboard: a small local web app over the runs folder. It binds 127.0.0.1 unless told
 * otherwise and answers only requests whose Host names it (src/util/http.ts); it serves its own page
 * and uPlot from node_modules (no network needed), the runs list, each run's history, files and a
 * server-sent event stream that pushes new epochs as the training process appends them (the server
 * watches the folder; the page never polls faster than every 5 s), and the newest saved benchmark.
 *
 * Run files are input, not the dashboard's own: a name is served only when it is a plain file name
 * whose real path (symlinks followed) stays inside its run folder, which stays inside the runs
 * folder, and only as an inert type: images, svg, json, csv and text. HTML, scripts and anything
 * else are not served at all. Every run file carries `Content-Security-Policy: default-src 'none';
 * ...; sandbox`, so an svg plot opened on its own (a page of the dashboard's origin) runs no script.
 */
import { type FSWatcher, readdirSync, readFileSync, statSync, watch } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveInside } from "@kerno/node/util/files.js";
import { listRuns, readHistory, readJson, readRunJson, runEntry, runStatus } from "../runs/runs.js";
import { begin, createGuardedServer, type HttpLimits, listen, requestPath, send, sendJson, serveFile, textError } from "../util/http.js";

const STATIC = fileURLToPath(new URL("../../src/dashboard/static/", import.meta.url));
const BENCH = fileURLToPath(new URL("../../bench/results/", import.meta.url));
const OWN: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
/** What a run folder may serve, and as what: nothing that a browser runs. */
const RUN_TYPES: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".dot": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};
const RUN_FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox";
const PAGE_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const PLAIN = /^[\w][\w.-]*$/;

export interface DashboardOptions {
  runsDir: string;
  port?: number;
  host?: string;
  benchDir?: string;
  limits?: HttpLimits;
}

/** The real path of a run folder named by a URL, or null: a plain name whose real path is a folder inside the runs folder. */
export function runFolder(runsDir: string, id: string): string | null {
  const real = PLAIN.test(id) ? resolveInside(runsDir, id) : null;
  return real && isA(real, "dir") ? real : null;
}

/** The real path of a servable file of a run folder, or null. */
function runFile(dir: string, name: string): string | null {
  const real = PLAIN.test(name) && RUN_TYPES[extname(name).toLowerCase()] ? resolveInside(dir, name) : null;
  return real && isA(real, "file") ? real : null;
}

function isA(path: string, kind: "dir" | "file"): boolean {
  try {
    const st = statSync(path);
    return kind === "dir" ? st.isDirectory() : st.isFile();
  } catch {
    return false;
  }
}

function uplotFile(name: string): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("uplot/package.json")), "dist", name);
}

/** A run's details; a part that cannot be read is left empty and named in `error`. */
function runDetails(dir: string) {
  try {
    // the whole history, read once: the run's epochs and best value come from it, not from the list's capped summary
    const history = readHistory(join(dir, "history.csv"));
    return {
      run: runEntry(dir, history),
      files: readdirSync(dir).filter((f) => runFile(dir, f)),
      config: readRunJson(dir, "config.json"),
      report: readRunJson(dir, "report.json"),
      history,
    };
  } catch (err) {
    return { run: null, files: [], config: null, report: null, history: {}, error: `the run folder could not be read: ${(err as Error).message}` };
  }
}

function newestBench(dir: string): unknown {
  try {
    const file = readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .at(-1);
    return file ? { file, ...readJson<object>(join(dir, file)) } : null;
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
 * A folder that disappears ends the stream with a "gone" event (the page then stops listening).
 */
function stream(req: IncomingMessage, res: ServerResponse, dir: string): void {
  begin(res, 200, { "content-type": "text/event-stream", connection: "keep-alive" });
  let last = "";
  let watcher: FSWatcher | null = null;
  const stop = () => {
    watcher?.close();
    clearInterval(timer);
  };
  const push = () => {
    try {
      if (!isA(dir, "dir")) {
        stop();
        res.end('event: gone\ndata: {"error":"the run folder is gone"}\n\n');
        return;
      }
      const now = signature(dir);
      if (now === last) return;
      last = now;
      res.write(`data: ${JSON.stringify({ history: readHistory(join(dir, "history.csv")), status: runStatus(dir) })}\n\n`);
    } catch (err) {
      // runs.ts reads damaged files as empty, so this is unexpected: end this stream, not the process
      console.error(`kerno dashboard: the stream of ${dir} ended:`, err);
      stop();
      res.end();
    }
  };
  const timer = setInterval(push, 2000);
  try {
    watcher = watch(dir, push);
    watcher.on("error", () => watcher?.close());
  } catch {
    watcher = null;
  }
  req.on("close", stop);
  push();
}

export function createDashboard(options: DashboardOptions): Server {
  const runsDir = resolve(options.runsDir);
  const benchDir = options.benchDir ?? BENCH;
  const own = (res: ServerResponse, path: string, type: string) =>
    send(res, 200, readFileSync(path), { "content-type": type, "content-security-policy": PAGE_CSP });
  return createGuardedServer(
    (req, res) => {
      const path = requestPath(req);
      if (path === null) return send(res, 400, "bad request path: expected /... with valid percent escapes");
      if (req.method !== "GET") return send(res, 405, `${path.slice(0, 200)}: method ${req.method} not allowed, only GET`, { allow: "GET" });
      if (path === "/") return own(res, join(STATIC, "index.html"), OWN[".html"]);
      if (path === "/app.js" || path === "/app.css") return own(res, join(STATIC, path.slice(1)), OWN[extname(path)]);
      if (path === "/uplot.js") return own(res, uplotFile("uPlot.iife.min.js"), OWN[".js"]);
      if (path === "/uplot.css") return own(res, uplotFile("uPlot.min.css"), OWN[".css"]);
      if (path === "/api/runs") return sendJson(res, 200, listRuns(runsDir));
      if (path === "/api/bench") return sendJson(res, 200, newestBench(benchDir));
      const m = /^\/api\/runs\/([^/]+)(?:\/(stream|files\/([^/]+)))?$/.exec(path);
      const dir = m ? runFolder(runsDir, m[1]) : null;
      const missing = () => send(res, 404, `not found: ${path.slice(0, 200)}`);
      if (!m || !dir) return missing();
      if (!m[2]) return sendJson(res, 200, runDetails(dir));
      if (m[2] === "stream") return stream(req, res, dir);
      const file = runFile(dir, m[3]);
      return file
        ? serveFile(res, file, { "content-type": RUN_TYPES[extname(file).toLowerCase()], "content-security-policy": RUN_FILE_CSP }, missing)
        : missing();
    },
    { ...options.limits, refuse: textError, name: "kerno dashboard" },
  );
}

/** Starts the dashboard; resolves with its URL once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<{ server: Server; url: string }> {
  const server = createDashboard(options);
  const url = await listen(server, options.port ?? 6007, options.host ?? "127.0.0.1", "kerno dashboard");
  return { server, url };
}
