"""Writes test/fixtures/pillow-resize.json: Pillow's Image.resize(BILINEAR) on small patterned
images, the reference that src/data/pillow-resize.ts must match byte for byte.

    apt-get install -y python3-pil && /usr/bin/python3 scripts/make-pillow-golden.py
"""
import json
import os

import PIL
from PIL import Image


def pattern(h, w, c):
    return bytes((y * 37 + x * 11 + k * 101 + (x * y) % 7 * 19) % 256 for y in range(h) for x in range(w) for k in range(c))


cases = []
for (h, w, c, out_h, out_w) in [(9, 13, 3, 4, 5), (9, 13, 3, 17, 20), (9, 13, 3, 9, 4), (9, 13, 1, 3, 9), (40, 31, 3, 7, 6), (5, 5, 3, 5, 5)]:
    src = pattern(h, w, c)
    mode = "RGB" if c == 3 else "L"
    img = Image.frombytes(mode, (w, h), src)
    out = img.resize((out_w, out_h), Image.BILINEAR).tobytes()
    cases.append({"h": h, "w": w, "c": c, "outH": out_h, "outW": out_w, "input": list(src), "output": list(out)})

path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "pillow-resize.json")
with open(path, "w") as f:
    json.dump({"pillow": PIL.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {path} (Pillow {PIL.__version__})")
