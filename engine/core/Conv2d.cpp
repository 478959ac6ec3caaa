// SPDX-License-Identifier: MIT
#include "core/Conv2d.h"

#include <sstream>

#include "core/Backend.h"
#include "core/ConvError.h"
#include "core/MemoryEstimate.h"
#include "core/OutputGeometry.h"
#include "core/Validation.h"

namespace tconv {
namespace {

[[noreturn]] void fail(const std::string& message) { throw ParameterError(message); }

std::string pair(const char* name, Size2 v) {
    return std::string(name) + "_height: " + std::to_string(v.h) + " " + name + "_width: " + std::to_string(v.w);
}

std::string shapeList(const Shape4& s) {
    std::ostringstream o;
    o << "[" << s.n << ", " << s.c << ", " << s.h << ", " << s.w << "]";
    return o.str();
}

void validateConv2dParams(const Conv2dParams& p) {
    if (p.kernel.h <= 0 || p.kernel.w <= 0)
        fail("kernel size should be greater than zero, but got " + pair("kernel", p.kernel));
    if (p.kernel.h > kMaxKernelSize || p.kernel.w > kMaxKernelSize)
        fail("kernel size should be at most " + std::to_string(kMaxKernelSize) + " per axis, but got " +
             pair("kernel", p.kernel));
    if (p.stride.h <= 0 || p.stride.w <= 0)
        fail("stride should be greater than zero, but got " + pair("stride", p.stride));
    if (p.dilation.h <= 0 || p.dilation.w <= 0)
        fail("dilation should be greater than zero, but got " + pair("dilation", p.dilation));
    if (p.padding.h < 0 || p.padding.w < 0)
        fail("negative padding is not supported, but got " + pair("padding", p.padding));
    if (p.groups <= 0) fail("non-positive groups is not supported, but got groups=" + std::to_string(p.groups));
}

void validateConv2dWeight(const Shape4& w, const Conv2dParams& p) {
    if (w.n <= 0 || w.c <= 0 || w.h <= 0 || w.w <= 0)
        fail("expected a non-empty weight of shape (C_out, C_in/groups, kH, kW), but got weight of size " +
             shapeList(w));
    if (w.h != p.kernel.h || w.w != p.kernel.w)
        fail("weight of size " + shapeList(w) + " does not match kernel_size " + sizeText(p.kernel));
    if (w.n % p.groups != 0)
        fail("Given groups=" + std::to_string(p.groups) + ", expected weight to be divisible by " +
             std::to_string(p.groups) + " at dimension 0, but got weight of size " + shapeList(w) + " instead");
}

}  // namespace

int64_t conv2dOutputExtent(int64_t in, int k, int s, int p, int d) {
    // (in + 2p - d(k-1) - 1) / s + 1 with floor division; the operands are
    // bounded (in < 2^62 by Shape4's users, k, s, p, d < 2^31), so only the
    // sum needs care.
    int64_t span = 0;
    if (__builtin_mul_overflow(int64_t(d), int64_t(k) - 1, &span)) return -kMaxExtent;
    int64_t padded = 0;
    if (__builtin_add_overflow(in, 2 * int64_t(p), &padded)) return kMaxExtent;
    const int64_t room = padded - span - 1;
    if (room < 0) return 0;
    return room / s + 1;
}

Shape4 validateConv2d(const Shape4& in, const Conv2dLayer& layer, const ResourceLimits& limits) {
    const Conv2dParams& p = layer.params;
    validateConv2dParams(p);
    const Shape4& w = layer.weight.shape();
    if (in.n < 0 || in.c <= 0 || in.h <= 0 || in.w <= 0)
        fail("expected a non-empty input of shape (N, C, H, W) (N may be 0), but got input of size " + shapeList(in));
    validateConv2dWeight(w, p);
    if (layer.weight.size() != w.count())
        fail("weight holds " + std::to_string(layer.weight.size()) + " values but its shape " + shapeList(w) +
             " needs " + std::to_string(w.count()));
    int64_t inChannels = 0;
    if (__builtin_mul_overflow(w.c, int64_t(p.groups), &inChannels) || in.c != inChannels)
        fail("Given groups=" + std::to_string(p.groups) + ", weight of size " + shapeList(w) + ", expected input" +
             shapeList(in) + " to have " + std::to_string(inChannels) + " channels, but got " + std::to_string(in.c) +
             " channels instead");
    if (!layer.bias.empty() && static_cast<int64_t>(layer.bias.size()) != w.n)
        fail("Given weight of size " + shapeList(w) + ", expected bias to be 1-dimensional with " +
             std::to_string(w.n) + " elements, but got bias of size [" + std::to_string(layer.bias.size()) +
             "] instead");
    const int64_t oh = conv2dOutputExtent(in.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
    const int64_t ow = conv2dOutputExtent(in.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
    if (oh <= 0 || ow <= 0) {
        std::ostringstream o;
        o << "Calculated padded input size per channel: (" << in.h + 2 * int64_t(p.padding.h) << " x "
          << in.w + 2 * int64_t(p.padding.w) << "). Kernel size: (" << (int64_t(p.kernel.h) - 1) * p.dilation.h + 1
          << " x " << (int64_t(p.kernel.w) - 1) * p.dilation.w + 1
          << "). Kernel size can't be greater than actual input size";
        fail(o.str());
    }
    if (oh >= kMaxExtent || ow >= kMaxExtent)
        fail("Given input size per channel: (" + std::to_string(in.h) + " x " + std::to_string(in.w) +
             "): the output would have more than 2^62 rows or columns");
    const Shape4 outShape{in.n, w.n, oh, ow};
    PeakMemory peak;
    peak.add("input " + shapeList(in), tensorBytes(in));
    peak.add("weight " + shapeList(w), tensorBytes(w));
    peak.add("output " + shapeList(outShape), tensorBytes(outShape));
    peak.check(limits, "Conv2d with output " + shapeList(outShape));
    return outShape;
}

void conv2d(const Tensor& input, const Conv2dLayer& layer, Backend& backend, Tensor& output,
            const ResourceLimits& limits) {
    const Shape4 outShape = validateConv2d(input.shape(), layer, limits);
    if (input.size() != input.shape().count())
        throw ParameterError("input holds " + std::to_string(input.size()) + " values but its shape " +
                             shapeText(input.shape()) + " needs " + std::to_string(input.shape().count()));
    output.resize(outShape);
    if (outShape.count() == 0) return;
    backend.runConv2d(input, layer, output);
}

// Loops in the definition's order; `Acc` is double for the reference and
// float for the plain backend path.
template <class Acc>
static void convolveDefinition(const Tensor& input, const Conv2dLayer& layer, Tensor& out) {
    const Conv2dParams& p = layer.params;
    const Shape4 in = input.shape(), o = out.shape(), w = layer.weight.shape();
    const int64_t cinPerGroup = w.c, coutPerGroup = w.n / p.groups;
    for (int64_t n = 0; n < o.n; ++n)
        for (int64_t co = 0; co < o.c; ++co) {
            const int64_t g = co / coutPerGroup;
            const Acc b = layer.bias.empty() ? Acc(0) : Acc(layer.bias[static_cast<size_t>(co)]);
            for (int64_t oy = 0; oy < o.h; ++oy)
                for (int64_t ox = 0; ox < o.w; ++ox) {
                    Acc acc = 0;
                    for (int64_t c = 0; c < cinPerGroup; ++c)
                        for (int64_t ky = 0; ky < w.h; ++ky) {
                            const int64_t iy = oy * p.stride.h - p.padding.h + ky * p.dilation.h;
                            if (iy < 0 || iy >= in.h) continue;
                            for (int64_t kx = 0; kx < w.w; ++kx) {
                                const int64_t ix = ox * p.stride.w - p.padding.w + kx * p.dilation.w;
                                if (ix < 0 || ix >= in.w) continue;
                                acc += Acc(input.at(n, g * cinPerGroup + c, iy, ix)) * layer.weight.at(co, c, ky, kx);
                            }
                        }
                    out.at(n, co, oy, ox) = static_cast<float>(acc + b);
                }
        }
}

Tensor referenceConv2d(const Tensor& input, const Conv2dLayer& layer) {
    Tensor out(validateConv2d(input.shape(), layer, ResourceLimits{}));
    convolveDefinition<double>(input, layer, out);
    return out;
}

void plainConv2d(const Tensor& input, const Conv2dLayer& layer, Tensor& output) {
    convolveDefinition<float>(input, layer, output);
    applyConv2dEpilogue(layer, output);
}

void applyConv2dEpilogue(const Conv2dLayer& layer, Tensor& output) {
    if (!layer.epilogue) return;
    const Shape4 o = output.shape();
    for (int64_t n = 0; n < o.n; ++n)
        for (int64_t c = 0; c < o.c; ++c) layer.epilogue(n, c, 0, o.h, output.plane(n, c));
}

std::string describe(const Conv2dParams& p) {
    return "k=" + sizeText(p.kernel) + " s=" + sizeText(p.stride) + " p=" + sizeText(p.padding) +
           " d=" + sizeText(p.dilation) + " g=" + std::to_string(p.groups);
}

}  // namespace tconv
