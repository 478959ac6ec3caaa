// SPDX-License-Identifier: MIT
#include "analysis/ResizeConv.h"

#include <algorithm>
#include <climits>

#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
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
// (H-1)s + d(k-1) + s), c = pBegin + floor((s-1)/2). As a transposed
// convolution with begin padding c, the output has the right length when its
// end padding minus its output_padding is E = pEnd - q + ceil((s-1)/2): end
// padding E when E >= 0, else output_padding -E (it must stay below s, the
// zero-order-hold kernel having dilation 1). Cropping at the end and
// extending with zeros give the same values (v is Z, zero outside).
struct FastAxis {
    int padBegin = 0, padEnd = 0, outputPadding = 0;
    bool ok = false;
};

FastAxis fastAxis(int s, int pBegin, int pEnd, int q) {
    FastAxis a;
    // In 64 bits: p + (s-1)/2 passes INT_MAX for paddings near it, and then
    // the fast path is not taken (the general path refuses such sizes).
    const int64_t begin = int64_t(pBegin) + (int64_t(s) - 1) / 2;
    const int64_t endMinusQ = int64_t(pEnd) - q + int64_t(s) / 2;
    a.ok = begin <= INT32_MAX && endMinusQ <= INT32_MAX && -endMinusQ < s;
    if (!a.ok) return a;
    a.padBegin = static_cast<int>(begin);
    a.padEnd = static_cast<int>(std::max<int64_t>(endMinusQ, 0));
    a.outputPadding = static_cast<int>(std::max<int64_t>(-endMinusQ, 0));
    return a;
}

FastAxis fastAxisH(const ConvParams& p) { return fastAxis(p.stride.h, padBegin(p).h, padEnd(p).h, p.outputPadding.h); }
FastAxis fastAxisW(const ConvParams& p) { return fastAxis(p.stride.w, padBegin(p).w, padEnd(p).w, p.outputPadding.w); }

// The zero-order-hold kernel's extent along one axis: d(k-1) + s.
int64_t zohExtent(int k, int s, int d) { return effectiveExtent(k, d) + s - 1; }

// The fast path's kernel must pass validation like any other.
bool zohKernelAllowed(int64_t kh, int64_t kw) { return kh <= kMaxKernelSize && kw <= kMaxKernelSize; }

bool nearestFastPath(const Tensor& input, const ConvLayer& layer, Backend& backend, Tensor& output,
                     const ResourceLimits& limits) {
    const ConvParams& p = layer.params;
    const FastAxis h = fastAxisH(p);
    const FastAxis w = fastAxisW(p);
    if (!h.ok || !w.ok) return false;  // output_padding >= stride (allowed by the dilation): general path
    const int64_t kh = zohExtent(p.kernel.h, p.stride.h, p.dilation.h),
                  kw = zohExtent(p.kernel.w, p.stride.w, p.dilation.w);
    if (!zohKernelAllowed(kh, kw)) return false;  // the general path has no such kernel
    ConvLayer zoh;
    zoh.params = p;
    zoh.params.kernel = Size2(static_cast<int>(kh), static_cast<int>(kw));
    zoh.params.dilation = Size2(1, 1);
    setPads(zoh.params, Pads4{h.padBegin, w.padBegin, h.padEnd, w.padEnd});
    zoh.params.outputPadding = Size2(h.outputPadding, w.outputPadding);
    const Shape4 ws4 = layer.weight.shape();
    zoh.weight = Tensor(Shape4{ws4.n, ws4.c, zoh.params.kernel.h, zoh.params.kernel.w});
    for (int64_t ci = 0; ci < ws4.n; ++ci)
        for (int64_t col = 0; col < ws4.c; ++col)
            setWeightSlice(zoh, ci, col, zeroOrderHoldKernel(weightSlice(layer, ci, col), p.stride, p.dilation));
    zoh.bias = layer.bias;
    convTranspose2d(input, zoh, backend, output, limits);
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
    const FastAxis fh = fastAxisH(p);
    const FastAxis fw = fastAxisW(p);
    const int64_t kh = zohExtent(p.kernel.h, p.stride.h, p.dilation.h),
                  kw = zohExtent(p.kernel.w, p.stride.w, p.dilation.w);
    if (options.resize == ResizeMode::Nearest && options.border == BorderMode::Zeros && fh.ok && fw.ok &&
        zohKernelAllowed(kh, kw)) {
        // The zero-order-hold weight and one slice's double accumulator and
        // float copy (the output comes out at its size: no crop).
        const uint64_t taps = mulBytes(uint64_t(kh), uint64_t(kw));
        return addBytes(tensorBytes(Shape4{w.n, w.c, kh, kw}), mulBytes(taps, 12));
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
    // The begin padding shortens the before side, the end padding the after side.
    const Size2 b = padBegin(p), e = padEnd(p);
    r.beforeH = eh - 1 - b.h - (p.stride.h - 1) / 2;
    r.afterH = eh - 1 - e.h + p.outputPadding.h - p.stride.h / 2;
    r.beforeW = ew - 1 - b.w - (p.stride.w - 1) / 2;
    r.afterW = ew - 1 - e.w + p.outputPadding.w - p.stride.w / 2;
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
        nearestFastPath(input, layer, backend, output, limits))
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
    corr.params.paddingEnd.reset();  // symmetric: the layer's own crops are in u's padding
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
