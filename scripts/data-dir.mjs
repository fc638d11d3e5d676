// The data folder that `npm start`, `npm test` and the tests use: KERNO_DATA_DIR when it is set,
// else the shared data sets beside the checkout (../shared/datasets) when they are there, else
// nothing (the library then uses its own default, ~/.kerno/datasets).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SHARED = fileURLToPath(new URL("../../shared/datasets", import.meta.url));

/** The folder to put in KERNO_DATA_DIR, or undefined to leave the library's default. */
export function checkoutDataDir(env = process.env) {
  if (env.KERNO_DATA_DIR?.trim()) return env.KERNO_DATA_DIR;
  return existsSync(SHARED) ? SHARED : undefined;
}
