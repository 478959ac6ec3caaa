#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Helper of scripts/batch_benchmark.sh (run with Debian's /usr/bin/python3,
which has python3-opencv and python3-torch).

  gen DIR COUNT [SEED]   write COUNT test images (sizes around 512x512, PNG and
                         JPEG alternating, 3-channel 8-bit) into DIR
  torch IN_DIR OUT_DIR   the obvious Python alternative to `tconv batch`: OpenCV
                         for I/O and PyTorch's conv_transpose2d (bilinear k4 s2 p1,
                         depthwise), one image after another; prints the seconds
  compare A_DIR B_DIR    largest 8-bit difference between same-named images
"""
import os
import sys
import time

import cv2
import numpy as np


def generate(out_dir, count, seed=1):
    rng = np.random.default_rng(seed)
    os.makedirs(out_dir, exist_ok=True)
    for i in range(count):
        h = int(rng.integers(448, 577))
        w = int(rng.integers(448, 577))
        # Smooth colour gradients, a few shapes and mild noise: compresses like
        # a photo rather than like pure noise (which would make PNG I/O dominate).
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        img = np.empty((h, w, 3), np.float32)
        for c in range(3):
            fy, fx, ph = rng.uniform(0.005, 0.03, 2).tolist() + [rng.uniform(0, 6.28)]
            img[..., c] = 127 + 100 * np.sin(fy * y + ph) * np.cos(fx * x)
        for _ in range(4):
            cy, cx, r = int(rng.integers(0, h)), int(rng.integers(0, w)), int(rng.integers(20, 90))
            cv2.circle(img, (cx, cy), r, rng.uniform(0, 255, 3).tolist(), -1)
        img += rng.normal(0, 4, img.shape).astype(np.float32)
        img = np.clip(img, 0, 255).astype(np.uint8)
        ext = ".png" if i % 2 == 0 else ".jpg"
        cv2.imwrite(os.path.join(out_dir, "img%04d%s" % (i, ext)), img)


def bilinear_weight(channels):
    import torch
    t = torch.tensor([0.25, 0.75, 0.75, 0.25])  # the 2s tent for s=2, sum 2 per axis
    k = torch.outer(t, t)                          # sums to sH*sW = 4
    return k.expand(channels, 1, 4, 4).contiguous()


def torch_batch(in_dir, out_dir):
    import torch
    import torch.nn.functional as F
    os.makedirs(out_dir, exist_ok=True)
    names = sorted(n for n in os.listdir(in_dir) if n.lower().endswith((".png", ".jpg", ".jpeg")))
    weights = {}
    start = time.perf_counter()
    with torch.no_grad():
        for name in names:
            img = cv2.imread(os.path.join(in_dir, name), cv2.IMREAD_UNCHANGED)
            if img.ndim == 2:
                img = img[:, :, None]
            c = img.shape[2]
            if c not in weights:
                weights[c] = bilinear_weight(c)
            x = torch.from_numpy(img.astype(np.float32) / 255.0).permute(2, 0, 1).unsqueeze(0)
            y = F.conv_transpose2d(x, weights[c], stride=2, padding=1, groups=c)
            out = (y.squeeze(0).permute(1, 2, 0).clamp(0, 1) * 255.0).round().to(torch.uint8).numpy()
            cv2.imwrite(os.path.join(out_dir, name), out)
    print("%.3f" % (time.perf_counter() - start))


def compare(a_dir, b_dir):
    worst = 0
    for name in sorted(os.listdir(a_dir)):
        a = cv2.imread(os.path.join(a_dir, name), cv2.IMREAD_UNCHANGED)
        b = cv2.imread(os.path.join(b_dir, name), cv2.IMREAD_UNCHANGED)
        if a is None or b is None or a.shape != b.shape:
            print("mismatch: %s" % name)
            return 1
        if name.lower().endswith(".png"):  # lossless: the results themselves
            worst = max(worst, int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max()))
    print(worst)
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "gen":
        generate(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    elif cmd == "torch":
        torch_batch(sys.argv[2], sys.argv[3])
    elif cmd == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        print(__doc__)
        sys.exit(2)
