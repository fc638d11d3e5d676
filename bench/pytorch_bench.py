#!/usr/bin/env python3
"""PyTorch side of `npm run bench`: the same workloads, shapes, batch sizes and optimizers as
kerno's, on random data, warm-up excluded. Prints one JSON object per line:
{"workload", "metric", "value", "threads", "peakRssMb"}, and "flushDenormal" on the rows that take
two readings (training loops on random data, where values drift into denormals: the training rows of
mnist-cnn, mnist-dense, cats-vs-dogs-cnn and mixed-bfloat16, the lstm epochs and filter-viz): one as
PyTorch runs by default and one with torch.set_flush_denormal(True), the better kept and
flushDenormal saying whether it was the flushed one.

Usage: /usr/bin/python3 bench/pytorch_bench.py <workload> <threads> [seconds]
       /usr/bin/python3 bench/pytorch_bench.py export-onnx <mnist-cnn|vgg16> <out.onnx>
(the second form writes the workload's model, random weights, batch axis dynamic, for the ONNX
Runtime column)
"""
import contextlib
import json
import resource
import sys
import time

T_START = time.time()  # the course run's wall clock includes loading torch, as kerno's includes loading Node

import torch
import torch.nn as nn
import torch.nn.functional as F

from pytorch_measure import TREE_PEAK_MB, tree_memory, two_readings

workload = sys.argv[1]
threads = int(sys.argv[2]) if workload != "export-onnx" else 1
seconds = float(sys.argv[3]) if len(sys.argv) > 3 and workload != "export-onnx" else 3.0
torch.set_num_threads(threads)
torch.manual_seed(0)


def emit(metric, value, flushed=None):
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, TREE_PEAK_MB[0])
    row = {"workload": workload, "metric": metric, "value": value, "threads": threads, "peakRssMb": rss}
    if flushed is not None:
        row["flushDenormal"] = flushed
    print(json.dumps(row), flush=True)


def timed(step, min_steps=3):
    step()  # warm-up
    step()
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or n < min_steps:
        step()
        n += 1
    return n, time.perf_counter() - start


def best_layout(run):
    """Convolution workloads run NCHW (PyTorch's default) and channels_last (NHWC, as kerno and Keras
    lay images out); the faster counts, so that PyTorch is not compared at its slower layout."""
    return max(run(torch.contiguous_format), run(torch.channels_last))


def inference_images_per_s(model, x):
    """Images per second of model(x) without gradients, at the faster layout."""
    def run(layout):
        m, xl = model.to(memory_format=layout), x.to(memory_format=layout)
        with torch.no_grad():
            steps, dt = timed(lambda: m(xl), min_steps=2)
        return steps * x.shape[0] / dt
    return best_layout(run)


def sgemm():
    for n in (1024, 2048):
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        c = torch.empty(n, n)
        steps, dt = timed(lambda: torch.mm(a, b, out=c))
        emit(f"{n}^3", 2 * n ** 3 * steps / dt / 1e9)


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3)
        self.c2 = nn.Conv2d(32, 64, 3)
        self.c3 = nn.Conv2d(64, 128, 3)
        self.fc = nn.Linear(1152, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.c3(x))
        return self.fc(torch.flatten(x, 1))


def train_images_per_s(model, x, y, loss_fn, opt, batch):
    """A training loop over a pool of distinct batches, reshuffled every pass (as kerno's fit runs)."""
    n = x.shape[0]
    state = {"order": torch.randperm(n), "i": 0}

    def step():
        if state["i"] + batch > n:
            state["order"], state["i"] = torch.randperm(n), 0
        j = state["order"][state["i"]:state["i"] + batch]
        state["i"] += batch
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[j]), y[j])
        loss.backward()
        opt.step()
    steps, dt = timed(step)
    return steps * batch / dt


def rmsprop(model):
    # Keras RMSprop defaults: lr 1e-3, rho 0.9, eps 1e-7
    return torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)


def trained_rate(make_model, x, y, batch):
    """train_images_per_s of a fresh model with RMSprop, in two readings (two_readings); the model of the last reading in held[0]."""
    held = [None]

    def run():
        held[0] = make_model()
        return train_images_per_s(held[0], x, y, nn.CrossEntropyLoss(), rmsprop(held[0]), batch)
    return two_readings(run), held


def mnist_cnn():
    x = torch.randn(3840, 1, 28, 28)
    y = torch.randint(0, 10, (3840,))
    (rate, flushed), held = trained_rate(MnistCnn, x, y, 64)
    # PyTorch has no fit: its loop is both the fit and the kernel comparison
    emit("training (fit)", rate, flushed)
    emit("training (kernel)", rate, flushed)
    model = held[0].eval()
    for metric, n in (("inference", 64), ("inference, batch 1024", 1024)):
        emit(metric, inference_images_per_s(model, x[:n]))


def mnist_dense():
    x = torch.randn(3840, 28, 28)
    y = torch.randint(0, 10, (3840,))
    (rate, flushed), _ = trained_rate(lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10)), x, y, 32)
    emit("training (fit)", rate, flushed)
    emit("training (kernel)", rate, flushed)


def course_mnist_cnn():
    """The whole `kerno train mnist-cnn` run in PyTorch: real MNIST, 5 epochs, batch 64, RMSprop,
    test-set validation after each epoch; wall clock from the start of this process."""
    import gzip
    import os
    import numpy as np
    d = os.path.join(os.environ.get("KERNO_DATA_DIR", "../shared/datasets"), "mnist")

    def idx(name):
        b = gzip.open(os.path.join(d, name)).read()
        nd = b[3]
        dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
        return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)
    xtr = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).div_(255).unsqueeze(1)
    ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32).div_(255).unsqueeze(1)
    yte = torch.tensor(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))
    m = MnistCnn()
    opt, lf = rmsprop(m), nn.CrossEntropyLoss()
    for _ in range(5):
        perm = torch.randperm(60000)
        m.train()
        for i in range(0, 60000, 64):
            j = perm[i:i + 64]
            opt.zero_grad()
            lf(m(xtr[j]), ytr[j]).backward()
            opt.step()
        m.eval()
        with torch.no_grad():
            acc = sum((m(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, 10000, 1000)) / 10000
    emit("5 epochs, wall", time.time() - T_START)
    emit("test accuracy", 100 * acc)


class Recurrent(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.rnn = nn.LSTM(6, 16, batch_first=True) if kind == "lstm" else nn.RNN(6, 16, batch_first=True)
        self.fc = nn.Linear(16, 24)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out[:, -1])


LSTM_WARMUP_EPOCHS = 5


def lstm():
    samples, batch = 11184, 32
    x = torch.randn(samples, 1, 6)
    y = torch.randn(samples, 24)
    def seconds_per_epoch(kind):
        model = Recurrent(kind)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = nn.MSELoss()

        def epoch():
            for i in range(0, samples, batch):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(x[i:i + batch]), y[i:i + batch])
                loss.backward()
                opt.step()
        for _ in range(LSTM_WARMUP_EPOCHS):  # as kerno's side (bench/workloads/kernels.ts)
            epoch()
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            epoch()
            runs.append(time.perf_counter() - start)
        return min(runs)
    for kind, label in (("lstm", "LSTM(16)"), ("rnn", "SimpleRNN(16)")):
        emit(f"{label} epoch", *two_readings(lambda: seconds_per_epoch(kind), higher_is_better=False))


def vgg16_base():
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    layers, c = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            c = v
    model = nn.Sequential(*layers).eval()
    assert sum(p.numel() for p in model.parameters()) == 14714688
    return model


def vgg16():
    emit("inference", inference_images_per_s(vgg16_base(), torch.randn(8, 3, 224, 224)))


def cpu_has_bf16():
    try:
        with open("/proc/cpuinfo") as f:
            return "avx512_bf16" in f.read().split()
    except OSError:
        return False


def mixed_bfloat16():
    # the same models in float32 and under CPU autocast to bfloat16 (PyTorch's mixed precision)
    images = torch.randn(3840, 1, 28, 28)
    labels = torch.randint(0, 10, (3840,))
    for policy in ("float32", "mixed_bfloat16"):
        if policy == "mixed_bfloat16" and not cpu_has_bf16():
            # without AVX512_BF16 kerno refuses the policy (nothing to compare), and autocast
            # emulates bfloat16 at a crawl (over 10 minutes for these two rows on a Zen 3)
            emit(f"VGG16 inference, {policy}", None)
            emit(f"MNIST CNN training (fit), {policy}", None)
            continue
        ctx = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if policy == "mixed_bfloat16" else contextlib.nullcontext
        with ctx():
            emit(f"VGG16 inference, {policy}", inference_images_per_s(vgg16_base(), torch.randn(8, 3, 224, 224)))
            (rate, flushed), _ = trained_rate(MnistCnn, images, labels, 64)
            emit(f"MNIST CNN training (fit), {policy}", rate, flushed)


def export_onnx(name, out):
    model, shape = {"mnist-cnn": (MnistCnn(), (1, 28, 28)), "vgg16": (vgg16_base(), (3, 224, 224))}[name]
    torch.onnx.export(model.eval(), torch.randn(1, *shape), out, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=13)


class Rescale(nn.Module):
    def forward(self, x):
        return x * (1.0 / 255)


def cats_vs_dogs():
    # the course's first cats-vs-dogs network at 180x180, batch 32, RMSprop, binary cross-entropy
    def run(layout):
        model = nn.Sequential(
            Rescale(), nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3), nn.ReLU(), nn.Flatten(), nn.Linear(215168, 1)).to(memory_format=layout)
        opt = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        loss_fn = nn.BCEWithLogitsLoss()
        # three distinct batches, as kerno's fit sees them
        xs = [(torch.rand(32, 3, 180, 180) * 255).to(memory_format=layout) for _ in range(3)]
        ys = [torch.tensor([[float(i % 2)] for i in range(32)]) for _ in range(3)]
        state = {"i": 0}

        def step():
            i = state["i"] % 3
            state["i"] += 1
            opt.zero_grad(set_to_none=True)
            loss_fn(model(xs[i]), ys[i]).backward()
            opt.step()
        steps, dt = timed(step)
        return steps * 32 / dt
    emit("training (fit)", *two_readings(lambda: best_layout(run)))


def image_folder():
    import os
    root = os.path.join(os.environ.get("KERNO_DATA_DIR", "../shared/datasets"), "cats_and_dogs_small", "train")
    start = time.perf_counter()
    try:
        from torchvision import datasets, transforms
        ds = datasets.ImageFolder(root, transform=transforms.Compose([transforms.Resize((180, 180)), transforms.ToTensor()]))
        loader = torch.utils.data.DataLoader(ds, batch_size=32, num_workers=threads)
        with tree_memory():  # the workers' memory too
            n = sum(x.shape[0] for x, _ in loader)
    except ImportError:
        # no torchvision: PIL decoding and bilinear resizing in this process
        from PIL import Image
        n = 0
        for cls in sorted(os.listdir(root)):
            for f in sorted(os.listdir(os.path.join(root, cls))):
                with Image.open(os.path.join(root, cls, f)) as im:
                    torch.frombuffer(bytearray(im.convert("RGB").resize((180, 180), Image.BILINEAR).tobytes()), dtype=torch.uint8)
                n += 1
    emit("decode + resize", n / (time.perf_counter() - start))


def tiny_darknet_base():
    """Tiny Darknet up to leaky_re_lu_15 (917,488 parameters), in inference mode."""
    def block(cin, cout, k):
        return [nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout, eps=1e-3), nn.LeakyReLU(0.1)]
    layers = block(3, 16, 3) + [nn.MaxPool2d(2)] + block(16, 32, 3) + [nn.MaxPool2d(2)]
    layers += block(32, 16, 1) + block(16, 128, 3) + block(128, 16, 1) + block(16, 128, 3) + [nn.MaxPool2d(2)]
    layers += block(128, 32, 1) + block(32, 256, 3) + block(256, 32, 1) + block(32, 256, 3) + [nn.MaxPool2d(2)]
    layers += block(256, 64, 1) + block(64, 512, 3) + block(512, 64, 1) + block(64, 512, 3) + block(512, 128, 1)
    return nn.Sequential(*layers).eval()


def tiny_darknet():
    # Tiny Darknet up to leaky_re_lu_15 (917,488 parameters), inference on 32 images of 224x224
    model = tiny_darknet_base()
    assert sum(p.numel() for p in model.parameters()) + sum(b.numel() for n, b in model.named_buffers() if "running" in n) == 917488
    emit("feature extraction", inference_images_per_s(model, torch.rand(32, 3, 224, 224)))


def one_pixel():
    """Differential evolution as kerno runs it: population 400, F 0.5, no crossover, 100
    generations (no early stop), each generation one batched forward pass of the MNIST CNN."""
    model = MnistCnn().eval()
    image = torch.rand(1, 28, 28)
    pop_size, gens = 400, 100

    def evaluate(pop):
        xs = image.repeat(pop.shape[0], 1, 1, 1)
        idx = torch.arange(pop.shape[0])
        xs[idx, 0, pop[:, 1].round().long(), pop[:, 0].round().long()] = pop[:, 2]
        with torch.no_grad():
            return torch.softmax(model(xs), 1)[:, 3]

    def run(generations):
        lo, hi = torch.tensor([0.0, 0.0, 0.0]), torch.tensor([27.0, 27.0, 1.0])
        pop = torch.rand(pop_size, 3) * hi
        fit = evaluate(pop)
        for _ in range(generations):
            r = torch.stack([torch.randperm(pop_size)[:3] for _ in range(pop_size)])
            mutant = torch.clamp(pop[r[:, 0]] + 0.5 * (pop[r[:, 1]] - pop[r[:, 2]]), lo, hi)
            mfit = evaluate(mutant)
            better = mfit <= fit
            pop[better], fit[better] = mutant[better], mfit[better]
    run(2)
    start = time.perf_counter()
    run(gens)
    emit("100 generations x 400", time.perf_counter() - start)


def filter_viz():
    """Graetz's filter visualization on Tiny Darknet's base (random weights: the same arithmetic),
    as kerno runs it: sizes 56, 67, ... capped at 224 (9 scales), 20 Adam steps of 0.5 each with the
    pixels kept inside their range after every step, 3x3 blur between."""
    model = tiny_darknet_base()
    for p in model.parameters():
        p.requires_grad_(False)
    sizes, s = [], 56
    for _ in range(12):
        if not sizes or sizes[-1] != min(s, 224):
            sizes.append(min(s, 224))
        s = round(s * 1.2)

    def run(steps):
        img = torch.rand(1, 3, sizes[0], sizes[0])
        for i, size in enumerate(sizes):
            if i > 0:
                img = F.avg_pool2d(F.interpolate(img, size=(size, size), mode="bilinear", align_corners=False), 3, 1, 1, count_include_pad=False)
            z = img.clone().requires_grad_(True)
            opt = torch.optim.Adam([z], lr=0.5, weight_decay=1e-6)
            for _ in range(steps):
                opt.zero_grad()
                (-model(z)[0, 0].mean()).backward()
                opt.step()
                with torch.no_grad():
                    z.clamp_(0, 1)
            img = z.detach()
    def timed_run():
        run(1)
        start = time.perf_counter()
        run(20)
        return time.perf_counter() - start
    emit("one filter, 56 to 224", *two_readings(timed_run, higher_is_better=False))


if workload == "export-onnx":
    export_onnx(sys.argv[2], sys.argv[3])
    sys.exit(0)

{"sgemm": sgemm, "mnist-cnn": mnist_cnn, "mnist-dense": mnist_dense, "course-mnist-cnn": course_mnist_cnn, "lstm": lstm, "vgg16": vgg16, "mixed-bfloat16": mixed_bfloat16,
 "cats-vs-dogs-cnn": cats_vs_dogs, "image-folder": image_folder, "tiny-darknet": tiny_darknet,
 "one-pixel": one_pixel, "filter-viz": filter_viz}[workload]()
