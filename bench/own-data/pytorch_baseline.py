"""A plain PyTorch CNN on the split a `kerno train --images` run used (issue 26's baseline).

4 conv blocks (3x3 convolutions of 32, 64, 128, 128 filters, "same" padding, ReLU, 2x2 max
pooling), global max pooling, a linear classifier; Adam 1e-3, batch 32, random horizontal flips,
60 epochs, no early stopping. The photos are the ones kerno's run folder lists in split.json
(written by every `kerno train --images` run): it trains on kerno's training photos (not the
validation ones, which kerno only uses to stop early) and scores on kerno's test photos (or on
the validation photos when the folder has no test split, as kerno does). Each photo is read as
kerno reads it: resized (bilinear, aspect not kept) to kerno's input size, gray or RGB as kerno
chose; files that do not decode are skipped.

    python3 bench/own-data/pytorch_baseline.py RUN_DIR/split.json [--epochs 60] [--seed 1] [--threads 2]

Prints one JSON line: folder, test accuracy, last-epoch training accuracy, seconds.
"""

import argparse
import json
import os
import time

import numpy as np
import torch
from PIL import Image
from torch import nn


def load(entries, size, gray):
    xs, ys, skipped = [], [], 0
    h, w = size
    for e in entries:
        try:
            with Image.open(e["file"]) as im:
                im = im.convert("L" if gray else "RGB").resize((w, h), Image.BILINEAR)
                a = np.asarray(im, dtype=np.float32)
        except Exception:  # a corrupt photo: skipped, as kerno skips it
            skipped += 1
            continue
        xs.append(a[:, :, None] if gray else a)
        ys.append(e["label"])
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous() / 255.0
    return x, torch.tensor(ys, dtype=torch.long), skipped


def network(channels, classes):
    layers, c = [], channels
    for f in (32, 64, 128, 128):
        layers += [nn.Conv2d(c, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        c = f
    return nn.Sequential(*layers, nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(c, classes))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("split")
    p.add_argument("--epochs", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    split = json.load(open(a.split))
    gray = split["colorMode"] == "grayscale"
    size = split["imageSize"]
    started = time.time()
    x, y, skipped = load(split["train"], size, gray)
    scored = split["test"] if split["test"] is not None else split["validation"]
    tx, ty, _ = load(scored, size, gray)
    model = network(x.shape[1], len(split["classNames"]))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(a.seed)
    train_acc = 0.0
    for _ in range(a.epochs):
        model.train()
        order = torch.randperm(len(y), generator=g)
        correct = 0
        for s in range(0, len(y), a.batch_size):
            idx = order[s : s + a.batch_size]
            xb, yb = x[idx], y[idx]
            flip = torch.rand(len(idx), generator=g) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (out.argmax(1) == yb).sum().item()
        train_acc = correct / len(y)
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(tx[s : s + 256]).argmax(1) for s in range(0, len(ty), 256)])
    acc = (pred == ty).float().mean().item()
    print(
        json.dumps(
            {
                "folder": os.path.basename(split["root"]),
                "on": "test" if split["test"] is not None else "validation",
                "accuracy": round(acc, 4),
                "trainAccuracyLast": round(train_acc, 4),
                "train": len(y),
                "scored": len(ty),
                "skipped": skipped,
                "size": "x".join(map(str, size)),
                "colorMode": split["colorMode"],
                "epochs": a.epochs,
                "seconds": round(time.time() - started),
            }
        )
    )


if __name__ == "__main__":
    main()
