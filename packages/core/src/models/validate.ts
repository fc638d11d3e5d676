/**
 * Checks for structures read from files (a kerno header, a Keras config.json, a TF.js model.json):
 * each says which file, where in it, what was expected and what was found, so that a damaged or
 * hostile file is an Error naming itself, never a TypeError from deep inside a loader.
 */

export type Json = Record<string, unknown>;

/** A value as an error message shows it: null, the number -1, the string "x", an array of 3, an object. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === "object") return "an object";
  return `the ${typeof v} ${String(v)}`;
}

/** Throws `<who>: <where>: expected <expected>, found <what v is>`. */
export function fail(who: string, where: string, expected: string, found: unknown): never {
  throw new Error(`${who}: ${where}: expected ${expected}, found ${describe(found)}`);
}

export const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

export function objectAt(v: unknown, who: string, where: string): Json {
  return isObject(v) ? v : fail(who, where, "an object", v);
}

export function arrayAt(v: unknown, who: string, where: string): unknown[] {
  return Array.isArray(v) ? v : fail(who, where, "an array", v);
}

export function stringAt(v: unknown, who: string, where: string): string {
  return typeof v === "string" ? v : fail(who, where, "a string", v);
}

/** A count or index: an integer from 0 to 2^53. */
export function countAt(v: unknown, who: string, where: string): number {
  return Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : fail(who, where, "an integer >= 0", v);
}

/** A list of dimensions (integers >= 0; null where `unknown` allows an unknown size). */
export function shapeAt(v: unknown, who: string, where: string, unknown = false): number[] {
  const dims = arrayAt(v, who, where);
  if (dims.length > 32) fail(who, where, "at most 32 dimensions", v);
  dims.forEach((d, i) => {
    if (!(unknown && d === null)) countAt(d, who, `${where}[${i}]`);
  });
  return dims as number[];
}

/** The number of values of a shape, or Infinity past 2^53. */
export const sizeOf = (shape: readonly number[]): number => {
  const n = shape.reduce((a, b) => a * b, 1);
  return Number.isSafeInteger(n) ? n : Number.POSITIVE_INFINITY;
};

/** JSON text as a value; a syntax error (or nesting too deep to parse) names the file and `what`. */
export function parseJson(text: string, who: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${who}: ${what}: expected JSON, found text that does not parse (${(err as Error).message})`);
  }
}

/**
 * `who` for an error thrown while reading a file: an Error that already names the file passes
 * unchanged; any other (a TypeError from a layer given a wrong type, h5wasm's messages) is wrapped
 * so that it names the file and says what was being done.
 */
export function wrapError(err: unknown, who: string, doing: string): Error {
  if (err instanceof Error && err.constructor === Error && err.message.startsWith(who)) return err;
  const message = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
  return new Error(`${who}: ${doing}: ${message}`, { cause: err });
}
