/**
 * Raw HTTP for tests that must send what a client library would refuse or fix (lying lengths,
 * dot segments, bad bytes, bodies that stop).
 */
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";

export type RawAnswer =
  | { kind: "answer"; status: number; headers: Record<string, string>; body: string }
  | { kind: "closed" } // closed with nothing sent back
  | { kind: "malformed"; bytes: string }
  | { kind: "hung"; bytes: string }; // nothing whole by the bound

export interface RawRequest {
  /** The request line and headers, CRLF-separated, without the blank line. */
  head: string;
  body?: string | Buffer;
  /** Send the body one byte every `dripMs` (a slow client). */
  dripMs?: number;
  /** Never end the headers (a slowloris client). */
  unfinished?: boolean;
}

const STATUS = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*$/;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[ \t]*[^\r\n]*$/;

/** Parses what came back: null while it is not whole (more may come), else the answer or "malformed". */
function parse(bytes: Buffer, head: boolean, ended: boolean): RawAnswer | null {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) return ended ? { kind: "malformed", bytes: bytes.toString("latin1").slice(0, 200) } : null;
  const [first, ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const m = STATUS.exec(first);
  if (!m || !lines.every((l) => HEADER.test(l))) return { kind: "malformed", bytes: bytes.toString("latin1").slice(0, 200) };
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  const body = bytes.subarray(end + 4);
  const answer = (b: Buffer): RawAnswer => ({ kind: "answer", status: Number(m[1]), headers, body: b.toString("utf8") });
  if (head || headers["content-type"] === "text/event-stream") return answer(Buffer.alloc(0)); // no body, or one that never ends
  if (headers["content-length"] !== undefined) {
    const n = Number(headers["content-length"]);
    if (body.length >= n) return answer(body.subarray(0, n));
    return ended ? { kind: "malformed", bytes: `a body of ${body.length} bytes where Content-Length says ${n}` } : null;
  }
  if (headers["transfer-encoding"] === "chunked") {
    const whole = dechunk(body);
    return whole ? answer(whole) : ended ? { kind: "malformed", bytes: `a chunked body cut short: ${body.toString("latin1").slice(0, 100)}` } : null;
  }
  return ended ? answer(body) : null; // no length: the body ends with the connection
}

/** A chunked body decoded, or null while it is not whole. */
function dechunk(b: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  for (let at = 0; ; ) {
    const eol = b.indexOf("\r\n", at);
    if (eol < 0) return null;
    const size = Number.parseInt(b.subarray(at, eol).toString("latin1"), 16);
    if (size === 0) return Buffer.concat(parts);
    if (!(size > 0) || b.length < eol + 2 + size + 2) return null;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** Sends a request as given on a new connection; resolves with the first answer, a close, or "hung" at `boundMs`. */
export function rawRequest(port: number, r: RawRequest, boundMs = 10_000): Promise<RawAnswer> {
  return new Promise((done) => {
    let got = Buffer.alloc(0);
    let drip: NodeJS.Timeout | undefined;
    const socket = connect(port, "127.0.0.1");
    const finish = (a: RawAnswer) => {
      clearTimeout(bound);
      clearInterval(drip);
      socket.destroy();
      done(a);
    };
    const bound = setTimeout(() => finish({ kind: "hung", bytes: got.toString("latin1").slice(0, 200) }), boundMs);
    const isHead = r.head.startsWith("HEAD ");
    socket.on("connect", () => {
      socket.write(`${r.head}\r\n${r.unfinished ? "" : "\r\n"}`);
      const body = Buffer.from(r.unfinished ? "" : (r.body ?? ""));
      if (!r.dripMs) socket.write(body);
      else {
        let i = 0;
        drip = setInterval(() => (i < body.length && !socket.destroyed ? socket.write(body.subarray(i, ++i)) : clearInterval(drip)), r.dripMs);
      }
    });
    socket.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const a = parse(got, isHead, false);
      if (a) finish(a);
    });
    socket.on("close", () => finish(got.length ? (parse(got, isHead, true) as RawAnswer) : { kind: "closed" }));
    socket.on("error", () => {}); // a reset is reported by "close"
  });
}

/** `run` over `items` with at most `width` at a time; resolves with the results in order. */
export async function pool<I, T>(items: readonly I[], width: number, run: (item: I) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** A spawned server's stdout and stderr once `ready(out, err)` holds; fails if it exits first or after 30 s. */
export function untilOutput(child: ChildProcess, ready: (out: string, err: string) => boolean, what: string): Promise<{ out: string; err: string }> {
  return new Promise((done, fail) => {
    let out = "";
    let err = "";
    const check = () => ready(out, err) && done({ out, err });
    child.stdout?.on("data", (d) => {
      out += d;
      check();
    });
    child.stderr?.on("data", (d) => {
      err += d;
      check();
    });
    child.on("exit", (code) => fail(new Error(`${what} exited ${code}: ${err}`)));
    setTimeout(() => fail(new Error(`${what}: expected its output within 30 s; stdout: ${out}; stderr: ${err}`)), 30000).unref();
  });
}
