/**
 * Synchronous test code on an asynchronous backend. The conformance cases and gradient checks
 * call kernels and compare their results at once; on the GPU the results are only there after an
 * await. So a case runs in passes: each pass runs it from the start (same random inputs), answers
 * the kernel calls already made from the results read after the last pass, and sends new calls to
 * the GPU; between passes the new results come to the CPU. While calls are being recorded,
 * assertions pass silently (they compare values that are not there yet); once a pass makes no new
 * call, a last strict pass replays them all, and its outcome (passed, or its assertion) is the case's.
 */
import type { Kernels } from "@kerno/core/backends/kernels.js";
import type { TypedArray } from "@kerno/core/tensor/dtype.js";
import { setLenient } from "../../../core/test/helpers/browser-assert.js";
import { arraysIn } from "../../src/backend.js";

/** Kernels that update their array arguments in place. */
const IN_PLACE = new Set(["sgdUpdate", "rmspropUpdate", "adamUpdate", "resizeBytes"]);
const MAX_PASSES = 12;

interface Call {
  name: string;
  result: unknown;
  /** In-place kernels: each argument's values after the call (null where it is no array). */
  after: (TypedArray | null)[] | null;
  args: unknown[];
}

const isArray = (v: unknown): v is TypedArray => v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array;

/**
 * Runs `body` with kernels that replay recorded calls, as many passes as it needs. `reseed` starts
 * the random inputs over before each pass; `read` brings arrays to the CPU.
 */
export async function replayed(
  kernels: Kernels,
  body: (n: Kernels) => void,
  reseed: () => void,
  read: (arrays: TypedArray[]) => Promise<void>,
): Promise<{ passes: number }> {
  const calls: Call[] = [];
  let strict = false;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    reseed();
    setLenient(!strict);
    let at = 0;
    const fresh: Call[] = [];
    const proxy = new Proxy(kernels, {
      get(target, prop, receiver) {
        const member = Reflect.get(target, prop, receiver);
        if (typeof member !== "function") return member;
        const name = String(prop);
        return (...args: unknown[]) => {
          if (at < calls.length) {
            const call = calls[at++];
            if (call.name !== name) throw new Error(`replay: call ${at} was '${call.name}' in the first pass and '${name}' now: the case is not deterministic`);
            call.after?.forEach((values, i) => {
              if (values && isArray(args[i])) (args[i] as TypedArray).set(values);
            });
            return call.result;
          }
          const result = (member as (...a: unknown[]) => unknown).apply(target, args);
          const call: Call = { name, result, after: null, args: IN_PLACE.has(name) ? args : [] };
          calls.push(call);
          fresh.push(call);
          at++;
          return result;
        };
      },
    });
    let error: unknown = null;
    try {
      body(proxy);
    } catch (err) {
      error = err;
    } finally {
      setLenient(false);
    }
    if (fresh.length === 0) {
      if (strict) {
        if (error) throw error;
        return { passes: pass };
      }
      strict = true;
      continue;
    }
    strict = false;
    await read(arraysIn(fresh.flatMap((c) => [c.result, c.args])));
    for (const c of fresh) if (IN_PLACE.has(c.name)) c.after = c.args.map((a) => (isArray(a) ? a.slice() : null));
  }
  throw new Error(`replay: still making new kernel calls after ${MAX_PASSES} passes`);
}
