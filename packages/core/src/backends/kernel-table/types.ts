/**
 * The shape of the kernel table (src/backends/kernel-table/): one declaration per member of the
 * `Kernels` interface (KernelMethod, KernelProperty) and one entry per entry point of the compiled
 * kernels (Binding), read by scripts/gen-bindings.ts. See index.ts for what is generated from it.
 */
import type { OP_TABLES } from "../kernels.js";

/** A parameter that callers may leave out: implementations assume `default` (a TypeScript expression). */
export interface OptionalParam {
  type: string;
  default: string;
}

/**
 * A method of the `Kernels` interface, declared once: the interface, the backends' wrappers and
 * their fallbacks to the TypeScript kernel all take its names, types and defaults from here.
 * Types are TypeScript source over the types kernels.ts exports (and DType, TypedArray, Shape).
 */
export interface KernelMethod {
  /** Its doc comment, one paragraph (the generator wraps it). */
  doc?: string;
  /** Its parameters in call order: name -> type, or an OptionalParam (declared `name?: type`). */
  params: Record<string, string | OptionalParam>;
  returns: string;
}

/** A readonly property of the `Kernels` interface (what a backend says about itself). */
export interface KernelProperty {
  doc?: string;
  type: string;
}

/** A run of methods in the interface, under a comment that says what they share. */
export interface KernelSection {
  comment?: string;
  methods: Record<string, KernelMethod>;
}

type ArrayKind = "f32" | "i32" | "u8";
export type BindingArg =
  /**
   * A typed array used in place: `out` when the kernel writes it; `size`: its least length (C++);
   * `nullable`: true, or the C++ condition under which null is accepted; `when`: the C++ condition
   * under which it is read at all (else the kernel gets nullptr); `ts`: its TypeScript type when
   * it is not the kind's.
   */
  | { kind: ArrayKind; name: string; out?: boolean; size?: string; nullable?: true | string; first?: boolean; early?: boolean; when?: string; ts?: string }
  /** An integer in [min, 2^31-1] (default min 0), as `ctype` in C++ (default int). */
  | { kind: "int"; name: string; min?: number; ctype?: "int" | "std::size_t" }
  /** An op's code in one of the op tables (kernels.ts). */
  | { kind: "code"; name: string; table: keyof typeof OP_TABLES }
  | { kind: "float"; name: string }
  | { kind: "flag"; name: string }
  /** Mixed precision: true asks for bfloat16 products, which the CPU must support. */
  | { kind: "bf16"; name: "bf16" }
  /**
   * Geometries as Int32Arrays (15 ints for conv, 12 for pool, 7 for an RNN spec), unpacked into
   * the struct named `var` (an RNN spec: `var` holds the sizes it implies, and `s` the spec).
   */
  | { kind: "conv" | "pool" | "rnn"; name: string; var: string };

/**
 * The `Kernels` method an entry serves, as the backend's wrapper: TypeScript expressions over the
 * parameters of the method's declaration (KernelMethod), whose names and defaults the wrapper
 * takes. The generated wrappers are type-checked against the Kernels interface.
 */
export interface Wrap {
  /** The Kernels method (default: the entry's name). */
  method?: string;
  /** When the TypeScript kernel serves the call instead (empty problems, other dtypes). */
  fallback?: string;
  /** Statements before the outputs are allocated. */
  locals?: string[];
  /** The arrays the kernel fills, allocated here: name -> expression. */
  outputs?: Record<string, string>;
  /**
   * What each argument of the entry is, where it is not the parameter or output of the same name
   * (op codes, geometries, RNN specs and bf16 have defaults: opCode, convGeometry, poolGeometry,
   * rnnSpecArray, bf16(precision)).
   */
  pass?: Record<string, string>;
  /** The call happens only when this holds (outputs are still returned). */
  when?: string;
  /** A statement run after the call, with the call's value as `result`. */
  check?: string;
  /** What the method returns (default: its one output). */
  returns?: string;
}

export interface Binding {
  doc: string;
  args: BindingArg[];
  /** C++ declarations computed after the first phase: [type, name, expression]. */
  derive?: [string, string, string][];
  /** [C++ condition, argument named in the error, message]. */
  require?: [string, string, string][];
  requireAfter?: [string, string, string][];
  /** The C++ kernel and the variables passed to it, or a C++ statement block for the rare entry that loops. */
  call: { fn: string; args: string[]; returns?: "long" } | { body: string };
  /** The Kernels method(s) this entry serves (`{}`: the same-named method, each argument its same-named parameter). */
  wrap: Wrap | Wrap[];
}

export const f32 = (name: string, size?: string, more: Partial<BindingArg & { kind: "f32" }> = {}): BindingArg => ({ kind: "f32", name, size, ...more });
export const out = (name: string, size: string, more: Partial<BindingArg & { kind: "f32" }> = {}): BindingArg => ({
  kind: "f32",
  name,
  size,
  out: true,
  ...more,
});
export const int = (name: string, min = 0, ctype?: "int" | "std::size_t"): BindingArg => ({ kind: "int", name, min, ctype });
export const act: BindingArg = { kind: "code", name: "act", table: "ACT" };
export const bf16: BindingArg = { kind: "bf16", name: "bf16" };
export const flag = (name: string): BindingArg => ({ kind: "flag", name });
export const float = (name: string): BindingArg => ({ kind: "float", name });
