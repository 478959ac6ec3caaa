#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generates the PyTorch golden .npy files of `tconv apply` (issue 13's I/O):
batches, both layouts and --bias FILE.npy, in tests/fixtures/golden/apply_npy/.

Run with Debian's python3-torch (the python3 first on PATH may lack torch):

    /usr/bin/python3 tests/generate_golden_npy.py

Deterministic (torch.manual_seed, one intra-op thread): two runs give
byte-identical files. Each case writes, with np.save (format 1.0, '<f4', C order):
  <case>_weight.npy    the ConvTranspose2d weight (C_in, C_out/groups, kH, kW),
                       or a 2-D (kH, kW) kernel for the depthwise case
  <case>_bias.npy      the bias, shape (C_out,)
  <case>_nchw_input.npy / <case>_nchw_expected.npy   PyTorch's own layout
  <case>_nhwc_input.npy / <case>_nhwc_expected.npy   the same values, channels last
Inputs, weights and biases are float32 drawn uniformly from [-1, 1); the expected
output is torch.nn.functional.conv_transpose2d in float64 on those exact float32
values, rounded to float32. tests/cli/test_cli_output_size.cpp runs tconv apply on
them (tolerance 1e-5 relative to max|expected|). The parameters of each case are
repeated in that test; keep the two lists in step.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "golden", "apply_npy")

# name, input shape (N, C_in, H, W) (N None: a single (C, H, W) tensor), C_out, kernel, stride, padding,
# output_padding, groups, depthwise 2-D kernel file
CASES = [
    # A batch of two through a full channel-mixing weight: tconv apply --kernel W.npy --stride 2 --padding 1
    # --output-padding 1 --bias B.npy, in both layouts.
    dict(name="batch2_full", shape=(2, 3, 4, 5), cout=2, k=3, s=2, p=1, op=1, g=1, depthwise=False),
    # One PyTorch (C, H, W) tensor: --layout nchw without a batch axis (k4 s2 p1, the DCGAN layer).
    dict(name="chw_full", shape=(None, 2, 3, 4), cout=3, k=4, s=2, p=1, op=0, g=1, depthwise=False),
    # tconv's image case: a 2-D kernel applied to each channel (groups = C) with a per-channel bias file.
    dict(name="batch3_depthwise", shape=(3, 3, 3, 4), cout=3, k=2, s=2, p=0, op=0, g=3, depthwise=True),
]


def uniform(*shape):
    return (torch.rand(*shape, dtype=torch.float32) * 2 - 1).numpy()


def save(name, array):
    np.save(os.path.join(OUT_DIR, name), np.ascontiguousarray(array, dtype="<f4"))


def run(c):
    n, cin, h, w = c["shape"]
    x = uniform(n if n is not None else 1, cin, h, w)
    if c["depthwise"]:
        kernel = uniform(c["k"], c["k"])
        weight = np.repeat(kernel[None, None], cin, axis=0)  # (C, 1, k, k): groups = C
    else:
        weight = uniform(cin, c["cout"] // c["g"], c["k"], c["k"])
    bias = uniform(c["cout"])
    y = F.conv_transpose2d(torch.from_numpy(x).double(), torch.from_numpy(weight).double(),
                           torch.from_numpy(bias).double(), stride=c["s"], padding=c["p"],
                           output_padding=c["op"], groups=c["g"]).float().numpy()
    if n is None:  # a single (C, H, W) tensor and its (C_out, H_out, W_out) result
        x, y = x[0], y[0]
    save(c["name"] + "_weight.npy", kernel if c["depthwise"] else weight)
    save(c["name"] + "_bias.npy", bias)
    save(c["name"] + "_nchw_input.npy", x)
    save(c["name"] + "_nchw_expected.npy", y)
    if n is not None:
        save(c["name"] + "_nhwc_input.npy", x.transpose(0, 2, 3, 1))
        save(c["name"] + "_nhwc_expected.npy", y.transpose(0, 2, 3, 1))


def main():
    torch.manual_seed(20261130)
    torch.set_num_threads(1)  # one summation order, so reruns are byte-identical
    os.makedirs(OUT_DIR, exist_ok=True)
    for old in os.listdir(OUT_DIR):
        if old.endswith(".npy"):
            os.remove(os.path.join(OUT_DIR, old))
    for c in CASES:
        run(c)
    files = sorted(f for f in os.listdir(OUT_DIR) if f.endswith(".npy"))
    total = sum(os.path.getsize(os.path.join(OUT_DIR, f)) for f in files)
    print("generate_golden_npy: %d cases, %d files, %d bytes in %s" % (len(CASES), len(files), total, OUT_DIR))


if __name__ == "__main__":
    main()
