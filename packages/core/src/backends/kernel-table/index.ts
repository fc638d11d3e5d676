/**
 * The compiled kernels' calling convention, declared once. Each entry is one entry point of the
 * C++ kernels: its arguments in call order (kind, size rule, whether null is accepted), the checks
 * the arguments must pass together, the C++ kernel it calls, and the `Kernels` method(s) it serves
 * (outputs allocated, arguments marshalled, when the TypeScript kernel serves instead).
 * `npm run gen:bindings` (scripts/gen-bindings.ts) generates from it:
 *   native/bindings.gen.inc                  the Node-API entry points (unpack, check, call) and export table
 *   native/kernels.gen.h                     the C++ prototypes of the kernels they call
 *   src/backends/native/addon.gen.ts         the addon's TypeScript type
 *   src/backends/native/wrappers.gen.ts      the native backend's Kernels methods
 * and test/backends/native/bindings.test.ts fails when one is stale. Sizes and checks are C++
 * expressions over the arguments unpacked before them, a typed array's length (`NAME_len`) and
 * the helpers of native/bindings.h, so that another target (WebAssembly) can bind the same table.
 *
 * Unpacking order: scalars, op codes, flags and geometries first (and arrays marked `first`), then
 * `derive`, then the arrays marked `early`, then `require`, then the other arrays, then
 * `requireAfter`, then the call. Every check failure is a TypeError naming the kernel and the
 * argument.
 */
import { CONVOLUTION } from "./convolution.js";
import { ELEMENTWISE } from "./elementwise.js";
import { TRAINING } from "./training.js";
import type { Binding } from "./types.js";

export type { Binding, BindingArg, Wrap } from "./types.js";

export const BINDINGS: Record<string, Binding> = { ...CONVOLUTION, ...ELEMENTWISE, ...TRAINING };
