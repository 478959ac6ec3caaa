#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes tests/deconvnet/fixtures/conv2d_golden.txt: golden vectors of
PyTorch's F.conv2d (the forward convolution of core/Conv2d.h) for
test_deconvnet, and cases PyTorch refuses.

Run with Debian's python3-torch (the python3 first on PATH may lack torch):

    /usr/bin/python3 tests/deconvnet/generate_conv2d_golden.py

Deterministic (torch.manual_seed, one thread, a fixed list of cases). Values
are float32 drawn uniformly from [-1, 1); the output is computed in float64
on those exact float32 values and rounded to float32. Format, one case per
block of lines:
    case NAME N C_in H W C_out kH kW sH sW pH pW dH dW groups has_bias
    input <N*C_in*H*W values>
    weight <C_out*(C_in/groups)*kH*kW values>
    bias <C_out values>            (only when has_bias is 1)
    output H_out W_out <N*C_out*H_out*W_out values>
or, for a refused case, "reject" and the same fields (the last one being
the weight's dimension 1, C_in/groups, instead of has_bias) followed by
"message <PyTorch's message>" (PyTorch 1.13 prints one weight size as
"[[3, 2, 3, 3]]"; the test reads doubled brackets as single ones).
"""
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "conv2d_golden.txt")

# name, n, cin, (h, w), cout, (kh, kw), (sh, sw), (ph, pw), (dh, dw), groups, bias
CASES = [
    ("basic_k3", 1, 1, (5, 5), 1, (3, 3), (1, 1), (0, 0), (1, 1), 1, False),
    ("pad1_bias", 1, 2, (6, 5), 3, (3, 3), (1, 1), (1, 1), (1, 1), 1, True),
    ("stride2", 1, 1, (9, 8), 2, (3, 3), (2, 2), (1, 1), (1, 1), 1, True),
    ("stride_per_axis", 2, 2, (7, 9), 2, (3, 2), (2, 3), (1, 0), (1, 1), 1, False),
    ("dilation2", 1, 1, (9, 9), 1, (3, 3), (1, 1), (2, 2), (2, 2), 1, False),
    ("dilation_per_axis", 1, 3, (8, 10), 2, (2, 3), (1, 2), (0, 1), (3, 1), 1, True),
    ("groups2", 1, 4, (6, 6), 4, (3, 3), (1, 1), (1, 1), (1, 1), 2, True),
    ("depthwise", 1, 3, (7, 6), 3, (3, 3), (1, 1), (1, 1), (1, 1), 3, False),
    ("groups_mult", 2, 2, (5, 7), 6, (2, 2), (1, 1), (0, 1), (1, 1), 2, True),
    ("full_pad_deconvnet", 1, 1, (6, 7), 4, (3, 3), (1, 1), (2, 2), (1, 1), 1, False),
    ("deconvnet_rgb", 1, 3, (5, 6), 5, (3, 2), (1, 1), (2, 1), (1, 1), 1, False),
    ("many_in_one_out", 1, 8, (6, 20), 1, (3, 3), (1, 1), (0, 0), (1, 1), 1, True),
    ("wide_rows", 1, 2, (4, 37), 5, (3, 5), (1, 1), (1, 2), (1, 1), 1, True),
    ("k1", 1, 3, (4, 4), 2, (1, 1), (1, 1), (0, 0), (1, 1), 1, True),
    ("kernel_equals_input", 1, 1, (3, 3), 1, (3, 3), (1, 1), (0, 0), (1, 1), 1, False),
    ("big_stride_pad", 1, 1, (10, 10), 1, (4, 4), (3, 3), (2, 2), (1, 1), 1, False),
]

REJECT = [
    ("channels_mismatch", 1, 3, (5, 5), 2, (3, 3), (1, 1), (0, 0), (1, 1), 1, False, 2),
    ("kernel_too_large", 1, 1, (2, 2), 1, (3, 3), (1, 1), (0, 0), (1, 1), 1, False, 1),
    ("groups_not_dividing_out", 1, 4, (5, 5), 3, (3, 3), (1, 1), (0, 0), (1, 1), 2, False, 2),
    ("dilated_too_large", 1, 1, (4, 4), 1, (3, 3), (1, 1), (0, 0), (2, 2), 1, False, 1),
]


def fmt(t):
    return " ".join("%.9g" % v for v in t.flatten().tolist())


def main():
    torch.manual_seed(15)
    torch.set_num_threads(1)
    lines = []
    for name, n, cin, (h, w), cout, k, s, p, d, g, bias in CASES:
        x = torch.rand(n, cin, h, w) * 2 - 1
        wt = torch.rand(cout, cin // g, *k) * 2 - 1
        b = torch.rand(cout) * 2 - 1 if bias else None
        y = F.conv2d(x.double(), wt.double(), None if b is None else b.double(), s, p, d, g).float()
        lines.append("case %s %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d" %
                     (name, n, cin, h, w, cout, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], g, int(bias)))
        lines.append("input " + fmt(x))
        lines.append("weight " + fmt(wt))
        if bias:
            lines.append("bias " + fmt(b))
        lines.append("output %d %d %s" % (y.shape[2], y.shape[3], fmt(y)))
    for name, n, cin, (h, w), cout, k, s, p, d, g, bias, wcin in REJECT:
        x = torch.zeros(n, cin, h, w)
        wt = torch.zeros(cout, wcin, *k)
        try:
            F.conv2d(x, wt, None, s, p, d, g)
        except RuntimeError as e:
            msg = str(e).splitlines()[0]
        else:
            raise SystemExit("PyTorch accepted the reject case " + name)
        lines.append("reject %s %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d" %
                     (name, n, cin, h, w, cout, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], g, wcin))
        lines.append("message " + msg)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
