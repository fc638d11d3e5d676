/**
 * The kernels, declared once. Two parts:
 * - the methods (methods-*.ts, KERNEL_SECTIONS in the interface's order, and KERNEL_PROPERTIES):
 *   every member of the `Kernels` interface, its doc comment, parameters (name, TypeScript type,
 *   default) and return type, whether or not a compiled kernel serves it;
 * - the bindings (convolution.ts, elementwise.ts, training.ts, BINDINGS): one entry per entry point
 *   of the compiled kernels: its arguments in call order (kind, size rule, whether null is
 *   accepted), the checks the arguments must pass together, the C++ kernel it calls, and the
 *   method(s) it serves (outputs allocated, arguments marshalled from the method's parameters,
 *   when the TypeScript kernel serves instead).
 * `npm run gen:bindings` (scripts/gen-bindings.ts) generates from it:
 *   @kerno/core  src/backends/kernels.gen.ts           the Kernels interface (kernels.ts re-exports it)
 *                src/backends/compiled/addon.gen.ts    the compiled kernels as TypeScript sees them
 *                src/backends/compiled/wrappers.gen.ts the Kernels methods over them (native and WebAssembly)
 *   @kerno/node  native/bindings.gen.inc               the Node-API entry points (unpack, check, call) and export table
 *                native/kernels.gen.h                  the C++ prototypes of the kernels they call
 *   @kerno/wasm  native/bindings.gen.inc               the same entry points over WebAssembly argument slots
 *                src/bindings.gen.ts                   their table's order and outputs
 * and packages/node/test/backends/native/bindings.test.ts fails when one is stale. Nothing here is
 * Node's: the method declarations are TypeScript text, and sizes and checks are C++ expressions
 * over the arguments unpacked before them, a typed array's length (`NAME_len`) and the helpers of
 * native/bindings.h, so that another target (WebAssembly) can bind the same table.
 *
 * Unpacking order: scalars, op codes, flags and geometries first (and arrays marked `first`), then
 * `derive`, then the arrays marked `early`, then `require`, then the other arrays, then
 * `requireAfter`, then the call. Every check failure is a TypeError naming the kernel and the
 * argument.
 */
import { CONVOLUTION } from "./convolution.js";
import { ELEMENTWISE } from "./elementwise.js";
import { ARRAY_METHODS } from "./methods-arrays.js";
import { CONVOLUTION_METHODS } from "./methods-convolution.js";
import { TRAINING_METHODS } from "./methods-training.js";
import { TRAINING } from "./training.js";
import type { Binding, KernelMethod, KernelProperty, KernelSection } from "./types.js";

export type { Binding, BindingArg, KernelMethod, KernelProperty, KernelSection, OptionalParam, Wrap } from "./types.js";

/** What a backend says about itself: the interface's readonly properties, before its methods. */
export const KERNEL_PROPERTIES: Record<string, KernelProperty> = {
  name: { type: "string" },
  bfloat16: { doc: "Whether products run in bfloat16 here (the js backend emulates them; native needs AVX512_BF16).", type: "boolean" },
};

export const KERNEL_SECTIONS: readonly KernelSection[] = [...ARRAY_METHODS, ...CONVOLUTION_METHODS, ...TRAINING_METHODS];

/** Every method of the interface by name. */
export const KERNEL_METHODS: Record<string, KernelMethod> = Object.assign({}, ...KERNEL_SECTIONS.map((s) => s.methods));

/**
 * Where the types that the declarations name come from, as paths under packages/core/src/: each
 * target's generator imports the ones it uses, relatively or through @kerno/core.
 */
export const SIGNATURE_TYPES: Record<string, readonly string[]> = {
  "backends/kernels.js": [
    "Conv2dGeometry",
    "F32",
    "FusedActivation",
    "BinaryOp",
    "Pool2dGeometry",
    "Precision",
    "ReduceOp",
    "ResizeGeometry",
    "ByteResizeGeometry",
    "RnnGrads",
    "RnnSaved",
    "RnnSpec",
    "TransformGeometry",
    "UnaryOp",
  ],
  "tensor/dtype.js": ["DType", "TypedArray"],
  "tensor/shape.js": ["Shape"],
};

export const BINDINGS: Record<string, Binding> = { ...CONVOLUTION, ...ELEMENTWISE, ...TRAINING };
