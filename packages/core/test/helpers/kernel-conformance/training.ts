/** The conformance suite's cases for softmax and the losses, recurrent cells, optimizers (kernel-conformance.ts). */
import assert from "node:assert/strict";
import { type Kernels, RNN_KINDS } from "../../../src/backends/kernels.js";
import { close, js, optimizerRun, RNN_SIZES, randArray, rnnCase, SOFTMAX_SHAPES } from "../kernel-cases.js";
import type { Case } from "./cases.js";

export const TRAINING_CASES = {
  softmax(n) {
    const x = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) close(n.softmax(x, o, m, i), js.softmax(x, o, m, i), "softmax");
  },
  logSoftmax(n) {
    const x = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) close(n.logSoftmax(x, o, m, i), js.logSoftmax(x, o, m, i), "logSoftmax", 1e-5, 1e-5);
  },
  softmaxGrad(n) {
    const x = randArray(255),
      dy = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) {
      const y = js.softmax(x, o, m, i);
      close(n.softmaxGrad(dy, y, o, m, i), js.softmaxGrad(dy, y, o, m, i), "softmaxGrad", 1e-4);
    }
  },
  logSoftmaxGrad(n) {
    const x = randArray(255),
      dy = randArray(255);
    for (const [o, m, i] of SOFTMAX_SHAPES) {
      const y = js.logSoftmax(x, o, m, i);
      close(n.logSoftmaxGrad(dy, y, o, m, i), js.logSoftmaxGrad(dy, y, o, m, i), "logSoftmaxGrad", 1e-4, 1e-5);
    }
  },
  softmaxCrossEntropy(n) {
    const logits = randArray(90, -4, 4),
      soft = randArray(90, 0, 1);
    const got = n.softmaxCrossEntropy(logits, soft, 9, 10),
      want = js.softmaxCrossEntropy(logits, soft, 9, 10);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
  },
  sparseSoftmaxCrossEntropy(n) {
    const logits = randArray(90, -4, 4),
      labels = Int32Array.from({ length: 9 }, (_, i) => i % 10);
    const got = n.sparseSoftmaxCrossEntropy(logits, labels, 9, 10),
      want = js.sparseSoftmaxCrossEntropy(logits, labels, 9, 10);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
    assert.throws(() => n.sparseSoftmaxCrossEntropy(logits, Int32Array.of(0, 10, 0, 0, 0, 0, 0, 0, 0), 9, 10), /label 10 at row 1 is outside \[0, 10\)/);
  },
  sigmoidCrossEntropy(n) {
    const logits = randArray(90, -4, 4),
      soft = randArray(90, 0, 1);
    const got = n.sigmoidCrossEntropy(logits, soft),
      want = js.sigmoidCrossEntropy(logits, soft);
    close(got.loss, want.loss, "loss", 1e-5, 1e-5);
    close(got.dlogits, want.dlogits, "dlogits");
  },
  rnnForward(n) {
    for (const kind of RNN_KINDS)
      for (const dims of RNN_SIZES) {
        const c = rnnCase(kind, dims);
        const a = n.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask),
          b = js.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask);
        close(a.hs, b.hs, `${kind} hs`, 1e-4, 1e-5);
        if (b.cs) close(a.cs!, b.cs, `${kind} cs`, 1e-4, 1e-5);
      }
  },
  rnnBackward(n) {
    for (const kind of RNN_KINDS)
      for (const dims of RNN_SIZES) {
        const c = rnnCase(kind, dims);
        const a = n.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask),
          b = js.rnnForward(c.spec, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask);
        const dhs = randArray(a.hs.length),
          dcT = kind === "lstm" ? randArray(c.h0.length) : null;
        const ga = n.rnnBackward(c.spec, dhs, dcT, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask, a);
        const gb = js.rnnBackward(c.spec, dhs, dcT, c.x, c.W, c.R, c.bias, c.h0, c.c0, c.mask, c.recMask, b);
        for (const key of ["dx", "dW", "dR", "db", "dh0", "dc0"] as const) if (gb[key]) close(ga[key]!, gb[key]!, `${kind} ${key}`, 1e-3, 1e-4);
      }
  },
  sgdUpdate(n) {
    close(optimizerRun(n, "sgd"), optimizerRun(js, "sgd"), "sgd", 1e-5, 1e-5);
  },
  rmspropUpdate(n) {
    close(optimizerRun(n, "rmsprop"), optimizerRun(js, "rmsprop"), "rmsprop", 1e-5, 1e-5);
  },
  adamUpdate(n) {
    close(optimizerRun(n, "adam"), optimizerRun(js, "adam"), "adam", 1e-5, 1e-5);
  },
} satisfies Partial<Record<keyof Kernels, Case>>;
