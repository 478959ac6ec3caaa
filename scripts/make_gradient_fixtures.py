#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Golden vectors for the input gradient of a strided convolution (issue 14).

For each case: a weight W (C_out, C_in/groups, kH, kW) and an upstream gradient
g (N, C_out, H_out, W_out), and PyTorch's dL/dx for y = F.conv2d(x, W, ...) with
L = sum(y * g), i.e. conv2d's backward with respect to its input (autograd).
tests/analysis/test_input_gradient.cpp checks the engine's
conv2dInputGradient (analysis/InputGradient.h: a transposed convolution with
the same weight and the output_padding that restores the input size) against
them. The script also checks that claim with PyTorch itself before writing.

Needs Debian's python3-torch (1.13): run it with /usr/bin/python3 (the python3
first on PATH lacks torch):
    /usr/bin/python3 scripts/make_gradient_fixtures.py
Deterministic (fixed seeds, one thread): rerunning gives identical files. It
deletes every *.txt in tests/fixtures/gradient/ before writing.

File format `tconv-gradient 1` (one case per file, one `key values...` per line):
    tconv-gradient 1
    name <case>
    stride <h> <w>
    padding <h> <w>
    dilation <h> <w>
    groups <g>
    input <N> <C_in> <H> <W>                 # x's shape (its values do not matter)
    weight <C_out> <C_in/groups> <kH> <kW>   # PyTorch's Conv2d layout
    upstream <N> <C_out> <H_out> <W_out>     # dL/dy's shape = conv2d's output shape
    output_padding <h> <w>                   # what conv_transpose2d needs to give back H x W
    values weight <count>                    # then <count> numbers, 8 per line
    values upstream <count>
    values grad_input <count>
Numbers are float32 in C (row-major NCHW) order, written with 9 significant
digits (reads back as the same float32). W and g are uniform in [-1, 1); the
gradient is computed in float64 from those float32 values and rounded to float32.
"""
import pathlib
import sys

import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "gradient"

# name, N, C_in, C_out, (H, W), (kH, kW), stride, padding, dilation, groups
CASES = [
    ("s1_k3_p1", 1, 2, 3, (5, 6), (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ("s2_k3_p1_even", 1, 2, 2, (8, 9), (3, 3), (2, 2), (1, 1), (1, 1), 1),
    ("s2_k4_p1_odd", 1, 1, 2, (7, 9), (4, 4), (2, 2), (1, 1), (1, 1), 1),
    ("s3_k4_p2", 1, 2, 1, (10, 11), (4, 4), (3, 3), (2, 2), (1, 1), 1),
    ("s3_k2_holes", 1, 1, 1, (8, 10), (2, 2), (3, 3), (0, 0), (1, 1), 1),
    ("s2_k3_d2_p2", 1, 2, 2, (9, 12), (3, 3), (2, 2), (2, 2), (2, 2), 1),
    ("groups2_s2", 1, 4, 6, (9, 7), (3, 3), (2, 2), (1, 1), (1, 1), 2),
    ("depthwise_mixed_axes", 1, 3, 3, (11, 13), (5, 3), (2, 3), (2, 1), (1, 2), 3),
    ("batch2_s1x2_k2x4", 2, 2, 2, (6, 11), (2, 4), (1, 2), (0, 1), (1, 1), 1),
    ("s3_k3_p3_d3", 1, 1, 2, (13, 14), (3, 3), (3, 3), (3, 3), (3, 3), 1),
]


def fmt(values):
    lines = []
    vals = [format(float(v), ".9g") for v in values]
    for i in range(0, len(vals), 8):
        lines.append(" ".join(vals[i:i + 8]))
    return "\n".join(lines)


def axis_output_padding(size, out, k, s, p, d):
    return size - ((out - 1) * s - 2 * p + d * (k - 1) + 1)


def make_case(index, case):
    name, n, cin, cout, (h, w), (kh, kw), stride, padding, dilation, groups = case
    torch.manual_seed(1400 + index)
    weight = torch.rand(cout, cin // groups, kh, kw, dtype=torch.float32) * 2 - 1
    x = torch.zeros(n, cin, h, w, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x, weight.double(), None, stride, padding, dilation, groups)
    upstream = torch.rand(y.shape, dtype=torch.float32) * 2 - 1
    (y * upstream.double()).sum().backward()
    grad = x.grad.float()
    op = (axis_output_padding(h, y.shape[2], kh, stride[0], padding[0], dilation[0]),
          axis_output_padding(w, y.shape[3], kw, stride[1], padding[1], dilation[1]))
    # The engine's claim, checked with PyTorch: the same weight in conv_transpose2d with that output_padding.
    via_transpose = F.conv_transpose2d(upstream.double(), weight.double(), None, stride, padding, op, groups,
                                       dilation).float()
    if via_transpose.shape != grad.shape or not torch.allclose(via_transpose, grad, atol=1e-6):
        sys.exit(f"{name}: conv_transpose2d with output_padding {op} does not give conv2d's input gradient")
    text = [
        "tconv-gradient 1",
        f"name {name}",
        f"stride {stride[0]} {stride[1]}",
        f"padding {padding[0]} {padding[1]}",
        f"dilation {dilation[0]} {dilation[1]}",
        f"groups {groups}",
        f"input {n} {cin} {h} {w}",
        f"weight {cout} {cin // groups} {kh} {kw}",
        "upstream " + " ".join(str(v) for v in y.shape),
        f"output_padding {op[0]} {op[1]}",
        f"values weight {weight.numel()}",
        fmt(weight.flatten().tolist()),
        f"values upstream {upstream.numel()}",
        fmt(upstream.flatten().tolist()),
        f"values grad_input {grad.numel()}",
        fmt(grad.flatten().tolist()),
    ]
    (OUT / f"{index:02d}_{name}.txt").write_text("\n".join(text) + "\n")
    return op


def main():
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.txt"):
        old.unlink()
    with_padding = 0
    for i, case in enumerate(CASES):
        op = make_case(i, case)
        with_padding += op != (0, 0)
        print(f"{case[0]}: output_padding {op}")
    if with_padding < 3:
        sys.exit("fewer than 3 cases need output_padding > 0: the case list no longer covers it")


if __name__ == "__main__":
    main()
