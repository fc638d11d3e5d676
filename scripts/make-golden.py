#!/usr/bin/env python3
"""Writes test/fixtures/golden.json: PyTorch reference values and gradients for kerno's ops.

Run with Debian's PyTorch: /usr/bin/python3 scripts/make-golden.py
Layouts are converted to kerno's: NHWC inputs, HWIO kernels. Each case stores its inputs, the
upstream gradient `dy`, the forward output `y`, and the gradients of sum(y * dy).
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
cases = {}


def arr(t):
    return {"shape": list(t.shape), "data": [round(float(v), 7) for v in t.detach().reshape(-1).tolist()]}


def same_pad(size, k, s, d=1):
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def conv_case(name, x_shape, w_shape, stride, padding, dilation=1):
    x = torch.randn(*x_shape, requires_grad=True)  # NHWC
    w = torch.randn(*w_shape, requires_grad=True)  # HWIO
    xn = x.permute(0, 3, 1, 2)
    wn = w.permute(3, 2, 0, 1)
    if padding == "same":
        pt, pb = same_pad(x_shape[1], w_shape[0], stride, dilation)
        pl, pr = same_pad(x_shape[2], w_shape[1], stride, dilation)
        xn = F.pad(xn, (pl, pr, pt, pb))
    y = F.conv2d(xn, wn, stride=stride, dilation=dilation).permute(0, 2, 3, 1)
    dy = torch.randn(*y.shape)
    (y * dy).sum().backward()
    cases[name] = {"x": arr(x), "w": arr(w), "dy": arr(dy), "y": arr(y), "dx": arr(x.grad), "dw": arr(w.grad),
                   "strides": stride, "padding": padding, "dilation": dilation}


conv_case("conv2d_valid_s1", (2, 6, 7, 3), (3, 3, 3, 4), 1, "valid")
conv_case("conv2d_same_s1", (2, 6, 7, 3), (3, 3, 3, 4), 1, "same")
conv_case("conv2d_same_s2", (2, 7, 7, 3), (3, 3, 3, 4), 2, "same")
conv_case("conv2d_valid_s2", (1, 8, 9, 2), (2, 3, 2, 5), 2, "valid")
conv_case("conv2d_same_d2", (1, 7, 7, 2), (3, 3, 2, 3), 1, "same", dilation=2)
conv_case("conv2d_1x1", (2, 4, 4, 5), (1, 1, 5, 3), 1, "valid")


def pool_case(name, kind, x_shape, k, s, padding):
    x = torch.randn(*x_shape, requires_grad=True)
    xn = x.permute(0, 3, 1, 2)
    p = 0
    if padding == "same":
        pt, pb = same_pad(x_shape[1], k, s)
        assert pt == pb, "choose shapes with symmetric 'same' padding"
        p = pt
    if kind == "max":
        y = F.max_pool2d(xn, k, s, padding=p)
    else:
        y = F.avg_pool2d(xn, k, s, padding=p, count_include_pad=False)
    y = y.permute(0, 2, 3, 1)
    dy = torch.randn(*y.shape)
    (y * dy).sum().backward()
    cases[name] = {"x": arr(x), "dy": arr(dy), "y": arr(y), "dx": arr(x.grad), "poolSize": k, "strides": s, "padding": padding}


pool_case("maxpool_valid_2", "max", (2, 6, 6, 3), 2, 2, "valid")
pool_case("maxpool_same_3s2", "max", (1, 7, 7, 2), 3, 2, "same")
pool_case("avgpool_valid_2", "avg", (2, 6, 6, 3), 2, 2, "valid")
pool_case("avgpool_same_3s2", "avg", (1, 7, 7, 2), 3, 2, "same")


def matmul_case(name, a_shape, b_shape, ta=False, tb=False):
    a = torch.randn(*a_shape, requires_grad=True)
    b = torch.randn(*b_shape, requires_grad=True)
    y = torch.matmul(a.transpose(-1, -2) if ta else a, b.transpose(-1, -2) if tb else b)
    dy = torch.randn(*y.shape)
    (y * dy).sum().backward()
    cases[name] = {"a": arr(a), "b": arr(b), "dy": arr(dy), "y": arr(y), "da": arr(a.grad), "db": arr(b.grad),
                   "transposeA": ta, "transposeB": tb}


matmul_case("matmul_plain", (3, 4), (4, 5))
matmul_case("matmul_tA", (4, 3), (4, 5), ta=True)
matmul_case("matmul_tB", (3, 4), (5, 4), tb=True)
matmul_case("matmul_batch_broadcast", (2, 3, 4), (4, 5))

# softmax cross-entropy from logits, sparse and dense labels
logits = torch.randn(5, 7, requires_grad=True)
labels = torch.tensor([0, 3, 6, 2, 3])
loss = F.cross_entropy(logits, labels, reduction="none")
dy = torch.rand(5)
(loss * dy).sum().backward()
cases["sparse_softmax_ce"] = {"logits": arr(logits), "labels": labels.tolist(), "dy": arr(dy), "y": arr(loss), "dlogits": arr(logits.grad)}

logits = torch.randn(4, 6, requires_grad=True)
soft = torch.softmax(torch.randn(4, 6), dim=1)
loss = -(soft * torch.log_softmax(logits, dim=1)).sum(dim=1)
dy = torch.rand(4)
(loss * dy).sum().backward()
cases["softmax_ce"] = {"logits": arr(logits), "labels": arr(soft), "dy": arr(dy), "y": arr(loss), "dlogits": arr(logits.grad)}

logits = (torch.randn(3, 4) * 4).requires_grad_(True)
targets = torch.rand(3, 4)
loss = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
dy = torch.rand(3, 4)
(loss * dy).sum().backward()
cases["sigmoid_ce"] = {"logits": arr(logits), "labels": arr(targets), "dy": arr(dy), "y": arr(loss), "dlogits": arr(logits.grad)}

x = torch.randn(2, 5, requires_grad=True)
y = torch.softmax(x, dim=-1)
dy = torch.randn(2, 5)
(y * dy).sum().backward()
cases["softmax"] = {"x": arr(x), "dy": arr(dy), "y": arr(y), "dx": arr(x.grad)}


def resize_case(name, x_shape, size, mode):
    x = torch.randn(*x_shape, requires_grad=True)
    kwargs = {"align_corners": False} if mode == "bilinear" else {}
    y = F.interpolate(x.permute(0, 3, 1, 2), size=size, mode=mode, **kwargs).permute(0, 2, 3, 1)
    dy = torch.randn(*y.shape)
    (y * dy).sum().backward()
    cases[name] = {"x": arr(x), "dy": arr(dy), "y": arr(y), "dx": arr(x.grad), "size": list(size)}


resize_case("resize_bilinear_up", (1, 3, 4, 2), (5, 7), "bilinear")
resize_case("resize_bilinear_down", (2, 8, 6, 1), (3, 4), "bilinear")
resize_case("resize_nearest_up", (1, 3, 4, 2), (7, 6), "nearest-exact")



def rnn_case(name, kind):
    """A recurrent layer in Keras's layout (kernel [F, G*U], recurrent [U, G*U], gate order
    LSTM i,f,c,o and GRU z,r,h) checked against torch.nn.LSTM/GRU/RNN on the same weights."""
    B, T, F_, U = 2, 5, 3, 4
    x = torch.randn(B, T, F_, requires_grad=True)
    h0 = torch.randn(B, U, requires_grad=True)
    G = {"lstm": 4, "gru": 3, "simple": 1}[kind]
    kernel = (torch.randn(F_, G * U) * 0.5).requires_grad_(True)
    rec = (torch.randn(U, G * U) * 0.5).requires_grad_(True)
    bias_shape = (2, G * U) if kind == "gru" else (G * U,)
    bias = (torch.randn(*bias_shape) * 0.2).requires_grad_(True)
    if kind == "lstm":
        mod = torch.nn.LSTM(F_, U, batch_first=True)
        order = [0, 1, 2, 3]  # torch i, f, g, o == keras i, f, c, o
    elif kind == "gru":
        mod = torch.nn.GRU(F_, U, batch_first=True)
        order = [1, 0, 2]  # keras z, r, h <- torch r, z, n
    else:
        mod = torch.nn.RNN(F_, U, batch_first=True)
        order = [0]

    def to_torch(w):  # keras [in, G*U] -> torch [G*U, in] in torch's gate order
        blocks = [w[:, g * U:(g + 1) * U] for g in range(G)]
        torch_blocks = [None] * G
        for keras_g, torch_g in enumerate(order):
            torch_blocks[torch_g] = blocks[keras_g]
        return torch.cat(torch_blocks, dim=1).t()

    def bias_to_torch(b):
        blocks = [b[g * U:(g + 1) * U] for g in range(G)]
        torch_blocks = [None] * G
        for keras_g, torch_g in enumerate(order):
            torch_blocks[torch_g] = blocks[keras_g]
        return torch.cat(torch_blocks)

    with torch.no_grad():
        mod.weight_ih_l0.copy_(to_torch(kernel))
        mod.weight_hh_l0.copy_(to_torch(rec))
        if kind == "gru":
            mod.bias_ih_l0.copy_(bias_to_torch(bias[0]))
            mod.bias_hh_l0.copy_(bias_to_torch(bias[1]))
        else:
            mod.bias_ih_l0.copy_(bias_to_torch(bias))
            mod.bias_hh_l0.zero_()
    state = h0.unsqueeze(0)
    if kind == "lstm":
        c0 = torch.randn(B, U, requires_grad=True)
        state = (h0.unsqueeze(0), c0.unsqueeze(0))
    seq, last = mod(x, state)
    dseq = torch.randn(*seq.shape)
    loss = (seq * dseq).sum()
    case = {"x": arr(x), "h0": arr(h0), "kernel": arr(kernel), "recurrent": arr(rec), "bias": arr(bias), "dseq": arr(dseq)}
    if kind == "lstm":
        dc = torch.randn(B, U)
        loss = loss + (last[1][0] * dc).sum()
        case["c0"] = arr(c0)
        case["dc"] = arr(dc)
        case["c"] = arr(last[1][0])
    loss.backward()

    def from_torch(gw):  # torch [G*U, in] gradient -> keras [in, G*U]
        return torch.cat([gw[order[g] * U:(order[g] + 1) * U] for g in range(G)], dim=0).t()

    def bias_from_torch(gb):
        return torch.cat([gb[order[g] * U:(order[g] + 1) * U] for g in range(G)])

    dbias = torch.stack([bias_from_torch(mod.bias_ih_l0.grad), bias_from_torch(mod.bias_hh_l0.grad)]) if kind == "gru" \
        else bias_from_torch(mod.bias_ih_l0.grad)
    case.update({"seq": arr(seq), "dx": arr(x.grad), "dh0": arr(h0.grad), "dkernel": arr(from_torch(mod.weight_ih_l0.grad)),
                 "drecurrent": arr(from_torch(mod.weight_hh_l0.grad)), "dbias": arr(dbias)})
    if kind == "lstm":
        case["dc0"] = arr(c0.grad)
    cases[name] = case


rnn_case("lstm", "lstm")
rnn_case("gru", "gru")
rnn_case("simple_rnn", "simple")

out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "golden.json")
with open(out + ".tmp", "w") as f:
    json.dump({"generator": f"scripts/make-golden.py, torch {torch.__version__}", "cases": cases}, f, separators=(",", ":"))
os.replace(out + ".tmp", out)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
