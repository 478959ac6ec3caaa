// SPDX-License-Identifier: MIT
#include "core/Validation.h"

#include <sstream>

#include "core/ConvError.h"
#include "core/MemoryEstimate.h"

namespace tconv {
namespace {

[[noreturn]] void fail(const std::string& message) { throw ParameterError(message); }

std::string pair(const char* name, Size2 v) {
    std::ostringstream s;
    s << name << "_height: " << v.h << " " << name << "_width: " << v.w;
    return s.str();
}

// "padding 1" (PyTorch's symmetric padding) or "pads [1, 2, 3, 4]" (top, left, bottom, right).
std::string paddingText(const ConvParams& p) {
    if (!hasAsymmetricPadding(p)) return "padding " + sizeText(p.padding);
    const Pads4 f = pads(p);
    std::ostringstream o;
    o << "pads [" << f.top << ", " << f.left << ", " << f.bottom << ", " << f.right << "]";
    return o.str();
}

std::string shapeList(const Shape4& s) {
    std::ostringstream o;
    o << "[" << s.n << ", " << s.c << ", " << s.h << ", " << s.w << "]";
    return o.str();
}

}  // namespace

void validateParams(const ConvParams& p) {
    if (p.kernel.h <= 0 || p.kernel.w <= 0)
        fail("kernel size should be greater than zero, but got " + pair("kernel", p.kernel));
    if (p.kernel.h > kMaxKernelSize || p.kernel.w > kMaxKernelSize)
        fail("kernel size should be at most " + std::to_string(kMaxKernelSize) + " per axis, but got " +
             pair("kernel", p.kernel));
    if (p.stride.h <= 0 || p.stride.w <= 0)
        fail("stride should be greater than zero, but got " + pair("stride", p.stride));
    if (p.dilation.h <= 0 || p.dilation.w <= 0)
        fail("dilation should be greater than zero, but got " + pair("dilation", p.dilation));
    if (!hasAsymmetricPadding(p) && (p.padding.h < 0 || p.padding.w < 0))
        fail("negative padding is not supported, but got " + pair("padding", p.padding));
    const Pads4 four = pads(p);
    if (four.top < 0 || four.left < 0 || four.bottom < 0 || four.right < 0)
        fail("negative padding is not supported, but got pads [top, left, bottom, right] = [" + padsText(four) + "]");
    if (p.outputPadding.h < 0 || p.outputPadding.w < 0)
        fail("negative output_padding is not supported, but got " + pair("output_padding", p.outputPadding));
    const bool okH = outputPaddingAllowed(p.outputPadding.h, p.stride.h, p.dilation.h);
    const bool okW = outputPaddingAllowed(p.outputPadding.w, p.stride.w, p.dilation.w);
    if (!okH || !okW)
        fail("output padding must be smaller than either stride or dilation, but got " +
             pair("output_padding", p.outputPadding) + " " + pair("stride", p.stride) + " " +
             pair("dilation", p.dilation));
    if (p.groups <= 0) fail("non-positive groups is not supported, but got groups=" + std::to_string(p.groups));
}

void validateWeight(const Shape4& w, const ConvParams& p) {
    if (w.n <= 0 || w.c <= 0 || w.h <= 0 || w.w <= 0)
        fail("expected a non-empty weight of shape (C_in, C_out/groups, kH, kW), but got weight of size " +
             shapeList(w));
    if (w.h != p.kernel.h || w.w != p.kernel.w)
        fail("weight of size " + shapeList(w) + " does not match kernel_size " + sizeText(p.kernel));
    if (w.n % p.groups != 0)
        fail("Given groups=" + std::to_string(p.groups) + ", expected weight to be divisible by " +
             std::to_string(p.groups) + " at dimension 0, but got weight of size " + shapeList(w) + " instead");
}

Shape4 validateProblem(const ConvProblem& pr, const ResourceLimits& limits) {
    const ConvParams& p = pr.params;
    validateParams(p);
    const Shape4& in = pr.input;
    const Shape4& w = pr.weight;
    // Like PyTorch, an empty batch (N = 0) is allowed and gives an empty output.
    if (in.n < 0 || in.c <= 0 || in.h <= 0 || in.w <= 0)
        fail("expected a non-empty input of shape (N, C, H, W) (N may be 0), but got input of size " + shapeList(in));
    validateWeight(w, p);
    if (in.c != w.n)
        fail("Given transposed=1, weight of size " + shapeList(w) + ", expected input" + shapeList(in) + " to have " +
             std::to_string(w.n) + " channels, but got " + std::to_string(in.c) + " channels instead");
    int64_t outChannels = 0;
    if (__builtin_mul_overflow(w.c, int64_t(p.groups), &outChannels))
        fail("weight of size " + shapeList(w) + " with groups=" + std::to_string(p.groups) +
             " has more output channels than fit in 64 bits");
    if (pr.biasSize >= 0 && pr.biasSize != outChannels)
        fail("Given transposed=1, weight of size " + shapeList(w) + ", expected bias to be 1-dimensional with " +
             std::to_string(outChannels) + " elements, but got bias of size [" + std::to_string(pr.biasSize) +
             "] instead");
    const OutputSize out = outputSize(in.h, in.w, p);
    if (out.h >= kMaxExtent || out.w >= kMaxExtent) {
        std::ostringstream o;
        o << "Given input size per channel: (" << in.h << " x " << in.w << ") and stride " << sizeText(p.stride)
          << ", dilation " << sizeText(p.dilation) << ": the output would have more than 2^62 rows or columns";
        fail(o.str());
    }
    if (out.h <= 0 || out.w <= 0) {
        std::ostringstream o;
        o << "Given input size per channel: (" << in.h << " x " << in.w << "). Calculated output size per channel: ("
          << out.h << " x " << out.w << "). Output size is too small (" << paddingText(p)
          << " removes more than the transposed convolution produces)";
        fail(o.str());
    }
    const Shape4 outShape{in.n, outChannels, out.h, out.w};
    // The computation's own peak: input, weights, bias and output live at once.
    PeakMemory peak;
    peak.add("input " + shapeList(in), tensorBytes(in));
    peak.add("weight " + shapeList(w), tensorBytes(w));
    peak.add("output " + shapeList(outShape), tensorBytes(outShape));
    peak.check(limits, "ConvTranspose2d with output " + shapeList(outShape));
    return outShape;
}

}  // namespace tconv
