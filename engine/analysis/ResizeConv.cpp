// SPDX-License-Identifier: MIT
#include "analysis/ResizeConv.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
#include "analysis/internal/ParallelFor.h"
#include "analysis/internal/Upsample.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/MemoryEstimate.h"
#include "core/OutputGeometry.h"
#include "core/Validation.h"

namespace tconv {
namespace {

int64_t effectiveExtent(int k, int d) { return static_cast<int64_t>(d) * (k - 1) + 1; }

bool fitsInt(int64_t v) { return v >= 0 && v <= INT32_MAX; }

// The nearest fast path along one axis: v[o] = Z[o + c] with Z the full
// transposed convolution of x with the zero-order-hold kernel (length
// (H-1)s + d(k-1) + s), c = p + floor((s-1)/2). As a transposed convolution
// with padding c its natural length is out - extra, extra = q (odd s) or q - 1
// (even s), supplied as output_padding when in [0, s), or cropped when -1.
struct FastAxis {
    int padding = 0, outputPadding = 0;
    bool crop = false;
    bool ok = false;
};

FastAxis fastAxis(int s, int p, int q) {
    FastAxis a;
    // In 64 bits: p + (s-1)/2 passes INT_MAX for paddings near it, and then
    // the fast path is not taken (the general path refuses such sizes).
    const int64_t padding = int64_t(p) + (int64_t(s) - 1) / 2;
    const int64_t extra = s % 2 ? q : int64_t(q) - 1;
    a.ok = extra >= -1 && extra < s && padding <= INT32_MAX;
    if (!a.ok) return a;
    a.padding = static_cast<int>(padding);
    a.crop = extra < 0;
    a.outputPadding = static_cast<int>(std::max<int64_t>(extra, 0));
    return a;
}

// The zero-order-hold kernel's extent along one axis: d(k-1) + s.
int64_t zohExtent(int k, int s, int d) { return effectiveExtent(k, d) + s - 1; }

// The fast path's kernel must pass validation like any other.
bool zohKernelAllowed(int64_t kh, int64_t kw) { return kh <= kMaxKernelSize && kw <= kMaxKernelSize; }

// Copies the leading out.h x out.w block of every plane of `big` into `out`.
void cropInto(const Tensor& big, const Shape4& shape, Tensor& out) {
    out.resize(shape);
    const Shape4 b = big.shape();
    analysis::parallelFor(0, shape.n * shape.c * shape.h, 256, [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
            const int64_t plane = r / shape.h, y = r % shape.h;
            std::memcpy(out.data() + r * shape.w, big.data() + (plane * b.h + y) * b.w,
                        static_cast<size_t>(shape.w) * sizeof(float));
        }
    });
}

bool nearestFastPath(const Tensor& input, const ConvLayer& layer, Backend& backend, const Shape4& outShape,
                     Tensor& output, ResizeConvWorkspace& ws, const ResourceLimits& limits) {
    const ConvParams& p = layer.params;
    const FastAxis h = fastAxis(p.stride.h, p.padding.h, p.outputPadding.h);
    const FastAxis w = fastAxis(p.stride.w, p.padding.w, p.outputPadding.w);
    if (!h.ok || !w.ok) return false;  // output_padding >= stride (allowed by the dilation): general path
    const int64_t kh = zohExtent(p.kernel.h, p.stride.h, p.dilation.h),
                  kw = zohExtent(p.kernel.w, p.stride.w, p.dilation.w);
    if (!zohKernelAllowed(kh, kw)) return false;  // the general path has no such kernel
    ConvLayer zoh;
    zoh.params = p;
    zoh.params.kernel = Size2(static_cast<int>(kh), static_cast<int>(kw));
    zoh.params.dilation = Size2(1, 1);
    zoh.params.padding = Size2(h.padding, w.padding);
    zoh.params.outputPadding = Size2(h.outputPadding, w.outputPadding);
    const Shape4 ws4 = layer.weight.shape();
    zoh.weight = Tensor(Shape4{ws4.n, ws4.c, zoh.params.kernel.h, zoh.params.kernel.w});
    for (int64_t ci = 0; ci < ws4.n; ++ci)
        for (int64_t col = 0; col < ws4.c; ++col)
            setWeightSlice(zoh, ci, col, zeroOrderHoldKernel(weightSlice(layer, ci, col), p.stride, p.dilation));
    zoh.bias = layer.bias;
    if (!h.crop && !w.crop) {
        convTranspose2d(input, zoh, backend, output, limits);
        return true;
    }
    convTranspose2d(input, zoh, backend, ws.uncropped, limits);
    cropInto(ws.uncropped, outShape, output);
    return true;
}

}  // namespace

std::optional<ResizeMode> parseResizeMode(const std::string& name) {
    if (name == "nearest") return ResizeMode::Nearest;
    if (name == "bilinear") return ResizeMode::Bilinear;
    return std::nullopt;
}

std::optional<BorderMode> parseBorderMode(const std::string& name) {
    if (name == "zeros") return BorderMode::Zeros;
    if (name == "replicate") return BorderMode::Replicate;
    if (name == "reflect") return BorderMode::Reflect;
    return std::nullopt;
}

const char* resizeModeName(ResizeMode m) { return m == ResizeMode::Nearest ? "nearest" : "bilinear"; }

const char* borderModeName(BorderMode m) {
    switch (m) {
        case BorderMode::Zeros: return "zeros";
        case BorderMode::Replicate: return "replicate";
        case BorderMode::Reflect: return "reflect";
    }
    return "zeros";
}

uint64_t resizeConvExtraBytes(const Shape4& in, const ConvLayer& layer, const ResizeConvOptions& options) {
    const ConvParams& p = layer.params;
    const Shape4 w = layer.weight.shape();
    const OutputSize out = outputSize(in.h, in.w, p);
    const Shape4 outShape{in.n, w.c * p.groups, out.h, out.w};
    const FastAxis fh = fastAxis(p.stride.h, p.padding.h, p.outputPadding.h);
    const FastAxis fw = fastAxis(p.stride.w, p.padding.w, p.outputPadding.w);
    const int64_t kh = zohExtent(p.kernel.h, p.stride.h, p.dilation.h),
                  kw = zohExtent(p.kernel.w, p.stride.w, p.dilation.w);
    if (options.resize == ResizeMode::Nearest && options.border == BorderMode::Zeros && fh.ok && fw.ok &&
        zohKernelAllowed(kh, kw)) {
        // The zero-order-hold weight, one slice's double accumulator and float
        // copy, and the one-larger output cropped from for even strides.
        const uint64_t taps = mulBytes(uint64_t(kh), uint64_t(kw));
        uint64_t bytes = addBytes(tensorBytes(Shape4{w.n, w.c, kh, kw}), mulBytes(taps, 12));
        if (fh.crop || fw.crop)
            bytes = addBytes(bytes, tensorBytes(Shape4{outShape.n, outShape.c, outShape.h + 1, outShape.w + 1}));
        return bytes;
    }
    // The resized, padded input (negative padding crops) and the scaled weight copy.
    const ResizeConvPadding pad = resizeConvPadding(p);
    auto extent = [](int64_t n, int s, int64_t before, int64_t after) {
        const long double e = static_cast<long double>(n) * s + before + after;
        return e <= 0 ? int64_t(0) : e >= 9.0e18L ? INT64_MAX : static_cast<int64_t>(e);
    };
    const Shape4 resized{in.n, in.c, extent(in.h, p.stride.h, pad.beforeH, pad.afterH),
                         extent(in.w, p.stride.w, pad.beforeW, pad.afterW)};
    return addBytes(tensorBytes(resized), tensorBytes(w));
}

ResizeConvPadding resizeConvPadding(const ConvParams& p) {
    const int64_t eh = effectiveExtent(p.kernel.h, p.dilation.h), ew = effectiveExtent(p.kernel.w, p.dilation.w);
    ResizeConvPadding r;
    // floor((s-1)/2) before and ceil((s-1)/2) after: the resized pixel block's
    // centre lands where the transposed convolution puts the input pixel.
    r.beforeH = eh - 1 - p.padding.h - (p.stride.h - 1) / 2;
    r.afterH = eh - 1 - p.padding.h + p.outputPadding.h - p.stride.h / 2;
    r.beforeW = ew - 1 - p.padding.w - (p.stride.w - 1) / 2;
    r.afterW = ew - 1 - p.padding.w + p.outputPadding.w - p.stride.w / 2;
    return r;
}

void resizeConv2d(const Tensor& input, const ConvLayer& layer, const ResizeConvOptions& options, Backend& backend,
                  Tensor& output, ResizeConvWorkspace& ws, const ResourceLimits& limits) {
    const Shape4 outShape = validateProblem(layer.problemFor(input.shape()), limits);
    if (input.size() != input.shape().count())
        throw ParameterError("input holds " + std::to_string(input.size()) + " values but its shape " +
                             shapeText(input.shape()) + " needs " + std::to_string(input.shape().count()));
    PeakMemory peak;
    peak.add("input " + shapeText(input.shape()), tensorBytes(input.shape()));
    peak.add("weight " + shapeText(layer.weight.shape()), tensorBytes(layer.weight.shape()));
    peak.add("output " + shapeText(outShape), tensorBytes(outShape));
    peak.add("resize-conv intermediates", resizeConvExtraBytes(input.shape(), layer, options));
    peak.check(limits,
               std::string("resize-conv (") + resizeModeName(options.resize) + ") with output " + shapeText(outShape));
    if (options.resize == ResizeMode::Nearest && options.border == BorderMode::Zeros &&
        nearestFastPath(input, layer, backend, outShape, output, ws, limits))
        return;

    const ConvParams& p = layer.params;
    const int64_t eh = effectiveExtent(p.kernel.h, p.dilation.h), ew = effectiveExtent(p.kernel.w, p.dilation.w);
    if (!fitsInt(eh - 1) || !fitsInt(ew - 1))
        throw ParameterError("resize-conv: dilation " + sizeText(p.dilation) + " with kernel size " +
                             sizeText(p.kernel) + " spans more than " + std::to_string(INT32_MAX) + " pixels");
    const ResizeConvPadding pad = resizeConvPadding(p);
    upsamplePadded(input, p.stride, options.resize, Pad4{pad.beforeH, pad.afterH, pad.beforeW, pad.afterW},
                   options.border, ws.resized);

    // With padding k_e - 1 a stride-1 transposed convolution is the "valid"
    // correlation with the flipped kernel: y[o] = sum_t u[o + k_e-1 - d t] K[t].
    ConvLayer corr;
    corr.params = p;
    corr.params.stride = Size2(1, 1);
    corr.params.outputPadding = Size2(0, 0);
    corr.params.padding = Size2(static_cast<int>(eh - 1), static_cast<int>(ew - 1));
    corr.weight = layer.weight;
    const float scale = 1.0f / static_cast<float>(p.stride.h * p.stride.w);
    for (float& v : corr.weight.storage()) v *= scale;
    corr.bias = layer.bias;
    convTranspose2d(ws.resized, corr, backend, output, limits);
    if (output.shape() != outShape)
        throw ProcessingError("resize-conv produced " + shapeText(output.shape()) + " instead of " +
                              shapeText(outShape) + " (internal error)");
}

void resizeConv2d(const Tensor& input, const ConvLayer& layer, const ResizeConvOptions& options, Backend& backend,
                  Tensor& output, const ResourceLimits& limits) {
    ResizeConvWorkspace ws;
    resizeConv2d(input, layer, options, backend, output, ws, limits);
}

Tensor resizeConv2d(const Tensor& input, const ConvLayer& layer, const ResizeConvOptions& options, Backend& backend,
                    const ResourceLimits& limits) {
    Tensor out;
    resizeConv2d(input, layer, options, backend, out, limits);
    return out;
}

Tensor differenceImage(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape())
        throw ParameterError("cannot subtract images of different shapes " + shapeText(a.shape()) + " and " +
                             shapeText(b.shape()));
    Tensor d(a.shape());
    for (int64_t i = 0; i < a.size(); ++i) d.data()[i] = a.data()[i] - b.data()[i];
    return d;
}

}  // namespace tconv
