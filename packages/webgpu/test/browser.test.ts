/**
 * @kerno/webgpu in a real browser: Debian's chromium through playwright-core, whose WebGPU runs on
 * SwiftShader (a CPU Vulkan) here: right for correctness, meaningless for speed. The page
 * (browser/page.ts, bundled by esbuild with node:assert mapped to core/test/helpers/browser-assert.ts) runs every
 * kernel conformance case and the op-level gradient suite on the webgpu backend, and trains a
 * small CNN with fit on webgpu and on the TypeScript backend from the same seed. Skips without
 * chromium, saying so. `KERNO_WEBGPU_CASES=unary,binary` runs only those kernels' cases.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { jsKernels } from "@kerno/core/backends/js/index.js";
import { bundleForBrowser, CHROMIUM, inChromium, NO_CHROMIUM, type ServedFiles } from "../../core/test/helpers/browser-bundle.js";
import { conformanceCases } from "../../core/test/helpers/kernel-conformance.js";
import { HOST_KERNELS } from "../src/backend.js";
import { WEBGPU_CHROMIUM_ARGS } from "./chromium.js";

const skip = CHROMIUM ? false : NO_CHROMIUM;
const only = process.env.KERNO_WEBGPU_CASES;

interface Failure {
  kernel: string;
  error: string;
}
interface Training {
  losses: number[];
  accuracy: number[];
  allocated: number[];
}
interface PageResult {
  error?: string;
  backend: string;
  adapter: string;
  onGpu: string[];
  cases: number;
  failures: Failure[];
  gradientCases: string[];
  gradients: Failure[];
  training: { webgpu: Training; js: Training; mnistMemory: number[] } | null;
}

/** The page (browser/page.ts, bundled) in Chromium on SwiftShader, with only the kernels of KERNO_WEBGPU_CASES when given. */
async function runPage(): Promise<{ result: PageResult; console: string[] }> {
  const bundle = await bundleForBrowser([fileURLToPath(new URL("./browser/page.ts", import.meta.url))]);
  const files: ServedFiles = {
    "/": ["text/html", '<!doctype html><script type="module" src="/page.mjs"></script>'],
    "/page.mjs": ["text/javascript", bundle["/page.mjs"]],
  };
  return inChromium<PageResult>(files, { args: WEBGPU_CHROMIUM_ARGS, path: only ? `/?cases=${encodeURIComponent(only)}` : "/" });
}

test("in Chromium (WebGPU on SwiftShader), the webgpu backend passes every conformance case and the gradient suite, and trains a CNN like the TypeScript backend; GPU memory stops growing after the MNIST CNN's first batch", {
  skip,
  timeout: 900_000,
}, async () => {
  const { result, console: lines } = await runPage();
  assert.equal(result.error, undefined, `${result.error}\nconsole:\n${lines.join("\n")}`);
  assert.equal(result.backend, "webgpu");
  const expected = only ? only.split(",").length : Object.keys(conformanceCases).length;
  assert.equal(result.cases, expected, "the page ran every conformance case");
  assert.deepEqual(result.failures, [], result.failures.map((f) => `${f.kernel}: ${f.error}`).join("\n"));
  if (only) return;
  // every kernel of the table has a WGSL kernel (a new one without falls back to the CPU: add its kernel);
  // a case named for a flag of the table (bfloat16) is no kernel
  assert.deepEqual(
    Object.keys(conformanceCases).filter(
      (k) => typeof jsKernels[k as keyof typeof jsKernels] === "function" && !result.onGpu.includes(k) && !HOST_KERNELS.has(k),
    ),
    [],
    "kernels that run on the CPU",
  );
  assert.deepEqual(result.gradients, [], result.gradients.map((f) => `${f.kernel}: ${f.error}`).join("\n"));
  const { webgpu, js, mnistMemory } = result.training!;
  // the same seeds on both backends: the same training, up to float32 rounding
  console.log(`small CNN losses by epoch, webgpu vs js: ${webgpu.losses.map((l, i) => `${l.toPrecision(6)}/${js.losses[i].toPrecision(6)}`).join(", ")}`);
  webgpu.losses.forEach((loss, i) =>
    assert.ok(Math.abs(loss - js.losses[i]) < 1e-3 * Math.max(1, js.losses[i]), `epoch ${i + 1}: loss ${loss} on webgpu, ${js.losses[i]} on js`),
  );
  assert.ok(webgpu.losses[5] < webgpu.losses[0], `losses ${webgpu.losses.join(", ")}`);
  // GPU memory: what the first epochs made is reused, nothing grows after them
  console.log(`GPU memory after each epoch: ${webgpu.allocated.join(", ")} bytes`);
  const [, second, ...rest] = webgpu.allocated;
  for (const bytes of rest) assert.ok(bytes <= second, `GPU memory by epoch: ${webgpu.allocated.join(", ")} bytes`);
  // the course's MNIST CNN: after the first batch (whose step made every buffer), nothing grows
  console.log(`GPU memory after each batch of the MNIST CNN: ${mnistMemory.join(", ")} bytes`);
  assert.equal(mnistMemory.length, 5);
  for (const bytes of mnistMemory.slice(1)) assert.ok(bytes <= mnistMemory[0], `GPU memory by batch: ${mnistMemory.join(", ")} bytes`);
});
