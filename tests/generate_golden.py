#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generates the PyTorch golden vectors in tests/fixtures/golden/ and the ONNX
ConvTranspose conformance cases in tests/fixtures/golden_onnx/.

Run with Debian's python3-torch (the python3 first on PATH may lack torch):

    /usr/bin/python3 tests/generate_golden.py          # rewrites tests/fixtures/golden/*.txt

The output is deterministic (torch.manual_seed, one intra-op thread, a fixed
list of configurations): running it twice gives byte-identical files. Every
*.txt in the folder is rewritten, stale ones are deleted.

Each case is one text file (format "tconv-golden 1", see tests/fixtures/README.md):
  - accepted cases: float32 input/weight/bias drawn uniformly from [-1, 1),
    torch.nn.functional.conv_transpose2d computed in float64 on those exact
    float32 values, the result rounded to float32;
  - rejected cases: shapes and parameters that PyTorch refuses (the script
    checks that it does), with PyTorch's message; our validation must refuse
    them too;
  - per-side padding cases (ONNX pads [top, left, bottom, right], which PyTorch
    cannot express): conv_transpose2d with padding 0, then the crop
    [top:H-bottom, left:W-right]; and ONNX auto_pad cases, whose pads this
    script solves itself from the ONNX operator text (the file records the
    auto_pad attribute, not the pads, so the engine's own solver is tested);
  - golden_onnx/: the 2-D ConvTranspose cases of ONNX's own conformance suite
    (onnx.backend.test.case.node.convtranspose, onnx 1.12), their attributes
    and arrays captured as the suite's expect() receives them.
"""
import os
import random
import sys

import numpy as np
import torch
import torch.nn.functional as F

FORMAT = "tconv-golden 1"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "golden")
ONNX_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "golden_onnx")


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def case(name, n=1, cin=1, hw=(3, 3), cout=1, k=3, s=1, p=0, op=0, d=1, g=1, bias=False, data=None, pads=None,
         auto_pad=None):
    """One configuration. cout is the total output channel count; data, when
    given, holds exact (input, weight, bias) lists instead of random values.
    pads: ONNX [top, left, bottom, right] instead of p; auto_pad: an ONNX
    auto_pad mode (the pads are solved by onnx_auto_pads)."""
    return dict(name=name, n=n, cin=cin, hw=pair(hw), cout=cout, k=pair(k), s=pair(s), p=pair(p),
                op=pair(op), d=pair(d), g=g, bias=bias, data=data, pads=pads, auto_pad=auto_pad)


def onnx_auto_pads(mode, k, s, d, op):
    """ONNX ConvTranspose auto_pad (operator text of onnx 1.12, and its conformance
    case test_convtranspose_autopad_same): output = input * stride, so per axis
    total_padding = d*(k-1) + 1 + output_padding - stride (whatever the input);
    SAME_UPPER: begin = total // 2, end = total - begin; SAME_LOWER: the other
    way round; VALID: 0. Returns ([top, left, bottom, right], output_padding);
    a negative total becomes extra output_padding (zeros at the end)."""
    begin, end, extra = [0, 0], [0, 0], [0, 0]
    for i in range(2):
        total = d[i] * (k[i] - 1) + 1 + op[i] - s[i]
        if mode == "VALID":
            continue
        if total < 0:
            extra[i] = -total
            continue
        small, large = total // 2, total - total // 2
        begin[i], end[i] = (small, large) if mode == "SAME_UPPER" else (large, small)
    return [begin[0], begin[1], end[0], end[1]], (op[0] + extra[0], op[1] + extra[1])


def pads_cases():
    """Per-side padding (ONNX pads, cropped from PyTorch's padding-0 output) and auto_pad."""
    return [
        case("pads_1_2_3_4_onnx_example", hw=(6, 7), k=(5, 6), s=2, pads=[1, 2, 3, 4]),
        case("pads_0_0_1_1_k3_s2", hw=(4, 5), k=3, s=2, pads=[0, 0, 1, 1], cin=2, cout=3, bias=True),
        case("pads_1_0_0_2_op1", hw=(3, 4), k=(3, 4), s=(2, 3), op=(1, 2), pads=[1, 0, 0, 2]),
        case("pads_end_only_to_1x1", hw=2, k=3, s=2, pads=[0, 0, 4, 4]),
        case("pads_begin_only_d2", hw=(4, 3), k=3, s=2, d=2, pads=[3, 2, 0, 0], cin=2, cout=2, g=2),
        case("pads_depthwise3_k4_s2_upper", hw=(5, 6), cin=3, cout=3, g=3, k=4, s=2, pads=[1, 1, 2, 2], bias=True),
        case("pads_batch2_full_2to4", n=2, hw=(3, 3), cin=2, cout=4, k=(3, 5), s=(3, 2), d=(1, 2), op=(2, 1),
             pads=[2, 1, 0, 3]),
        case("auto_same_upper_k3_s2", hw=(3, 3), cin=1, cout=2, k=3, s=2, auto_pad="SAME_UPPER"),
        case("auto_same_lower_k3_s2", hw=(3, 3), cin=1, cout=2, k=3, s=2, auto_pad="SAME_LOWER"),
        case("auto_same_upper_k5x4_s2x3_op0x1", hw=(4, 3), k=(5, 4), s=(2, 3), op=(0, 1), auto_pad="SAME_UPPER"),
        case("auto_same_lower_k5x4_s2x3_op0x1", hw=(4, 3), k=(5, 4), s=(2, 3), op=(0, 1), auto_pad="SAME_LOWER"),
        case("auto_same_upper_d2_k3_s2", hw=(3, 4), k=3, s=2, d=2, auto_pad="SAME_UPPER", cin=2, cout=2, g=2),
        case("auto_same_upper_k1_s2_short_kernel", hw=(3, 2), k=1, s=2, auto_pad="SAME_UPPER"),
        case("auto_same_lower_k2_s3x2", hw=(2, 3), k=2, s=(3, 2), auto_pad="SAME_LOWER", bias=True, cout=2),
        case("auto_valid_k3_s2", hw=(3, 4), k=3, s=2, op=1, auto_pad="VALID"),
    ]


def random_pads_cases(count, rng):
    """Seeded random per-side padding over the whole parameter space."""
    out = []
    while len(out) < count:
        g = rng.choice([1, 2, "dw"])
        if g == "dw":
            cin = rng.randint(1, 4)
            g, cout = cin, cin
        else:
            cin = g * rng.randint(1, 4 // g)
            cout = g * rng.randint(1, 4 // g)
        k = (rng.randint(1, 5), rng.randint(1, 5))
        s = (rng.randint(1, 4), rng.randint(1, 4))
        d = (rng.randint(1, 3), rng.randint(1, 3))
        hw = (rng.randint(1, 8), rng.randint(1, 7))
        op = tuple(rng.randint(0, max(s[i], d[i]) - 1) for i in range(2))
        pads = [rng.randint(0, d[i % 2] * (k[i % 2] - 1) + 1) for i in range(4)]
        ext = [(hw[i] - 1) * s[i] - pads[i] - pads[i + 2] + d[i] * (k[i] - 1) + op[i] + 1 for i in range(2)]
        if min(ext) <= 0 or ext[0] * ext[1] * cout > 2000 or pads[0:2] == pads[2:4]:
            continue
        out.append(case("pads_random_%02d" % len(out), n=rng.randint(1, 2), cin=cin, hw=hw, cout=cout, k=k, s=s,
                        op=op, d=d, g=g, pads=pads, bias=rng.random() < 0.5))
    return out


def hand_cases():
    """Configurations chosen to hit each parameter on each axis."""
    return [
        case("1x1_input_k1", hw=1, k=1),
        case("1x1_input_k5x3_s4x2", hw=1, k=(5, 3), s=(4, 2)),
        case("1x1_input_k2_s3_c2to3", hw=1, k=2, s=3, cin=2, cout=3, bias=True),
        case("k2_s1_basic", hw=2, k=2),
        case("k1_s3_zero_insertion", hw=(4, 3), k=1, s=3),
        case("k1_s2x3_op1x2", hw=(3, 4), k=1, s=(2, 3), op=(1, 2)),
        case("k3_s2_p1_op1_doubling", hw=(5, 4), cin=3, cout=2, k=3, s=2, p=1, op=1),
        case("k4_s2_p1_depthwise3", hw=(6, 5), cin=3, cout=3, g=3, k=4, s=2, p=1),
        case("k4_s4_k_equals_s", hw=(3, 4), k=4, s=4),
        case("k2_s4_gaps", hw=(3, 2), k=2, s=4),
        case("k3x5_s1x3_p1x2", hw=(4, 4), k=(3, 5), s=(1, 3), p=(1, 2)),
        case("k5x2_s3x4_p2x0_op2x3", hw=(3, 5), k=(5, 2), s=(3, 4), p=(2, 0), op=(2, 3)),
        case("k5x1_s1_p2x0", hw=(6, 7), k=(5, 1), p=(2, 0), cin=2, cout=2),
        case("k1x4_s2x1_p0x1", hw=(5, 3), k=(1, 4), s=(2, 1), p=(0, 1)),
        case("d2_k3_s1", hw=(4, 5), k=3, d=2),
        case("d3x2_k2x3_s2x1_op2x1", hw=(3, 4), k=(2, 3), s=(2, 1), d=(3, 2), op=(2, 1)),
        case("op2_above_stride1_below_d3", hw=(4, 4), k=3, s=1, d=3, op=2),
        case("op_h_below_d_only", hw=(3, 3), k=2, s=(1, 3), d=(2, 1), op=(1, 2)),
        case("d3_k3_s3_p3", hw=(5, 4), k=3, s=3, d=3, p=3, cin=2, cout=2),
        case("groups2_4to6", hw=(4, 3), cin=4, cout=6, g=2, k=3, s=2, bias=True),
        case("groups3_6to3", hw=(3, 5), cin=6, cout=3, g=3, k=(2, 3), s=(1, 2)),
        case("groups2_multiplier2", hw=(4, 4), cin=2, cout=4, g=2, k=3, s=2, p=1, op=1),
        case("depthwise6_k4_s2_p1_bias", hw=(5, 6), cin=6, cout=6, g=6, k=4, s=2, p=1, bias=True),
        case("depthwise4_batch2_d2", n=2, hw=(4, 3), cin=4, cout=4, g=4, k=3, s=2, d=2, op=1),
        case("bias_batch2_full_3to5", n=2, hw=(3, 4), cin=3, cout=5, k=3, s=2, p=1, bias=True),
        case("padding_to_1x1", hw=2, k=3, s=2, p=2),
        case("padding_to_1_in_w", hw=(3, 2), k=(3, 3), s=(2, 2), p=(1, 2)),
        case("big_padding_p3x2", hw=(6, 5), k=(5, 4), s=(2, 3), p=(3, 2)),
        case("input_9x7_groups3_c6", hw=(9, 7), cin=6, cout=6, g=3, k=3, s=2, p=1, op=1, bias=True),
        case("input_9x7_full_k5_s1_p2", hw=(9, 7), cin=2, cout=3, k=5, p=2),
        case("s4x1_op3x0", hw=(3, 4), k=(4, 2), s=(4, 1), op=(3, 0)),
        case("batch2_g2_d2_s3_op2_nonsquare", n=2, hw=(3, 4), cin=4, cout=2, g=2, k=(3, 2), s=(3, 2), d=(2, 2),
             op=(2, 1), p=(1, 0)),
        case("channels_1to6", hw=(3, 3), cin=1, cout=6, k=2, s=2),
        case("channels_6to1", hw=(3, 3), cin=6, cout=1, k=3, s=1, p=1, bias=True),
        case("odd_1x7", hw=(1, 7), k=(2, 3), s=(3, 2), p=(0, 1)),
        case("odd_8x1", hw=(8, 1), k=(3, 1), s=(2, 4), op=(1, 3)),
    ]


def random_cases(count, rng):
    """Seeded random configurations over the whole parameter space."""
    out = []
    while len(out) < count:
        g = rng.choice([1, 1, 2, 3, "dw"])
        if g == "dw":
            cin = rng.randint(1, 6)
            g = cin
            cout = cin * rng.choice([1, 1, 2])
        else:
            cin = g * rng.randint(1, 6 // g)
            cout = g * rng.randint(1, 6 // g)
        k = (rng.randint(1, 5), rng.randint(1, 5))
        s = (rng.randint(1, 4), rng.randint(1, 4))
        d = (rng.randint(1, 3), rng.randint(1, 3))
        hw = (rng.randint(1, 9), rng.randint(1, 7))
        op = tuple(rng.randint(0, max(s[i], d[i]) - 1) for i in range(2))
        p = tuple(rng.randint(0, (d[i] * (k[i] - 1)) // 2 + 1) for i in range(2))
        ext = [(hw[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1 for i in range(2)]
        if min(ext) <= 0 or ext[0] * ext[1] * cout > 2500:
            continue
        idx = len(out)
        out.append(case("random_%02d" % idx, n=rng.randint(1, 2), cin=cin, hw=hw, cout=cout, k=k, s=s, p=p, op=op,
                        d=d, g=g, bias=rng.random() < 0.5))
    return out


def seed_cases():
    """The tutorials' examples (shared/seeds), checked against PyTorch here too."""
    x2 = [1., 2., 3., 4.]
    ones9 = [1.] * 9
    return [
        case("seed000_basic", hw=2, k=2, data=([0., 1., 2., 3.], [0., 1., 2., 3.], None)),
        case("seed000_matrix_4x4", hw=2, k=3, data=([2., 3., 2., 1.], [7., 5., 5., 4., 4., 8., 2., 3., 7.], None)),
        case("seed000_linspace_s4_op1", hw=4, k=3, s=4, op=1, data=([float(v) for v in range(1, 17)], ones9, None)),
        case("seed001_ones_k4_s2_p1", hw=2, k=4, s=2, p=1, data=([1.] * 4, [1.] * 16, None)),
        case("seed002_case1_k3", hw=2, k=3, data=(x2, ones9, None)),
        case("seed002_case2_s2", hw=2, k=3, s=2, data=(x2, ones9, None)),
        case("seed002_case3_s2_p2", hw=2, k=3, s=2, p=2, data=(x2, ones9, None)),
        case("seed002_case4_k3_s3_op2", hw=2, k=3, s=3, op=2, data=(x2, ones9, None)),
        case("seed002_case5_k2_s2_d2", hw=2, k=2, s=2, d=2, data=(x2, [1.] * 4, None)),
    ]


def reject_cases():
    """(name, input shape, weight shape, bias size or -1, params) that PyTorch refuses."""
    def r(name, inp, w, b=-1, s=1, p=0, op=0, d=1, g=1):
        return dict(name=name, input=inp, weight=w, bias=b, s=pair(s), p=pair(p), op=pair(op), d=pair(d), g=g)
    return [
        r("reject_op_equals_stride", (1, 1, 3, 3), (1, 1, 3, 3), s=2, op=2),
        r("reject_op_w_too_big", (1, 1, 3, 3), (1, 1, 3, 3), s=2, op=(0, 2)),
        r("reject_op_equals_stride_and_dilation", (1, 1, 3, 3), (1, 1, 3, 3), s=2, d=2, op=2),
        r("reject_op_h_above_both", (1, 1, 3, 3), (1, 1, 2, 2), s=(2, 3), d=(3, 1), op=(3, 1)),
        r("reject_groups_not_dividing", (1, 4, 3, 3), (4, 1, 3, 3), g=3),
        r("reject_input_channels", (1, 3, 3, 3), (4, 1, 3, 3)),
        r("reject_bias_size", (1, 2, 3, 3), (2, 3, 3, 3), b=2),
        r("reject_bias_size_groups", (1, 2, 3, 3), (2, 3, 3, 3), b=3, g=2),
        r("reject_output_size_0", (1, 1, 2, 2), (1, 1, 1, 1), p=1),
        r("reject_output_size_negative", (1, 1, 1, 1), (1, 1, 1, 1), p=1),
        r("reject_output_width_negative", (1, 1, 3, 1), (1, 1, 3, 1), p=(0, 1)),
        r("reject_negative_padding", (1, 1, 3, 3), (1, 1, 3, 3), p=-1),
        r("reject_negative_output_padding", (1, 1, 3, 3), (1, 1, 3, 3), op=(0, -1)),
        r("reject_stride_0", (1, 1, 3, 3), (1, 1, 3, 3), s=(0, 1)),
        r("reject_stride_negative", (1, 1, 3, 3), (1, 1, 3, 3), s=-1),
        r("reject_dilation_0", (1, 1, 3, 3), (1, 1, 3, 3), d=0),
        r("reject_groups_0", (1, 1, 3, 3), (1, 1, 3, 3), g=0),
        r("reject_kernel_height_0", (1, 1, 3, 3), (1, 1, 0, 3)),
        r("reject_input_height_0", (1, 1, 0, 3), (1, 1, 3, 3)),
    ]


def fmt(values):
    """Shortest text that reads back as exactly the same float32."""
    return [np.format_float_positional(np.float32(v), unique=True, trim="-") for v in values]


def values_block(name, values):
    toks = fmt(values)
    lines = ["values %s %d" % (name, len(toks))]
    for i in range(0, len(toks), 8):
        lines.append(" ".join(toks[i:i + 8]))
    return lines


def header(name, status, inp, w, bias, c):
    """The optional lines (padding_end, auto_pad, output_shape) only when used, so
    the PyTorch cases read exactly as before."""
    lines = [FORMAT, "name " + name, "status " + status, "stride %d %d" % c["s"]]
    pads = c.get("pads")
    if pads is None:
        lines.append("padding %d %d" % c["p"])
    else:
        lines += ["padding %d %d" % (pads[0], pads[1]), "padding_end %d %d" % (pads[2], pads[3])]
    lines += ["output_padding %d %d" % c["op"], "dilation %d %d" % c["d"], "groups %d" % c["g"]]
    if c.get("auto_pad"):
        lines.append("auto_pad " + c["auto_pad"])
    if c.get("output_shape"):
        lines.append("output_shape %d %d" % tuple(c["output_shape"]))
    return lines + ["input %d %d %d %d" % tuple(inp), "weight %d %d %d %d" % tuple(w), "bias %d" % bias]


def torch_forward(x, wt, b, c):
    """PyTorch's conv_transpose2d in float64; per-side pads as padding 0 and a crop."""
    pads, op = c.get("pads"), c["op"]
    if c.get("auto_pad"):
        pads, op = onnx_auto_pads(c["auto_pad"], c["k"], c["s"], c["d"], c["op"])
    if pads is None:
        return F.conv_transpose2d(x.double(), wt.double(), None if b is None else b.double(), stride=c["s"],
                                  padding=c["p"], output_padding=op, groups=c["g"], dilation=c["d"])
    y = F.conv_transpose2d(x.double(), wt.double(), None if b is None else b.double(), stride=c["s"],
                           padding=0, output_padding=op, groups=c["g"], dilation=c["d"])
    return y[:, :, pads[0]:y.shape[2] - pads[2], pads[1]:y.shape[3] - pads[3]]


def run_accepted(c):
    inp = (c["n"], c["cin"], c["hw"][0], c["hw"][1])
    w = (c["cin"], c["cout"] // c["g"], c["k"][0], c["k"][1])
    if c["data"] is not None:
        xs, ws, bs = c["data"]
        x = torch.tensor(xs, dtype=torch.float32).reshape(inp)
        wt = torch.tensor(ws, dtype=torch.float32).reshape(w)
        b = None if bs is None else torch.tensor(bs, dtype=torch.float32)
    else:
        x = torch.rand(inp, dtype=torch.float32) * 2 - 1
        wt = torch.rand(w, dtype=torch.float32) * 2 - 1
        b = torch.rand(c["cout"], dtype=torch.float32) * 2 - 1 if c["bias"] else None
    y = torch_forward(x, wt, b, c).float()
    lines = header(c["name"], "ok", inp, w, -1 if b is None else c["cout"], c)
    lines.append("output %d %d %d %d" % tuple(y.shape))
    lines += values_block("input", x.flatten().tolist())
    lines += values_block("weight", wt.flatten().tolist())
    if b is not None:
        lines += values_block("bias", b.tolist())
    lines += values_block("output", y.flatten().tolist())
    return lines


def run_rejected(c):
    x = torch.zeros(c["input"], dtype=torch.float64)
    wt = torch.zeros(c["weight"], dtype=torch.float64)
    b = None if c["bias"] < 0 else torch.zeros(c["bias"], dtype=torch.float64)
    try:
        F.conv_transpose2d(x, wt, b, stride=c["s"], padding=c["p"], output_padding=c["op"], groups=c["g"],
                           dilation=c["d"])
    except RuntimeError as e:
        message = str(e).splitlines()[0].strip()
    else:
        sys.exit("generate_golden: PyTorch accepted %s, which is listed as rejected" % c["name"])
    lines = header(c["name"], "reject", c["input"], c["weight"], c["bias"], c)
    lines.append("torch_error " + message)
    return lines


def onnx_conformance_cases():
    """The 2-D cases of onnx.backend.test.case.node.convtranspose, captured by
    replacing the suite's expect(): (name, attributes, x, W, optional B, y)."""
    import onnx
    from onnx.backend.test.case.node import convtranspose as suite
    captured = []

    def capture(node, inputs, outputs, name, **kwargs):
        if inputs[0].ndim == 4:
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            captured.append((name, attrs, inputs, outputs[0]))
    suite.expect = capture
    for attr in sorted(dir(suite.ConvTranspose)):
        if attr.startswith("export"):
            getattr(suite.ConvTranspose, attr)()
    return captured


def onnx_case_lines(name, attrs, inputs, y):
    known = {"strides", "pads", "output_padding", "dilations", "group", "auto_pad", "output_shape", "kernel_shape"}
    unknown = set(attrs) - known
    if unknown:
        sys.exit("generate_golden: %s has attributes this script does not convert: %s" % (name, sorted(unknown)))
    x, wt = inputs[0], inputs[1]
    b = inputs[2] if len(inputs) > 2 else None
    pads = list(attrs.get("pads", [0, 0, 0, 0]))
    auto_pad = attrs.get("auto_pad", b"NOTSET")
    auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else auto_pad
    c = dict(s=tuple(attrs.get("strides", [1, 1])), op=tuple(attrs.get("output_padding", [0, 0])),
             d=tuple(attrs.get("dilations", [1, 1])), g=attrs.get("group", 1), pads=pads,
             auto_pad=None if auto_pad == "NOTSET" else auto_pad, output_shape=attrs.get("output_shape"))
    lines = header(name, "ok", x.shape, wt.shape, -1 if b is None else b.size, c)
    lines.append("output %d %d %d %d" % tuple(y.shape))
    lines += values_block("input", x.flatten().tolist())
    lines += values_block("weight", wt.flatten().tolist())
    if b is not None:
        lines += values_block("bias", b.flatten().tolist())
    lines += values_block("output", y.flatten().tolist())
    return lines


def write_folder(folder, files):
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.endswith(".txt"):
            os.remove(os.path.join(folder, old))
    total = 0
    for i, (name, lines) in enumerate(files):
        path = os.path.join(folder, "%03d_%s.txt" % (i, name))
        text = "\n".join(lines) + "\n"
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        total += len(text)
    return total


def main():
    torch.manual_seed(20240601)
    torch.set_num_threads(1)  # one summation order, so reruns are byte-identical
    rng = random.Random(20240601)
    accepted = seed_cases() + hand_cases()
    accepted += random_cases(64 - len(accepted), rng)
    files = [(c["name"], run_accepted(c)) for c in accepted]
    files += [(c["name"], run_rejected(c)) for c in reject_cases()]
    # After the original cases (and their random draws), so those files stay byte-identical.
    per_side = pads_cases() + random_pads_cases(16, rng)
    files += [(c["name"], run_accepted(c)) for c in per_side]
    total = write_folder(OUT_DIR, files)
    print("generate_golden: %d accepted + %d rejected cases, %d bytes in %s"
          % (len(accepted) + len(per_side), len(files) - len(accepted) - len(per_side), total, OUT_DIR))
    onnx_files = [(name, onnx_case_lines(name, attrs, inputs, y)) for name, attrs, inputs, y in onnx_conformance_cases()]
    total = write_folder(ONNX_DIR, onnx_files)
    print("generate_golden: %d ONNX conformance cases, %d bytes in %s" % (len(onnx_files), total, ONNX_DIR))


if __name__ == "__main__":
    main()
