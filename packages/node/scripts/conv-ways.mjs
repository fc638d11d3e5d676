// Every value of KERNO_CONV that native/conv.cc accepts, each a way of running convolutions that
// the test runner exercises on its own; test/backends/native/conv-ways.test.ts checks the two agree.
export const CONV_WAYS = ["gemm", "indirect", "direct", "f2", "f4", "f2p", "f4p"];
