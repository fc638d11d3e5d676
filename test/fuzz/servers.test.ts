/**
 * Fuzzing kerno's two HTTP servers with 2,200 seeded inputs: 1,000 random and hostile requests to every
 * route of each (the dashboard's page, static files and /api routes; kerno serve's /predict and
 * /health), then 100 simultaneous connections to each. Requests mix bad methods, bad or missing Host,
 * path traversal (../, %2e%2e, encoded slashes, NUL), bad percent-escapes, huge, negative and lying
 * Content-Lengths, truncated and slow bodies, malformed JSON, deep nesting, wrong types, NaN and 1e39,
 * ragged arrays and oversized bodies. Every answer must be well-formed HTTP and never a 5xx (or a
 * closed connection where a body timed out, was too big or the connection cap was hit); where the
 * outcome is certain the exact status is checked (an oracle from the routes' rules), and a predicted
 * batch must come back as its own values times ten. A secret outside the runs folder, linked from
 * inside it, must never come back. FUZZ_SEED=<n> replays a run; the seed is in every failure.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { test } from "node:test";
import { fuzzSeed, mulberry32 } from "../../packages/core/test/helpers/fuzz.js";
import { tempDir } from "../../packages/core/test/helpers/tmp.js";
import { createDashboard } from "../../src/dashboard/server.js";
import { endRun, startRun } from "../../src/runs/runs.js";
import { createPredictionServer, type Predictor } from "../../src/serving/server.js";
import { pool, type RawAnswer, type RawRequest, rawRequest } from "../helpers/http.js";

const SEED = fuzzSeed(0x6b65726e);
const REQUESTS = 1000; // per server
const FLOOD = 100; // simultaneous connections per server
const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, maxConnections: 32 };
const MAX_BYTES = 64 * 1024;
const SECRET = "s3cr3t-outside-the-runs-folder";

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

interface Case {
  label: string;
  req: RawRequest;
  /** The statuses allowed; null: any well-formed status under 500. */
  want: number[] | null;
  mayClose: boolean;
  check?: (a: Extract<RawAnswer, { kind: "answer" }>) => void;
}

/** What requestPath makes of a request target (the oracle's copy of the rule): the decoded path, or null. */
function decoded(target: string): string | null {
  const raw = target.split("?")[0];
  try {
    const p = decodeURIComponent(raw);
    return raw.startsWith("/") && !p.includes("\0") ? p : null;
  } catch {
    return null;
  }
}

const HOSTILE = "../ ..%2f %2e%2e/ %2e%2e%2f ..%5c %2F %00 % %zz %E0%A4%A // /./ %252e%252e%252f %c0%ae%c0%ae/ ?x=%".split(" ");

/** A path with 1 to 3 hostile fragments spliced in. */
function mutate(r: Rng, path: string): string {
  let p = path;
  for (let k = int(r, 1, 3); k > 0; k--) {
    const at = int(r, 1, p.length);
    p = r() < 0.2 ? p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`) : p.slice(0, at) + pick(r, HOSTILE) + p.slice(at);
  }
  return p;
}

/**
 * The request around a method, target and body: Host and framing drawn at random. Framing that Node
 * itself refuses, or a body that never arrives, makes the outcome uncertain: `exact` says whether
 * the route's own answer is expected (`huge`: a Content-Length of 10^12 over a small body).
 */
function envelope(r: Rng, port: number, method: string, target: string, given: string) {
  const good = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  const bad = [`evil.example:${port}`, `127.0.0.1:${port + 1}`, "", `127.0.0.1:${port}@evil.example`, "a".repeat(3000), null];
  const hostOk = r() < 0.85;
  const host = hostOk ? pick(r, good) : pick(r, bad);
  const framing = r() < 0.65 ? "ok" : pick(r, ["chunked", "keep-alive", "huge", "negative", "short", "long", "slow", "cl+te", "bad-chunk", "raw"]);
  const lines = [`${framing === "raw" ? pick(r, ["GET /a b", "GET \x00/", "FOO /", "get /"]) : `${method} ${target}`} HTTP/1.1`];
  if (host !== null) lines.push(`Host: ${host}`);
  if (framing !== "keep-alive") lines.push("Connection: close");
  const body = framing === "slow" ? `${given}${" ".repeat(40)}` : given; // 40 bytes at 60 ms outlast the 2 s timeout
  const len = Buffer.byteLength(body);
  const length = { huge: "1000000000000", negative: "-1", short: String(len + int(r, 1, 50)), long: String(Math.max(0, len - int(r, 1, 5))) }[
    framing as "huge"
  ];
  let payload: string = body;
  if (framing === "chunked" || framing === "bad-chunk" || framing === "cl+te") {
    lines.push("Transfer-Encoding: chunked");
    if (framing === "cl+te") lines.push(`Content-Length: ${len}`);
    payload = framing === "bad-chunk" ? `zz\r\n${body}\r\n0\r\n\r\n` : `${len ? `${len.toString(16)}\r\n${body}\r\n` : ""}0\r\n\r\n`;
  } else if (length !== undefined) lines.push(`Content-Length: ${length}`);
  else if (len || method === "POST") lines.push(`Content-Length: ${len}`);
  const req: RawRequest = { head: lines.join("\r\n"), body: payload, dripMs: framing === "slow" ? 60 : undefined };
  const exact = ["ok", "chunked", "keep-alive"].includes(framing) && (hostOk || (host !== null && host.length < 100));
  return { req, hostOk, exact, huge: framing === "huge", framing };
}

function dashboardCase(r: Rng, port: number, id: string): Case {
  const servable = ["/", "/app.js", "/app.css", "/uplot.js", "/uplot.css", "/api/runs", "/api/bench", `/api/runs/${id}`, `/api/runs/${id}/stream`];
  const file = `/api/runs/${id}/files/`;
  for (const f of ["summary.txt", "plot.svg", "status.json", "history.csv"]) servable.push(`${file}${f}`);
  const refused = [`${file}leak.json`, `${file}config.json`, `${file}page.html`, `${file}..%2F..%2F..%2Foutside%2Fsecret.json`, "/../outside/secret.json"];
  refused.push("/api/runs/linked", "/api/runs/linked/files/secret.json", "/api/runs/linked/stream", "/api/runs/dangling", "/app.js/../../package.json");
  refused.push("/api/runs/..%2Foutside/files/secret.json", "/api/runs/%2e%2e/files/outside%2Fsecret.json");
  const base = r() < 0.5 ? pick(r, servable) : pick(r, refused);
  const target = r() < 0.4 ? mutate(r, base) : base;
  const method = r() < 0.8 ? "GET" : pick(r, ["POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]);
  const e = envelope(r, port, method, target, r() < 0.2 ? "x".repeat(int(r, 1, 100)) : "");
  const path = decoded(target);
  const route = path === null ? 400 : method !== "GET" ? 405 : servable.includes(path) ? 200 : 404;
  const want = e.hostOk ? [route] : [400, 403];
  return {
    label: `dashboard ${e.framing} ${method} ${JSON.stringify(target)}`,
    req: e.req,
    want: e.exact ? want : null,
    mayClose: !e.exact,
    check: (a) => {
      if (a.status === 200 && path?.includes("/files/")) {
        assert.match(a.headers["content-security-policy"] ?? "", /default-src 'none'.*sandbox/);
        assert.equal(a.headers["x-content-type-options"], "nosniff");
      }
    },
  };
}

/** A finite float32 value, sometimes an edge. */
const value = (r: Rng) => (r() < 0.8 ? Math.round((r() * 200 - 100) * 1000) / 1000 : pick(r, [0, -0, 1e-40, 3.4e37, -3.4e37, 1])); // x10 stays finite
const example = (r: Rng) => [
  [value(r), value(r)],
  [value(r), value(r)],
];

/** A /predict body, what it must get, and for a good one, its exact outputs (the test model multiplies by ten). */
function payload(r: Rng): { kind: string; body: string; status: number; outputs?: unknown } {
  const rows = Array.from({ length: int(r, 1, 4) }, () => example(r));
  const key = r() < 0.8 ? "inputs" : "instances";
  const text = JSON.stringify({ [key]: rows });
  const leaf = () => rows[int(r, 0, rows.length - 1)][int(r, 0, 1)];
  const kind = pick(r, ["good", "good", "good", "ragged", "type", "float32", "literal", "shape", "deep", "cut", "bytes", "top", "many", "big", "empty"]);
  const bad = (body: string) => ({ kind, body, status: 400 });
  switch (kind) {
    case "ragged":
      if (r() < 0.5) leaf().pop();
      else leaf().push(value(r));
      return bad(JSON.stringify({ [key]: rows }));
    case "type":
      leaf()[int(r, 0, 1)] = pick(r, ["1", null, true, {}, [], [1]]) as number;
      return bad(JSON.stringify({ [key]: rows }));
    case "float32":
      leaf()[int(r, 0, 1)] = pick(r, [1e39, -1e39, 3.5e38]);
      return bad(JSON.stringify({ [key]: rows }));
    case "literal":
      return bad(text.replace(/-?\d[\d.e+-]*/, pick(r, ["NaN", "Infinity", "-Infinity", "1e999", "0x10", "01", "."])));
    case "shape":
      return bad(pick(r, ['{"inputs":[1]}', '{"inputs":[[1,2]]}', '{"inputs":[[[1,2],[3,4],[5,6]]]}', '{"inputs":[[[[1]]]]}', '{"inputs":[[[1,2],[3]]]}']));
    case "deep": {
      const n = int(r, 50, 20_000);
      return bad(`{"inputs":[${"[".repeat(n)}1${"]".repeat(n)}]}`);
    }
    case "cut":
      return bad(text.slice(0, int(r, 1, text.length - 1)));
    case "bytes":
      return bad(Buffer.from(Array.from({ length: int(r, 1, 64) }, () => int(r, 0, 255))).toString("latin1"));
    case "top":
      return bad(pick(r, ["[]", "null", "5", '"x"', "{}", '{"inputs":[]}', '{"inputs":{}}', '{"inputs":"x"}', '{"inputs":null}']));
    case "many":
      return bad(JSON.stringify({ inputs: Array.from({ length: int(r, 17, 40) }, () => example(r)) }));
    case "big":
      return { kind, body: text + " ".repeat(MAX_BYTES), status: 413 };
    case "empty":
      return bad("");
  }
  const sent = (JSON.parse(text) as { [k: string]: number[][][] })[key]; // -0 arrives as 0
  const outputs = sent.map((row) => row.map((pair) => pair.map((v) => Math.fround(Math.fround(v) * 10))));
  return { kind, body: text, status: 200, outputs };
}

function serveCase(r: Rng, port: number): Case {
  const base = r() < 0.75 ? "/predict" : pick(r, ["/health", "/", "/predict/", "/PREDICT", "/health?x=1", "/predict?", "/api/runs"]);
  const target = r() < 0.2 ? mutate(r, base) : base;
  const method = r() < 0.8 ? (base.startsWith("/health") ? "GET" : "POST") : pick(r, ["GET", "PUT", "DELETE", "HEAD", "OPTIONS", "POST"]);
  const p = payload(r);
  const e = envelope(r, port, method, target, method === "GET" && r() < 0.7 ? "" : p.body);
  const path = decoded(target);
  const predict = path === "/predict" && method === "POST";
  const allowed = path === "/health" ? "GET" : "POST";
  const route = path === null ? 400 : path !== "/predict" && path !== "/health" ? 404 : method !== allowed ? 405 : 200;
  let want = e.hostOk ? [route] : [400, 403];
  let exact = e.exact;
  if (e.hostOk && predict) {
    want = e.huge || p.kind === "big" ? [413] : [p.status]; // a big body is refused as it comes, a lying length at once
    exact ||= e.huge;
  }
  return {
    label: `serve ${e.framing} ${method} ${JSON.stringify(target)} ${p.kind} ${JSON.stringify(p.body.slice(0, 80))}`,
    req: e.req,
    want: exact ? want : null,
    mayClose: !exact || want[0] === 413,
    check: (a) => {
      if (!exact || !a.body) return;
      const json = JSON.parse(a.body) as { error?: string; outputs?: unknown };
      if (a.status === 200 && predict) assert.deepEqual(json.outputs, p.outputs, "each example's own values, times ten");
      if (a.status >= 400) assert.ok(typeof json.error === "string" && json.error.length < 300 && !/\n\s+at /.test(json.error), `a short error: ${json.error}`);
    },
  };
}

/** What is wrong with one answer, or null. */
function judge(c: Case, a: RawAnswer): string | null {
  try {
    if (a.kind === "closed") return c.mayClose ? null : "the connection was closed without an answer";
    if (a.kind !== "answer") return `${a.kind}: ${JSON.stringify(a.bytes)}`;
    const got = `${a.status} ${a.body.slice(0, 200)}`;
    if (a.status >= 500) return got;
    if (c.want && !c.want.includes(a.status)) return `expected ${c.want.join(" or ")}, got ${got}`;
    if (a.body.includes(SECRET)) return "served the secret from outside the runs folder";
    c.check?.(a);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return (server.address() as AddressInfo).port;
}

/** A barrage, then a flood of simultaneous good requests (answered or dropped at the cap, never hung), then one good request. */
async function barrage(port: number, cases: Case[], good: () => RawRequest) {
  const send = (req: RawRequest) => rawRequest(port, req, 10_000);
  const answers = await pool(cases, 16, (c) => send(c.req));
  // half good requests, half whose headers never end: answered, timed out (408) or dropped at the cap, never held
  const floodCases = Array.from({ length: FLOOD }, (_, i): Case => {
    const slow = i % 2 === 1;
    return { label: `flood ${slow ? "slowloris" : "good"}`, req: { ...good(), unfinished: slow }, want: slow ? [408] : [200], mayClose: true };
  });
  const flood = await Promise.all(floodCases.map((c) => send(c.req)));
  const failures = [...answers.map((a, i) => [cases[i], a] as const), ...flood.map((a, i) => [floodCases[i], a] as const)]
    .map(([c, a]) => ((why) => why && `${c.label}: ${why}`)(judge(c, a)))
    .filter((why) => why);
  const all = cases.length + FLOOD;
  assert.equal(failures.length, 0, `FUZZ_SEED=${SEED}: ${failures.length} of ${all} inputs failed; the first:\n${failures.slice(0, 8).join("\n")}`);
  const dropped = flood.filter((a) => a.kind === "closed").length;
  assert.ok(dropped > 0, `FUZZ_SEED=${SEED}: ${FLOOD} connections at once, none dropped at the cap of ${LIMITS.maxConnections}`);
  return rawRequest(port, good());
}

test(`fuzz: 2,200 random and hostile inputs to the dashboard and kerno serve (FUZZ_SEED=${SEED})`, { timeout: 120_000 }, async () => {
  const logged: unknown[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => logged.push(a); // an internal error is logged even where its answer got through
  const base = tempDir();
  const root = join(base, "runs");
  mkdirSync(join(base, "outside"));
  writeFileSync(join(base, "outside", "secret.json"), JSON.stringify({ token: SECRET }));
  writeFileSync(join(base, "outside", "summary.txt"), SECRET);
  const dir = startRun(root, "good", {});
  endRun(dir, { report: { accuracy: 1 } });
  writeFileSync(join(dir, "summary.txt"), "Model: fuzz\n");
  writeFileSync(join(dir, "history.csv"), "epoch,loss,val_loss\n0,1,0.9\n1,0.5,0.4\n");
  writeFileSync(join(dir, "plot.svg"), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  writeFileSync(join(dir, "page.html"), "<script>alert(1)</script>");
  rmSync(join(dir, "config.json"));
  const secret = join(base, "outside", "secret.json");
  for (const [target, path] of [
    [secret, join(dir, "leak.json")],
    [secret, join(dir, "config.json")],
    [join(base, "outside"), join(root, "linked")],
    [join(base, "nowhere"), join(root, "dangling")],
  ])
    try {
      symlinkSync(target, path);
    } catch (err) {
      // Windows without Developer Mode makes no links: the same answers are due, they just prove less
      if ((err as NodeJS.ErrnoException).code !== "EPERM") throw err;
    }
  const id = basename(dir);
  const fixed: Predictor = {
    format: "kerno",
    inputShape: [2, 2],
    classNames: null,
    outputValues: 4,
    predict: async (x, shape) => ({ data: x.map((v) => v * 10), shape }),
  };
  const dashboard = createDashboard({ runsDir: root, benchDir: join(base, "bench"), limits: LIMITS });
  const serve = createPredictionServer(fixed, { ...LIMITS, maxBytes: MAX_BYTES, maxBatch: 16 });
  try {
    const [dPort, sPort] = [await listen(dashboard), await listen(serve)];
    const r = mulberry32(SEED);
    const dCases = Array.from({ length: REQUESTS }, () => dashboardCase(r, dPort, id));
    const sCases = Array.from({ length: REQUESTS }, () => serveCase(r, sPort));
    const get = (path: string) => () => ({ head: `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${dPort}\r\nConnection: close` });
    const after = await barrage(dPort, dCases, get("/api/runs"));
    assert.ok(after.kind === "answer" && after.status === 200, `FUZZ_SEED=${SEED}: GET /api/runs after the barrage: ${JSON.stringify(after)}`);
    const names = (JSON.parse(after.body) as { name: string }[]).map((x) => x.name);
    assert.deepEqual(names, [id], "one run, named by its folder (its config.json links out); not linked, not dangling");
    const file = await rawRequest(dPort, get(`/api/runs/${id}/files/summary.txt`)());
    assert.equal(file.kind === "answer" && file.body, "Model: fuzz\n");
    const body = '{"inputs":[[[1,2],[3,4]],[[5,6],[7,8]]]}';
    const post = () => ({ head: `POST /predict HTTP/1.1\r\nHost: localhost:${sPort}\r\nContent-Length: ${body.length}\r\nConnection: close`, body });
    const predicted = await barrage(sPort, sCases, post);
    assert.ok(predicted.kind === "answer" && predicted.status === 200, `FUZZ_SEED=${SEED}: POST /predict after the barrage: ${JSON.stringify(predicted)}`);
    assert.equal(predicted.body, '{"outputs":[[[10,20],[30,40]],[[50,60],[70,80]]]}');
    assert.deepEqual(logged, [], `FUZZ_SEED=${SEED}: nothing logged as an internal error`);
  } finally {
    console.error = error;
    for (const s of [dashboard, serve]) {
      s.closeAllConnections();
      s.close();
    }
  }
});
