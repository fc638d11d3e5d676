import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { test } from "node:test";
import { createGuardedServer, exposureWarning, hostAllowed, jsonError, listen, readBody, requestPath, send, textError } from "../../src/util/http.js";

const at = (address: string, port: number): AddressInfo => ({ address, port, family: address.includes(":") ? "IPv6" : "IPv4" });

/** Sends raw bytes; resolves with all that came back when the server closes, or what came by `boundMs`. */
function raw(port: number, text: string, boundMs = 10000): Promise<string> {
  return new Promise((done) => {
    let got = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    const bound = setTimeout(() => {
      socket.destroy();
      done(got);
    }, boundMs);
    socket.on("data", (d) => {
      got += d;
    });
    socket.on("close", () => {
      clearTimeout(bound);
      done(got);
    });
    socket.on("error", () => {});
  });
}

test("Host: loopback names with the port on loopback, the address itself elsewhere, anything on 0.0.0.0 and ::", () => {
  const loop = at("127.0.0.1", 6007);
  for (const h of ["127.0.0.1:6007", "localhost:6007", "[::1]:6007", "LocalHost:6007"]) assert.equal(hostAllowed(h, loop), true, h);
  for (const h of [undefined, "", "evil.example:6007", "127.0.0.1:6008", "127.0.0.1", "localhost.:6007", "127.0.0.1:6007:1", "a@127.0.0.1:6007", "[::1]x:6007"])
    assert.equal(hostAllowed(h, loop), false, String(h));
  assert.equal(hostAllowed("[::1]:80", at("::1", 80)), true);
  assert.equal(hostAllowed("localhost", at("::1", 80)), true, "port 80 may be left out");
  const lan = at("192.168.1.5", 8501);
  assert.equal(hostAllowed("192.168.1.5:8501", lan), true);
  assert.equal(hostAllowed("localhost:8501", lan), false);
  assert.equal(hostAllowed("[fe80::1]:8501", at("fe80::1", 8501)), true);
  for (const any of ["0.0.0.0", "::"]) assert.equal(hostAllowed("anything.example", at(any, 1)), true);
  // the name the server was bound by (--host vm), with the port
  assert.equal(hostAllowed("vm:6007", loop, "vm"), true);
  assert.equal(hostAllowed("VM:6007", loop, "vm"), true);
  assert.equal(hostAllowed("box.lan:8501", lan, "box.lan"), true);
  assert.equal(hostAllowed("[::1]:6007", at("::1", 6007), "::1"), true);
  for (const h of ["vm:6008", "vm", "evil.example:6007", "vm.evil.example:6007"]) assert.equal(hostAllowed(h, loop, "vm"), false, h);
  assert.equal(hostAllowed("vm:6007", loop), false, "a name is accepted only where the server was bound by it");
});

test("a server listening by a name answers that name in Host, as the printed URL has it, and does not warn on loopback", async (t) => {
  // "127.1" is a name, not an address, to Node (net.isIP); the system resolver reads it as 127.0.0.1
  const server = createGuardedServer((_req, res) => send(res, 200, "ok"), { refuse: textError, name: "test" });
  let url: string;
  try {
    url = await listen(server, 0, "127.1", "test");
  } catch (err) {
    return t.skip(`the resolver here does not read 127.1 as 127.0.0.1 (${(err as Error).message})`);
  }
  const { port } = server.address() as AddressInfo;
  try {
    assert.equal(url, `http://127.1:${port}/`);
    assert.match(await raw(port, `GET / HTTP/1.1\r\nHost: 127.1:${port}\r\nConnection: close\r\n\r\n`), /^HTTP\/1\.1 200 [\s\S]*ok$/);
    assert.match(await raw(port, `GET / HTTP/1.1\r\nHost: 127.2:${port}\r\nConnection: close\r\n\r\n`), /^HTTP\/1\.1 403 /);
    assert.equal(exposureWarning("test", "127.1", server.address(), "it is"), null);
  } finally {
    server.close();
  }
});

test("a warning decided by the bound address, not the --host string; paths decode or are refused", () => {
  for (const h of ["127.0.0.1", "::1", "127.0.0.2", "::ffff:127.0.0.1"]) assert.equal(exposureWarning("kerno x", h, at(h, 1), "it is"), null, h);
  assert.equal(exposureWarning("kerno x", "vm", at("127.0.0.1", 1), "it is"), null, "a name that resolves to loopback");
  assert.equal(exposureWarning("kerno x", "localhost", "/tmp/x.sock", "it is"), null, "a socket file");
  assert.match(
    exposureWarning("kerno x", "0.0.0.0", at("0.0.0.0", 1), "it is")!,
    /^kerno x: listening on every address of this machine \(0\.0\.0\.0\): it is reachable from other machines/,
  );
  assert.match(exposureWarning("kerno x", "10.0.0.2", at("10.0.0.2", 1), "it is")!, /listening on 10\.0\.0\.2 \(10\.0\.0\.2\)/);
  assert.match(exposureWarning("kerno x", "box.lan", at("10.0.0.2", 1), "it is")!, /listening on 10\.0\.0\.2 \(box\.lan\)/);
  assert.match(exposureWarning("kerno x", "localhost", at("10.0.0.2", 1), "it is")!, /listening on 10\.0\.0\.2/, "the address, whatever the name");
  const path = (url: string) => requestPath({ url } as IncomingMessage);
  assert.equal(path("/a%20b?x=%"), "/a b");
  for (const bad of ["/%", "/%E0%A4%A", "/a%00b", "*", "http://x/y"]) assert.equal(path(bad), null, bad);
});

test("the guarded server: a handler's error is a short 500, slow headers and bodies time out, a second answer does not throw", { timeout: 30000 }, async () => {
  const logged: unknown[] = [];
  const error = console.error;
  console.error = (...a: unknown[]) => logged.push(a);
  const server = createGuardedServer(
    async (req, res) => {
      if (req.url === "/throw") throw new Error("secret detail");
      if (req.url === "/twice") {
        send(res, 200, "one");
        send(res, 200, "two");
        return;
      }
      const body = await readBody(req, res, { maxBytes: 100, timeoutMs: 500, refuse: jsonError });
      if (body) send(res, 200, `got ${body.length}`);
    },
    { refuse: textError, name: "test", headersTimeoutMs: 500, requestTimeoutMs: 2000, maxConnections: 5 },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const host = `Host: 127.0.0.1:${port}\r\n`;
  try {
    assert.equal(server.maxConnections, 5);
    const thrown = await raw(port, `GET /throw HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
    assert.match(thrown, /^HTTP\/1\.1 500 [\s\S]*\r\n\r\ninternal error$/);
    assert.equal(logged.length, 1, "the detail goes to stderr");
    assert.match(await raw(port, `GET /twice HTTP/1.1\r\n${host}Connection: close\r\n\r\n`), /^HTTP\/1\.1 200 [\s\S]*one$/);
    assert.match(await raw(port, `POST / HTTP/1.1\r\n${host}Content-Length: 3\r\nConnection: close\r\n\r\nabc`), /got 3$/);
    assert.match(await raw(port, `POST / HTTP/1.1\r\n${host}Content-Length: 101\r\n\r\n`), /^HTTP\/1\.1 413 [\s\S]*over 100 bytes/);
    assert.match(await raw(port, `POST / HTTP/1.1\r\n${host}Content-Length: 50\r\n\r\nabc`), /^HTTP\/1\.1 408 [\s\S]*within 0\.5 s/);
    assert.match(await raw(port, `POST / HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n80\r\n${"x".repeat(128)}\r\n`), /^HTTP\/1\.1 413 /);
    assert.match(await raw(port, `GET / HTTP/1.1\r\n${host}X-Slow: `), /^HTTP\/1\.1 408 /, "headers that never end");
    assert.match(await raw(port, `GET / HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`), /^HTTP\/1\.1 403 /);
  } finally {
    console.error = error;
    server.closeAllConnections();
    server.close();
  }
});
