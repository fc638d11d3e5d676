/**
 * Numerical error of kerno's convolutions against a float64 reference, per way of running them
 * (KERNO_CONV=indirect: the indirect GEMM, f2: F(2x2, 3x3), f4: F(4x4, 3x3)), on 3x3 layers shaped
 * like VGG16's and the MNIST CNN's, forward and input gradient. Prints one line per layer and pass:
 * the largest |kerno - float64| over the largest |float64| of the layer's output.
 * Usage: node --conditions=kerno-source --import tsx bench/conv-error.ts        (runs one child per mode)
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { conv2dGeometry } from "@kerno/core/ops/conv.js";
import { Random } from "@kerno/core/tensor/random.js";
import { loadAddon, makeNativeKernels } from "@kerno/node/backends/native/index.js";

// [batch, size, in channels, out channels]
const LAYERS: [number, number, number, number][] = [
  [1, 26, 64, 64],
  [1, 14, 128, 128],
  [1, 12, 256, 256],
  [1, 8, 512, 512],
  [4, 13, 32, 64],
];

/** Same-padded 3x3 convolution in float64 (x NHWC, w HWIO). */
function reference(x: Float32Array, w: Float32Array, n: number, s: number, c: number, k: number): Float64Array {
  const y = new Float64Array(n * s * s * k);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < s; oy++)
      for (let ox = 0; ox < s; ox++) {
        const out = ((b * s + oy) * s + ox) * k;
        for (let ky = 0; ky < 3; ky++) {
          const iy = oy + ky - 1;
          if (iy < 0 || iy >= s) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ix = ox + kx - 1;
            if (ix < 0 || ix >= s) continue;
            const xin = ((b * s + iy) * s + ix) * c,
              wk = (ky * 3 + kx) * c * k;
            for (let ci = 0; ci < c; ci++) {
              const v = x[xin + ci],
                row = wk + ci * k;
              for (let o = 0; o < k; o++) y[out + o] += v * w[row + o];
            }
          }
        }
      }
  return y;
}

function relativeError(got: Float32Array, want: Float64Array): number {
  let err = 0,
    scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

function measure(): void {
  const addon = loadAddon();
  if (!addon) throw new Error("winograd-error: the native addon is not built (npm run install)");
  const native = makeNativeKernels(addon);
  const rng = new Random(7);
  const rand = (len: number) => Float32Array.from({ length: len }, () => rng.uniform() * 2 - 1);
  for (const [n, s, c, k] of LAYERS) {
    const x = rand(n * s * s * c),
      w = rand(9 * c * k),
      dy = rand(n * s * s * k);
    const g = conv2dGeometry([n, s, s, c], [3, 3, c, k], { padding: "same" });
    const forward = relativeError(native.conv2d(x, w, g, null, "linear"), reference(x, w, n, s, c, k));
    // the input gradient is the same-padded convolution of dy with the kernel turned and transposed
    const turned = new Float32Array(9 * c * k);
    for (let t = 0; t < 9; t++) for (let ci = 0; ci < c; ci++) for (let o = 0; o < k; o++) turned[(8 - t) * k * c + o * c + ci] = w[t * c * k + ci * k + o];
    const input = relativeError(native.conv2dBackpropInput(dy, w, g), reference(dy, turned, n, s, k, c));
    console.log(`${process.env.KERNO_CONV}\t${n}x${s}x${s}x${c}->${k}\tforward ${forward.toExponential(2)}\tinput gradient ${input.toExponential(2)}`);
  }
}

if (process.env.KERNO_CONV) measure();
else
  for (const mode of ["indirect", "f2", "f4"])
    spawnSync(process.execPath, ["--conditions=kerno-source", "--import", "tsx", fileURLToPath(import.meta.url)], {
      stdio: "inherit",
      env: { ...process.env, KERNO_CONV: mode },
    });
