/**
 * When the playground's browser tests skip, and why: without Chromium, without the MNIST files, or
 * without the built WebAssembly kernels (unless KERNO_REQUIRE_WASM=1, where their absence fails).
 */
import { existsSync } from "node:fs";
import { CHROMIUM, NO_CHROMIUM } from "../../packages/core/test/helpers/browser-bundle.js";
import { needsData } from "../../packages/node/test/helpers/data.js";
import { wasmBuildDir } from "../../src/playground/files.js";

export { CHROMIUM };

const wasmBuilt = existsSync(`${wasmBuildDir()}/kerno-kernels.wasm`);

/** The skip reason of a playground test in Chromium, or false where it runs. */
export const PLAYGROUND_SKIP: string | false = !CHROMIUM
  ? NO_CHROMIUM
  : needsData("MNIST", "mnist/train-images-idx3-ubyte.gz") ||
    (!wasmBuilt && process.env.KERNO_REQUIRE_WASM !== "1" ? "the WebAssembly kernels are not built (npm run build:wasm -w @kerno/wasm)" : false);
