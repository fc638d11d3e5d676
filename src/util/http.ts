/**
 * What kerno's local HTTP servers (the dashboard, the playground, `kerno serve`) share so that both defend the
 * same way: the Host header checked against the address served (a web page the user visits can
 * reach 127.0.0.1 through DNS rebinding, but its requests then carry the attacker's host name),
 * headers and body timed out in seconds and connections capped (a client that announces a big body
 * and sends a little must not hold a socket for minutes), answers that browsers do not sniff or
 * cache, bounded bodies, and internal errors logged here and answered with a short text only.
 */
import { closeSync, createReadStream } from "node:fs";
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream";
import { openPlainFile } from "@kerno/node/util/files.js";

export interface HttpLimits {
  /** Time to receive a request's headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Time to receive the whole request, headers and body (default 30 s). */
  requestTimeoutMs?: number;
  /** Open connections at most (default 64); more are dropped as they come. */
  maxConnections?: number;
}

/** How a server words an error: the dashboard in text, `kerno serve` in JSON. */
export type Refuse = (res: ServerResponse, status: number, message: string, headers?: OutgoingHttpHeaders) => void;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const SAFE: OutgoingHttpHeaders = { "x-content-type-options": "nosniff", "cache-control": "no-store", "referrer-policy": "no-referrer" };

/** Sends a whole answer with the safe headers; a second answer to one request drops the connection instead of throwing. */
export function send(res: ServerResponse, status: number, body: string | Buffer, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...SAFE, "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

export const sendJson = (res: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}) =>
  send(res, status, JSON.stringify(value), { "content-type": "application/json; charset=utf-8", ...headers });

/** Starts a long answer (an event stream, a file) with the safe headers. */
export function begin(res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  res.writeHead(status, { ...SAFE, ...headers });
}

export const textError: Refuse = (res, status, message, headers) => send(res, status, message, headers);
export const jsonError: Refuse = (res, status, message, headers) => sendJson(res, status, { error: message }, headers);

/** A loopback name or address: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

const ANY = new Set(["0.0.0.0", "::", "::0", "0:0:0:0:0:0:0:0"]);

/** The host each server was told to listen on by `listen` (a name, where the user gave one). */
const boundAs = new WeakMap<Server, string>();

/**
 * Whether a request's Host header names the server: bound to loopback, 127.0.0.1, localhost or
 * [::1] with the port served (as Jupyter and TensorBoard accept); bound to one other address, that
 * address; bound to every address (0.0.0.0, ::), any Host, since the user chose the exposure. The
 * name the user bound it by (`--host vm`, given as `name`) is accepted too, with the port: the URL
 * printed carries it. The port may be left out only where it is 80, as browsers do.
 */
export function hostAllowed(host: string | undefined, bound: AddressInfo | string | null, name?: string): boolean {
  if (!bound || typeof bound === "string") return true; // a pipe or socket file: no network names
  if (ANY.has(bound.address)) return true;
  if (!host) return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.toLowerCase());
  if (!m || Number(m[2] ?? 80) !== bound.port) return false;
  const asked = m[1].replace(/^\[(.*)\]$/, "$1");
  if (name && asked === name.toLowerCase().replace(/^\[(.*)\]$/, "$1")) return true;
  if (isLoopback(bound.address)) return asked === "localhost" || asked === "127.0.0.1" || asked === "::1" || asked === bound.address.toLowerCase();
  return asked === bound.address.toLowerCase();
}

/**
 * The warning for a server reachable from other machines, for stderr; null when the address it is
 * bound to is loopback. Decided from the bound address (server.address()), not the --host string: a
 * name such as "vm" may resolve to 127.0.0.1, and "127.1" is 127.0.0.1.
 */
export function exposureWarning(who: string, host: string, bound: AddressInfo | string | null, what: string): string | null {
  if (!bound || typeof bound === "string" || isLoopback(bound.address)) return null; // a pipe or socket file is local
  const where = ANY.has(bound.address) ? "every address of this machine" : bound.address;
  return `${who}: listening on ${where} (${host}): ${what} reachable from other machines; --host 127.0.0.1 (the default) keeps it local`;
}

/** The request's path, percent-decoded, or null when it is not a path or decodes badly (bad escapes, NUL). */
export function requestPath(req: IncomingMessage): string | null {
  const raw = (req.url ?? "").split("?")[0];
  if (!raw.startsWith("/")) return null;
  try {
    const path = decodeURIComponent(raw);
    return path.includes("\0") ? null : path;
  } catch {
    return null;
  }
}

export const urlOf = (host: string, port: number) => `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;

/**
 * The request's body, at most `maxBytes` and within `timeoutMs`; null when it was refused (413,
 * 408: answered here, and the connection closed) or the client went away.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, o: { maxBytes: number; timeoutMs: number; refuse: Refuse }): Promise<Buffer | null> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (body: Buffer | null, status?: number, message?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.removeListener("data", onData);
      if (status && message) {
        res.setHeader("connection", "close");
        o.refuse(res, status, message);
        // the rest of the body is not read: drop the connection once the answer has gone out
        res.once("finish", () => req.socket.destroySoon());
      }
      done(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > o.maxBytes) finish(null, 413, `the request is over ${o.maxBytes} bytes`);
      else chunks.push(chunk);
    };
    const timer = setTimeout(() => finish(null, 408, `the body did not arrive within ${o.timeoutMs / 1000} s`), o.timeoutMs);
    const announced = Number(req.headers["content-length"] ?? 0);
    if (announced > o.maxBytes) return finish(null, 413, `the request is over ${o.maxBytes} bytes (Content-Length ${announced})`);
    req.on("data", onData);
    req.once("end", () => finish(Buffer.concat(chunks)));
    req.once("close", () => finish(null));
    req.once("error", () => finish(null));
  });
}

/**
 * An HTTP server that checks Host, times requests out, caps connections and turns a handler's
 * exception into a logged error and a short 500, never a crash or a leaked message.
 */
export function createGuardedServer(handler: Handler, o: HttpLimits & { refuse: Refuse; name: string }): Server {
  const requestTimeout = o.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(o.headersTimeoutMs ?? 10_000, requestTimeout);
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    console.error(`${o.name}: internal error on ${req.method} ${JSON.stringify((req.url ?? "").slice(0, 200))}:`, err);
    if (res.headersSent) res.destroy();
    else o.refuse(res, 500, "internal error");
  };
  const server = createServer(
    // Node checks the two timeouts every connectionsCheckingInterval (30 s unless told), so check often enough to honour them
    { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(50, Math.min(1000, headersTimeout / 4)) },
    (req, res) => {
      if (!hostAllowed(req.headers.host, server.address(), boundAs.get(server)))
        return o.refuse(res, 403, `${o.name}: Host ${JSON.stringify(req.headers.host ?? "")} is not served here`);
      try {
        const pending = handler(req, res);
        if (pending) pending.catch((err) => fail(req, res, err));
      } catch (err) {
        fail(req, res, err);
      }
    },
  );
  server.maxConnections = o.maxConnections ?? 64;
  return server;
}

/**
 * Listens on host:port; resolves with the server's URL, which names `host` as given (a port in use
 * is named as such). A guarded server then accepts that name in the Host header too.
 */
export function listen(server: Server, port: number, host: string, who: string): Promise<string> {
  boundAs.set(server, host);
  return new Promise((done, fail) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      fail(new Error(err.code === "EADDRINUSE" ? `${who}: port ${port} is in use; choose another with --port` : `${who}: ${err.message}`)),
    );
    server.listen(port, host, () => {
      const address = server.address();
      done(urlOf(host, typeof address === "object" && address ? address.port : port));
    });
  });
}

/**
 * A file whose real path `resolveInside` gave, sent by the bytes its open descriptor has (a file
 * swapped or grown meanwhile changes nothing sent); `missing` answers when it is gone or not a
 * plain file.
 */
export function serveFile(res: ServerResponse, real: string, headers: OutgoingHttpHeaders, missing: () => void): void {
  const file = openPlainFile(real);
  if (!file) {
    missing();
    return;
  }
  begin(res, 200, { ...headers, "content-length": file.size });
  if (file.size === 0) {
    closeSync(file.fd);
    res.end();
    return;
  }
  // pipeline, not pipe: a client that goes away mid-file closes the descriptor too
  pipeline(createReadStream("", { fd: file.fd, start: 0, end: file.size - 1 }), res, () => {});
}
