/**
 * node:assert/strict for the browser bundle (browser.test.ts maps the import here): the part the
 * conformance cases use (ok, equal, deepEqual, throws), with the strict module's comparisons:
 * Object.is for values, so that -0 differs from 0 and NaN equals NaN, and a typed array equals
 * only one of its own type. browser-assert.test.ts checks each against Node's.
 */

export class AssertionError extends Error {
  override name = "AssertionError";
}

const show = (v: unknown): string => {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

let lenient = false;

/**
 * While a backend that answers asynchronously records a case's kernel calls (webgpu's replay
 * passes), failed assertions pass silently: the values they compare are not there yet.
 */
export function setLenient(on: boolean): void {
  lenient = on;
}

function fail(message: string | undefined, otherwise: string): void {
  if (!lenient) throw new AssertionError(message ?? otherwise);
}

function ok(value: unknown, message?: string): void {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) fail(message, `expected ${show(expected)}, got ${show(actual)}`);
}

/** Where a and b first differ ("" when they are deeply, strictly equal). */
function difference(a: unknown, b: unknown, path: string): string {
  if (Object.is(a, b)) return "";
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return `${path || "value"}: ${show(a)} vs ${show(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path || "value"}: a ${a.constructor?.name} vs a ${b.constructor?.name}`;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return `${path || "value"}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${path}[${i}]: ${x[i]} vs ${y[i]}`;
    return "";
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return `${path || "value"}: keys ${keysA.join(",")} vs ${keysB.join(",")}`;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key)) return `${path || "value"}: no key ${key} in the expected`;
    const found = difference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}[${key}]`);
    if (found) return found;
  }
  return "";
}

function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  const found = difference(actual, expected, "");
  if (found) fail(message, `not deeply equal: ${found}`);
}

function throws(fn: () => unknown, expected?: RegExp | (new (...args: never[]) => unknown), message?: string): void {
  try {
    fn();
  } catch (err) {
    // as Node's: a RegExp is matched against the error as a string (its name and message)
    if (expected instanceof RegExp && !expected.test(String(err))) fail(message, `the error ${String(err)} does not match ${expected}`);
    if (typeof expected === "function" && !(err instanceof expected)) fail(message, `the error ${String(err)} is not a ${expected.name}`);
    return;
  }
  fail(message, "Missing expected exception.");
}

export default { AssertionError, ok, equal, strictEqual: equal, deepEqual, deepStrictEqual: deepEqual, throws };
