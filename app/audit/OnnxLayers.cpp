// SPDX-License-Identifier: MIT
#include "audit/internal/OnnxLayers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/AutoPad.h"
#include "core/ConvError.h"

namespace tconv::app::onnxio {
namespace {

std::string where(const onnx::NodeProto& n) { return "node '" + nodeName(n) + "' (" + n.op_type() + ")"; }

std::string listText(const std::vector<int64_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

// A per-axis attribute of a 2-D layer: `count` values, each >= `least`.
std::vector<int64_t> axisInts(const onnx::NodeProto& n, const std::string& name, size_t count, int64_t fallback,
                              int64_t least) {
    std::vector<int64_t> v = attrInts(n, name);
    if (v.empty()) return std::vector<int64_t>(count, fallback);
    if (v.size() != count)
        throw ProcessingError(where(n) + ": " + name + " " + listText(v) + " should have " + std::to_string(count) +
                              " values for a 2-D layer");
    for (int64_t x : v)
        if (x < least || x > (int64_t(1) << 20))
            throw ProcessingError(
                where(n) + ": " + name + " " + listText(v) + " is not supported: each value should be " +
                (least == 0 ? "0 or more" : "at least " + std::to_string(least)) + " (and below 2^20)");
    return v;
}

std::string autoPadOf(const onnx::NodeProto& n) {
    const std::string mode = attrString(n, "auto_pad", "NOTSET");
    if (mode != "NOTSET" && mode != "SAME_UPPER" && mode != "SAME_LOWER" && mode != "VALID")
        throw ProcessingError(where(n) + ": auto_pad '" + mode +
                              "' is not supported; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    return mode;
}

Tensor weightTensor(const ConstTensor& c) {
    Tensor t(Shape4{c.dims[0], c.dims[1], c.dims[2], c.dims[3]});
    std::copy(c.values.begin(), c.values.end(), t.data());
    return t;
}

// The constant 4-D weight of a convolution node, with how it was reached.
Tensor constantWeight(const OnnxGraph& g, const onnx::NodeProto& n, std::vector<std::string>& notes) {
    if (n.input_size() < 2) throw ProcessingError(where(n) + ": has no weight input");
    std::vector<std::string> via;
    const std::optional<ConstTensor> w = g.constant(n.input(1), &via);
    if (!w)
        throw ProcessingError(where(n) + ": its weight '" + n.input(1) +
                              "' is not a constant of the model (an initializer, or one reached through "
                              "Identity, Cast or DequantizeLinear), so it cannot be analysed");
    if (w->dims.size() != 4)
        throw ProcessingError(where(n) + ": its weight has " + std::to_string(w->dims.size()) +
                              " dimensions; only 2-D layers (4-D weights) are analysed");
    for (int64_t d : w->dims)
        if (d < 1) throw ProcessingError(where(n) + ": its weight " + listText(w->dims) + " is empty");
    if (!via.empty()) {
        std::string path;
        for (const std::string& op : via) path += (path.empty() ? "" : ", ") + op;
        notes.push_back("weight read through " + path);
    }
    return weightTensor(*w);
}

std::vector<float> constantBias(const OnnxGraph& g, const onnx::NodeProto& n, int64_t channels,
                                std::vector<std::string>& notes) {
    if (n.input_size() < 3 || n.input(2).empty()) return {};
    const std::optional<ConstTensor> b = g.constant(n.input(2));
    if (!b) {
        notes.push_back("bias '" + n.input(2) + "' is not a constant: left out");
        return {};
    }
    if (static_cast<int64_t>(b->values.size()) != channels)
        throw ProcessingError(where(n) + ": its bias has " + std::to_string(b->values.size()) + " values for " +
                              std::to_string(channels) + " output channels");
    return b->values;
}

}  // namespace

Shape4 shapeOf(const OnnxGraph& g, const std::string& tensor) {
    const std::vector<int64_t> d = g.dims(tensor);
    if (d.size() != 4) return Shape4{-1, -1, -1, -1};
    return Shape4{d[0], d[1], d[2], d[3]};
}

UpsamplingLayer convTransposeLayer(const OnnxGraph& g, const onnx::NodeProto& n) {
    UpsamplingLayer l;
    l.name = nodeName(n);
    l.op = "ConvTranspose";
    l.nodes = {nodeName(n)};
    Tensor weight = constantWeight(g, n, l.notes);
    const Shape4 w = weight.shape();
    const int64_t group = attrInt(n, "group", 1);
    if (group < 1 || w.n % group != 0)
        throw ProcessingError(where(n) + ": group " + std::to_string(group) +
                              " is not supported: it should be >= 1 and divide the weight's " + std::to_string(w.n) +
                              " input channels");
    const std::vector<int64_t> kernel = axisInts(n, "kernel_shape", 2, 0, 1);
    if (hasAttr(n, "kernel_shape") && (kernel[0] != w.h || kernel[1] != w.w))
        throw ProcessingError(where(n) + ": kernel_shape " + listText(kernel) + " differs from its weight's " +
                              std::to_string(w.h) + "x" + std::to_string(w.w));
    const std::vector<int64_t> strides = axisInts(n, "strides", 2, 1, 1);
    const std::vector<int64_t> dilations = axisInts(n, "dilations", 2, 1, 1);
    const std::vector<int64_t> outputPadding = axisInts(n, "output_padding", 2, 0, 0);
    const std::vector<int64_t> pads = axisInts(n, "pads", 4, 0, 0);
    l.autoPad = autoPadOf(n);
    l.outputShape = attrInts(n, "output_shape");
    if (!l.outputShape.empty() && l.outputShape.size() != 2 && l.outputShape.size() != 4)
        throw ProcessingError(where(n) + ": output_shape " + listText(l.outputShape) +
                              " should have 2 values (H, W) or 4 (N, C, H, W)");
    l.input = shapeOf(g, n.input(0));
    l.output = shapeOf(g, n.output(0));

    ConvParams& p = l.layer.params;
    p.kernel = Size2(static_cast<int>(w.h), static_cast<int>(w.w));
    p.stride = Size2(static_cast<int>(strides[0]), static_cast<int>(strides[1]));
    p.dilation = Size2(static_cast<int>(dilations[0]), static_cast<int>(dilations[1]));
    p.outputPadding = Size2(static_cast<int>(outputPadding[0]), static_cast<int>(outputPadding[1]));
    p.groups = static_cast<int>(group);
    setPads(p, Pads4{static_cast<int>(pads[0]), static_cast<int>(pads[1]), static_cast<int>(pads[2]),
                     static_cast<int>(pads[3])});
    // auto_pad and output_shape solved by the engine's one solver (core/AutoPad.h).
    const AutoPad mode = parseAutoPad(l.autoPad).value_or(AutoPad::NotSet);
    try {
        if (l.outputShape.empty()) {
            p = withAutoPad(p, mode);
        } else if (l.input.h > 0 && l.input.w > 0) {
            const size_t first = l.outputShape.size() == 4 ? 2 : 0;
            p = withOutputShape(p, mode, l.input.h, l.input.w, l.outputShape[first], l.outputShape[first + 1]);
        } else {
            l.notes.push_back("output_shape given but the input size is unknown: pads taken as given");
        }
    } catch (const ParameterError& e) {
        throw ProcessingError(where(n) + ": " + e.what());
    }
    const Pads4 crops = tconv::pads(p);
    l.pads = CropPads{crops.top, crops.left, crops.bottom, crops.right};
    l.layer.weight = std::move(weight);
    l.layer.bias = constantBias(g, n, l.layer.outChannels(), l.notes);
    return l;
}

std::optional<ConvolutionDesc> strideOneConvolution(const OnnxGraph& g, const onnx::NodeProto& n, std::string* whyNot) {
    const auto no = [whyNot](const std::string& why) {
        if (whyNot) *whyNot = why;
        return std::nullopt;
    };
    if (n.op_type() != "Conv") return no("not a Conv");
    if (n.input_size() < 2) return no("no weight");
    std::optional<ConstTensor> w = g.constant(n.input(1));
    if (!w || w->dims.size() != 4) return no("its weight is not a constant 4-D tensor");
    const std::vector<int64_t> strides = attrInts(n, "strides");
    for (int64_t s : strides)
        if (s != 1) return no("its stride is " + listText(strides) + ", not 1");
    ConvolutionDesc c;
    std::vector<std::string> notes;
    c.weight = constantWeight(g, n, notes);
    const Shape4 ws = c.weight.shape();
    c.groups = static_cast<int>(attrInt(n, "group", 1));
    if (c.groups < 1 || ws.n % c.groups != 0) return no("its group does not fit its weight");
    const std::vector<int64_t> dil = axisInts(n, "dilations", 2, 1, 1);
    c.dilation = Size2(static_cast<int>(dil[0]), static_cast<int>(dil[1]));
    const std::vector<int64_t> pads = axisInts(n, "pads", 4, 0, 0);
    c.pads = CropPads{static_cast<int>(pads[0]), static_cast<int>(pads[1]), static_cast<int>(pads[2]),
                      static_cast<int>(pads[3])};
    const std::string mode = autoPadOf(n);
    if (mode == "VALID") c.pads = CropPads{0, 0, 0, 0};
    if (mode == "SAME_UPPER" || mode == "SAME_LOWER")
        for (int axis = 0; axis < 2; ++axis) {
            const int total =
                (axis ? c.dilation.w * static_cast<int>(ws.w - 1) : c.dilation.h * static_cast<int>(ws.h - 1));
            const int small = total / 2;  // SAME_UPPER: the odd one at the end
            c.pads[static_cast<size_t>(axis)] = mode == "SAME_UPPER" ? small : total - small;
            c.pads[static_cast<size_t>(axis) + 2] = total - c.pads[static_cast<size_t>(axis)];
        }
    std::vector<std::string> unused;
    c.bias = constantBias(g, n, ws.n, unused);
    return c;
}

std::optional<ResizeDesc> resizeOf(const OnnxGraph& g, const onnx::NodeProto& n, int64_t opset, std::string* whyNot) {
    const bool upsample = n.op_type() == "Upsample";
    std::vector<float> scales;
    if (upsample && opset < 9) {
        scales = attrFloats(n, "scales");
    } else {
        const int index = upsample || opset < 11 ? 1 : 2;
        if (n.input_size() > index && !n.input(index).empty())
            if (const std::optional<ConstTensor> c = g.constant(n.input(index))) scales = c->values;
        if (scales.empty() && !upsample && n.input_size() > 3 && !n.input(3).empty()) {
            const std::optional<ConstTensor> sizes = g.constant(n.input(3));
            const std::vector<int64_t> in = g.dims(n.input(0));
            if (sizes && sizes->values.size() == 4 && in.size() == 4 && in[2] > 0 && in[3] > 0)
                for (int i = 0; i < 4; ++i)
                    scales.push_back(i < 2 ? 1.0f
                                           : sizes->values[static_cast<size_t>(i)] /
                                                 static_cast<float>(in[static_cast<size_t>(i)]));
        }
    }
    if (scales.size() != 4) {
        if (whyNot) *whyNot = "its scales are not constant 4-D factors (or sizes with a known input size)";
        return std::nullopt;
    }
    ResizeDesc r;
    int factor[2] = {1, 1};
    for (int i = 0; i < 4; ++i) {
        const double s = scales[static_cast<size_t>(i)], whole = std::round(s);
        if (std::abs(s - whole) > 1e-5 || whole < 1 || (i < 2 && whole != 1)) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "its scales [%g, %g, %g, %g] are not whole spatial factors >= 1", scales[0],
                          scales[1], scales[2], scales[3]);
            if (whyNot) *whyNot = buf;
            return std::nullopt;
        }
        if (i >= 2) factor[i - 2] = static_cast<int>(whole);
    }
    r.scale = Size2(factor[0], factor[1]);
    const std::string mode = attrString(n, "mode", "nearest");
    if (mode == "nearest") r.kind = ResizeKind::Nearest;
    else if (mode == "linear" || mode == "bilinear") r.kind = ResizeKind::Linear;
    else if (mode == "cubic") r.kind = ResizeKind::Cubic;
    else throw ProcessingError(where(n) + ": mode '" + mode + "' is not supported; expected nearest, linear or cubic");
    const bool modern = !upsample && opset >= 11;
    r.coordinates = modern ? attrString(n, "coordinate_transformation_mode", "half_pixel") : "asymmetric";
    r.nearestMode = modern ? attrString(n, "nearest_mode", "round_prefer_floor") : "floor";
    r.cubicCoeffA = modern ? attrFloat(n, "cubic_coeff_a", -0.75f) : -0.75;
    if (r.coordinates != "half_pixel" && r.coordinates != "pytorch_half_pixel" && r.coordinates != "asymmetric" &&
        r.coordinates != "tf_half_pixel_for_nn") {
        if (whyNot) *whyNot = "coordinate_transformation_mode " + r.coordinates + " does not sample a periodic grid";
        return std::nullopt;
    }
    return r;
}

const onnx::NodeProto* convAfter(const OnnxGraph& g, const onnx::NodeProto& resize) {
    const std::vector<const onnx::NodeProto*> readers = g.consumers(resize.output(0));
    if (readers.size() != 1 || readers[0]->op_type() != "Conv" || readers[0]->input(0) != resize.output(0))
        return nullptr;
    return strideOneConvolution(g, *readers[0]) ? readers[0] : nullptr;
}

const onnx::NodeProto* convBefore(const OnnxGraph& g, const onnx::NodeProto& d2s) {
    const onnx::NodeProto* conv = g.producer(d2s.input(0));
    if (!conv || conv->op_type() != "Conv" || g.consumers(conv->output(0)).size() != 1) return nullptr;
    return strideOneConvolution(g, *conv) ? conv : nullptr;
}

UpsamplingLayer resizeConvNodes(const OnnxGraph& g, const onnx::NodeProto& resize, const ResizeDesc& r,
                                const onnx::NodeProto& conv) {
    std::string why;
    const std::optional<ConvolutionDesc> c = strideOneConvolution(g, conv, &why);
    if (!c) throw ProcessingError(where(conv) + ": " + why);
    UpsamplingLayer l = resizeConvLayer(r, *c);
    l.name = nodeName(conv);
    l.nodes = {nodeName(resize), nodeName(conv)};
    l.input = shapeOf(g, resize.input(0));
    l.output = shapeOf(g, conv.output(0));
    const char* kinds[] = {"nearest", "linear", "cubic"};
    l.notes.insert(l.notes.begin(), std::string(kinds[static_cast<int>(r.kind)]) + " resize x" + sizeText(r.scale) +
                                        " (" + r.coordinates + ") then the convolution, as one transposed convolution");
    return l;
}

UpsamplingLayer depthToSpaceNodes(const OnnxGraph& g, const onnx::NodeProto& d2s, const onnx::NodeProto* conv) {
    const int64_t r = attrInt(d2s, "blocksize", 0);
    if (r < 1 || r > 64)
        throw ProcessingError(where(d2s) + ": blocksize " + std::to_string(r) + " is not supported; expected 1 to 64");
    const std::string mode = attrString(d2s, "mode", "DCR");
    if (mode != "DCR" && mode != "CRD")
        throw ProcessingError(where(d2s) + ": mode '" + mode + "' is not supported; expected DCR or CRD");
    UpsamplingLayer l;
    if (conv) {
        l = depthToSpaceLayer(static_cast<int>(r), mode == "CRD", *strideOneConvolution(g, *conv));
        l.nodes = {nodeName(*conv), nodeName(d2s)};
        l.input = shapeOf(g, conv->input(0));
    } else {
        const Shape4 in = shapeOf(g, d2s.input(0));
        if (in.c < 1)
            throw ProcessingError(where(d2s) + ": its input's channel count is unknown and no convolution makes it");
        l = depthToSpaceAlone(static_cast<int>(r), mode == "CRD", in.c);
        l.nodes = {nodeName(d2s)};
        l.input = in;
    }
    l.name = nodeName(d2s);
    l.output = shapeOf(g, d2s.output(0));
    return l;
}

}  // namespace tconv::app::onnxio
