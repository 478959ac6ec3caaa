#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Small ONNX test models for `tconv audit`, and golden vectors per ConvTranspose layer.

Run with Debian's python3 (torch 1.13 + onnx 1.12):  /usr/bin/python3 scripts/make_onnx_models.py
Writes tests/fixtures/onnx/ (deterministic: fixed seeds, one thread; rerunning gives the same files):
  dcgan.onnx           DCGAN-style generator: 4 ConvTranspose (k4 s1 p0, k4 s2 p1, k3 s2 p1 op1 groups 2, k4 s2 p1
                       with bias), BatchNorm, ReLU, Tanh (torch.onnx.export)
  unet_decoder.onnx    U-Net-style decoder with resize-conv: Upsample(nearest) + Conv, Upsample(bilinear) + Conv,
                       a 1x1 Conv head (torch.onnx.export)
  pixel_shuffle.onnx   ESPCN-style head: Conv, then two Conv + PixelShuffle(2) (DepthToSpace CRD)
  asym_pads.onnx       one ConvTranspose with pads [1,2,0,1], dilation [1,2], output_padding [1,0], bias
                       (onnx.helper: torch cannot export asymmetric pads)
  auto_pad.onnx        ConvTranspose auto_pad=SAME_UPPER (k3 s2), then ConvTranspose with output_shape [19,19]
                       (NOTSET: pads solved as [2,2,1,1]) (onnx.helper)
  not_onnx.onnx, truncated.onnx, no_upsampling.onnx, bad_auto_pad.onnx: bad inputs
  layers.json          per ConvTranspose layer: model, node name, parameters (given here, by hand, not read back
                       from the model) and the fixture files below
  <model>_<n>_weight.npy  (C_in, C_out/groups, kH, kW), the model's own initializer (onnx.numpy_helper)
  <model>_<n>_bias.npy    (C_out,) when the layer has a bias
  <model>_<n>_input.npy   (H, W, C_in) float32 random input (tconv apply's .npy layout)
  <model>_<n>_output.npy  (H, W, C_out): the layer on that input, computed by PyTorch
                          (F.conv_transpose2d without padding, then ONNX's crops and output_padding, then the bias)
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "onnx")
OPSET = 13


def save(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype=np.float32))


def onnx_conv_transpose(x, w, bias, stride, pads, output_padding, dilation, groups):
    """ONNX ConvTranspose on x (1, C_in, H, W): the full transposed convolution, then output_padding zero
    rows/columns at the end, then the crops pads=[T, L, B, R], then the bias (PyTorch does the arithmetic)."""
    full = F.conv_transpose2d(x, w, None, stride=stride, padding=0, output_padding=0, groups=groups, dilation=dilation)
    full = F.pad(full, (0, output_padding[1], 0, output_padding[0]))
    top, left, bottom, right = pads
    h, w_ = full.shape[2], full.shape[3]
    y = full[:, :, top:h - bottom, left:w_ - right]
    if bias is not None:
        y = y + bias.view(1, -1, 1, 1)
    return y


def export(module, example, path):
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, example, path, opset_version=OPSET, input_names=["x"], output_names=["y"],
                          do_constant_folding=True)


def initializers(model):
    return {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}


def conv_transpose_nodes(model):
    return [n for n in model.graph.node if n.op_type == "ConvTranspose"]


def write_layer(layers, model_name, index, node_name, weight, bias, params, in_size, rng):
    """Fixtures of one ConvTranspose layer: its weight from the model, a random input and PyTorch's output."""
    prefix = f"{model_name}_{index}"
    w = torch.from_numpy(np.array(weight, dtype=np.float32))
    b = None if bias is None else torch.from_numpy(np.array(bias, dtype=np.float32))
    c_in = w.shape[0]
    x = torch.from_numpy(rng.standard_normal((1, c_in, in_size[0], in_size[1])).astype(np.float32))
    y = onnx_conv_transpose(x, w, b, tuple(params["stride"]), params["pads"], params["output_padding"],
                            tuple(params["dilation"]), params["group"])
    save(prefix + "_weight.npy", w.numpy())
    if b is not None:
        save(prefix + "_bias.npy", b.numpy())
    save(prefix + "_input.npy", x[0].permute(1, 2, 0).numpy())
    save(prefix + "_output.npy", y[0].permute(1, 2, 0).numpy())
    entry = {"model": model_name + ".onnx", "name": node_name, "prefix": prefix, "bias": b is not None}
    entry.update(params)
    layers.append(entry)


class Generator(nn.Module):
    """DCGAN-style: latent 8 -> 4x4 -> 8x8 -> 16x16 -> 32x32 RGB."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(8, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16), nn.ReLU(True),
            nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(True),
            nn.ConvTranspose2d(8, 4, 3, 2, 1, output_padding=1, groups=2, bias=False), nn.BatchNorm2d(4),
            nn.ReLU(True),
            nn.ConvTranspose2d(4, 3, 4, 2, 1, bias=True), nn.Tanh())

    def forward(self, x):
        return self.net(x)


class UNetDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.up1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv1 = nn.Conv2d(8, 8, 3, padding=1)
        self.up2 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.conv2 = nn.Conv2d(8, 4, 3, padding=1)
        self.head = nn.Conv2d(4, 3, 1)

    def forward(self, x):
        x = F.relu(self.conv1(self.up1(x)))
        x = F.relu(self.conv2(self.up2(x)))
        return self.head(x)


class PixelShuffleHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Conv2d(4, 8, 3, padding=1)
        self.conv1 = nn.Conv2d(8, 4 * 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 3 * 4, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        x = F.relu(self.features(x))
        x = F.relu(self.shuffle(self.conv1(x)))
        return self.shuffle(self.conv2(x))


def positive_weights(module, gen):
    """Weights in [0.05, 0.55): like trained upsampling filters, each output's taps sum well away from zero, so
    the CVs are the moderate ripples of real decoders rather than the huge ones of a zero-mean random init."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * 0.5 + 0.05)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)


def randomize_batchnorm(module, gen):
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)


def dcgan(layers, rng):
    gen = torch.Generator().manual_seed(1)
    g = Generator()
    positive_weights(g, gen)
    randomize_batchnorm(g, gen)
    path = os.path.join(OUT, "dcgan.onnx")
    export(g, torch.randn(1, 8, 1, 1, generator=gen), path)
    model = onnx.load(path)
    inits = initializers(model)
    torch_layers = [m for m in g.net if isinstance(m, nn.ConvTranspose2d)]
    nodes = conv_transpose_nodes(model)
    assert len(nodes) == len(torch_layers) == 4, "expected the 4 ConvTranspose layers in the exported model"
    for i, (node, m) in enumerate(zip(nodes, torch_layers)):
        weight = inits[node.input[1]]
        # Exported as is (no BatchNorm folded into a ConvTranspose): the initializer is the module's weight.
        assert np.array_equal(weight, m.weight.detach().numpy()), node.name
        bias = inits[node.input[2]] if len(node.input) > 2 else None
        p, op = m.padding, m.output_padding
        params = {"stride": list(m.stride), "pads": [p[0], p[1], p[0], p[1]], "output_padding": list(op),
                  "dilation": list(m.dilation), "group": m.groups, "auto_pad": "NOTSET"}
        write_layer(layers, "dcgan", i, node.name, weight, bias, params, (5, 4), rng)


def unet_decoder():
    gen = torch.Generator().manual_seed(2)
    m = UNetDecoder()
    positive_weights(m, gen)
    export(m, torch.randn(1, 8, 4, 4, generator=gen), os.path.join(OUT, "unet_decoder.onnx"))


def pixel_shuffle():
    gen = torch.Generator().manual_seed(3)
    m = PixelShuffleHead()
    positive_weights(m, gen)
    export(m, torch.randn(1, 4, 6, 6, generator=gen), os.path.join(OUT, "pixel_shuffle.onnx"))


def conv_transpose_model(name, in_shape, layer_specs, rng):
    """A chain of ConvTranspose nodes built with onnx.helper. layer_specs: (node name, weight shape, bias?, attrs)."""
    nodes, inits = [], []
    current = "x"
    weights = []
    for i, (node_name, wshape, has_bias, attrs) in enumerate(layer_specs):
        w = (rng.random(wshape) * 0.5 + 0.05).astype(np.float32)
        inputs = [current, f"{node_name}.weight"]
        inits.append(numpy_helper.from_array(w, f"{node_name}.weight"))
        b = None
        if has_bias:
            b = (rng.standard_normal(wshape[1] * attrs.get("group", 1)) * 0.1).astype(np.float32)
            inputs.append(f"{node_name}.bias")
            inits.append(numpy_helper.from_array(b, f"{node_name}.bias"))
        out = "y" if i == len(layer_specs) - 1 else f"t{i}"
        nodes.append(helper.make_node("ConvTranspose", inputs, [out], name=node_name, **attrs))
        weights.append((w, b))
        current = out
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", "c", "h", "w"])], inits)
    model = helper.make_model(graph, producer_name="make_onnx_models.py", opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    return weights


def asym_pads(layers, rng):
    attrs = {"strides": [2, 2], "pads": [1, 2, 0, 1], "dilations": [1, 2], "output_padding": [1, 0],
             "kernel_shape": [3, 3]}
    (w, b), = conv_transpose_model("asym_pads", (1, 3, 5, 5), [("up_asym", (3, 2, 3, 3), True, attrs)], rng)
    params = {"stride": [2, 2], "pads": [1, 2, 0, 1], "output_padding": [1, 0], "dilation": [1, 2], "group": 1,
              "auto_pad": "NOTSET"}
    write_layer(layers, "asym_pads", 0, "up_asym", w, b, params, (5, 5), rng)


def auto_pad(layers, rng):
    # SAME_UPPER, k3 s2: total padding d(k-1)+1+op-s = 1 -> begin 0, end 1 (the odd one at the end): out = 2 * in.
    # output_shape [19, 19] from a 10x10 input, k4 s2: full 22, total 3, NOTSET split -> begin 2, end 1.
    specs = [("up_same", (2, 3, 3, 3), False, {"strides": [2, 2], "auto_pad": "SAME_UPPER"}),
             ("up_shape", (3, 2, 4, 4), True, {"strides": [2, 2], "output_shape": [19, 19]})]
    (w0, b0), (w1, b1) = conv_transpose_model("auto_pad", (1, 2, 5, 5), specs, rng)
    write_layer(layers, "auto_pad", 0, "up_same", w0, b0,
                {"stride": [2, 2], "pads": [0, 0, 1, 1], "output_padding": [0, 0], "dilation": [1, 1], "group": 1,
                 "auto_pad": "SAME_UPPER"}, (5, 5), rng)
    write_layer(layers, "auto_pad", 1, "up_shape", w1, b1,
                {"stride": [2, 2], "pads": [2, 2, 1, 1], "output_padding": [0, 0], "dilation": [1, 1], "group": 1,
                 "auto_pad": "NOTSET", "output_shape": [19, 19]}, (10, 10), rng)


def bad_inputs(rng):
    with open(os.path.join(OUT, "not_onnx.onnx"), "w") as f:
        f.write("this is a text file, not an ONNX model\n")
    with open(os.path.join(OUT, "dcgan.onnx"), "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "truncated.onnx"), "wb") as f:
        f.write(data[:len(data) // 2])
    # A model without upsampling: one stride-1 Conv and a Relu.
    w = numpy_helper.from_array((rng.standard_normal((2, 2, 3, 3))).astype(np.float32), "w")
    graph = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
                               helper.make_node("Relu", ["c"], ["y"], name="relu")], "no_upsampling",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", "c", "h", "w"])], [w])
    model = helper.make_model(graph, producer_name="make_onnx_models.py", opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, "no_upsampling.onnx"))
    # An attribute value the audit does not support (the checker does not look at auto_pad's value).
    wt = numpy_helper.from_array((rng.standard_normal((2, 2, 3, 3))).astype(np.float32), "w")
    graph = helper.make_graph([helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up_bad", strides=[2, 2],
                                                auto_pad="SAME_MIDDLE")], "bad_auto_pad",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", "c", "h", "w"])], [wt])
    model = helper.make_model(graph, producer_name="make_onnx_models.py", opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, "bad_auto_pad.onnx"))


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".onnx", ".npy", ".json")):
            os.remove(os.path.join(OUT, f))
    rng = np.random.default_rng(13)
    layers = []
    dcgan(layers, rng)
    unet_decoder()
    pixel_shuffle()
    asym_pads(layers, rng)
    auto_pad(layers, rng)
    bad_inputs(rng)
    with open(os.path.join(OUT, "layers.json"), "w") as f:
        json.dump({"layers": layers}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files ({total} bytes) to {os.path.normpath(OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
