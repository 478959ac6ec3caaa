// SPDX-License-Identifier: MIT
#include "analysis/KernelRepair.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <optional>
#include <vector>

#include "analysis/ArtifactComponent.h"
#include "analysis/LayerKernels.h"
#include "analysis/PhaseGain.h"
#include "core/ConvError.h"
#include "core/MemoryEstimate.h"
#include "core/Validation.h"

namespace tconv {
namespace {

// Zero-order hold along one axis: the new kernel is d(k-1)+s long, i.e.
// s-1 longer, so the output would grow by s-1; take it back with
// 2*dp - dq = s-1, dp added to both the begin and the end padding (so a
// PyTorch layer stays one). dp is chosen as close to (s-1)/2 as possible (the
// box's centre), preferring floor((s-1)/2) as the resize-conv alignment does.
struct ZohAxis {
    int kernel = 0, padBegin = 0, padEnd = 0, outputPadding = 0;
    std::string reason;
};

// In 64 bits: d(k-1)+s and the padding search overflow int for large
// dilations and paddings (UBSan), and a wrapped size would then be named in
// the message.
ZohAxis zohAxis(int k, int s, int pBegin, int pEnd, int q, int d, const char* axis) {
    const int p = std::min(pBegin, pEnd);  // the side that limits dp from below
    ZohAxis r;
    const int64_t kernel = int64_t(d) * (k - 1) + s;
    if (kernel > kMaxKernelSize) {
        r.reason = "zero-order hold needs a kernel of d(k-1)+s = " + std::to_string(kernel) + " taps along " +
                   std::string(axis) + " (dilation " + std::to_string(d) + ", kernel " + std::to_string(k) +
                   ", stride " + std::to_string(s) + "), more than the maximum kernel size " +
                   std::to_string(kMaxKernelSize);
        return r;
    }
    r.kernel = static_cast<int>(kernel);
    // 2*dp - dq = s-1 with the new output_padding q2 = q + 2dp - (s-1) in
    // [0, s): dp in [ceil((s-1-q)/2), floor((2s-1-q)/2)], at most one or two
    // values; the one nearest (s-1)/2 (ties: the smaller) that keeps the
    // padding >= 0.
    std::optional<int64_t> best;
    auto distance = [s](int64_t dp) { return std::llabs(2 * dp - (int64_t(s) - 1)); };
    const int64_t lo = std::max<int64_t>(-int64_t(p), (int64_t(s) - 1 - q + 1) / 2 - 1);
    const int64_t hi = std::min<int64_t>(int64_t(s) + q, (2 * int64_t(s) - 1 - q) / 2 + 1);
    for (int64_t dp = lo; dp <= hi; ++dp) {
        const int64_t q2 = int64_t(q) + 2 * dp - (int64_t(s) - 1);
        if (q2 < 0 || q2 >= s) continue;  // dilation 1 now: PyTorch needs output_padding < stride
        // Ties (even s) go to the smaller padding, found first.
        if (!best || distance(dp) < distance(*best)) best = dp;
    }
    if (!best || int64_t(std::max(pBegin, pEnd)) + *best > INT32_MAX) {
        r.reason = "zero-order hold needs output_padding < stride along " + std::string(axis) +
                   " (its kernel has dilation 1), but output_padding " + std::to_string(q) + " with stride " +
                   std::to_string(s) + " and dilation " + std::to_string(d) +
                   " cannot be matched by any padding >= 0 keeping the output size";
        return r;
    }
    r.padBegin = static_cast<int>(pBegin + *best);
    r.padEnd = static_cast<int>(pEnd + *best);
    r.outputPadding = static_cast<int>(int64_t(q) + 2 * *best - (int64_t(s) - 1));
    return r;
}

}  // namespace

Kernel2D zeroOrderHoldKernel(const Kernel2D& k, Size2 s, Size2 d) {
    const int64_t eh64 = int64_t(d.h) * (k.h - 1) + 1, ew64 = int64_t(d.w) * (k.w - 1) + 1;
    if (eh64 + s.h - 1 > kMaxKernelSize || ew64 + s.w - 1 > kMaxKernelSize)
        throw ParameterError("zero-order hold needs a kernel of " + std::to_string(eh64 + s.h - 1) + "x" +
                             std::to_string(ew64 + s.w - 1) +
                             " taps (d(k-1)+s per axis), more than the maximum kernel size " +
                             std::to_string(kMaxKernelSize));
    const int eh = static_cast<int>(eh64), ew = static_cast<int>(ew64);
    std::vector<double> acc(static_cast<size_t>(eh + s.h - 1) * (ew + s.w - 1), 0.0);
    const size_t stride = static_cast<size_t>(ew + s.w - 1);
    for (int y = 0; y < k.h; ++y)
        for (int x = 0; x < k.w; ++x)
            for (int by = 0; by < s.h; ++by)
                for (int bx = 0; bx < s.w; ++bx)
                    acc[static_cast<size_t>(y * d.h + by) * stride + static_cast<size_t>(x * d.w + bx)] += k.at(y, x);
    Kernel2D out(eh + s.h - 1, ew + s.w - 1);
    const double scale = 1.0 / (static_cast<double>(s.h) * s.w);
    for (size_t i = 0; i < acc.size(); ++i) out.taps[i] = static_cast<float>(acc[i] * scale);
    return out;
}

namespace {

// Parameter changes shared by every slice of a layer.
struct RepairPlan {
    bool ok = false;
    std::string reason;
    ConvParams params;
};

RepairPlan planRepair(const Kernel2D& k, const ConvParams& in, RepairMethod m) {
    ConvParams p = in;
    p.kernel = Size2(k.h, k.w);
    if (p.groups <= 0) p.groups = 1;
    validateParams(p);
    RepairPlan plan;
    if (m == RepairMethod::Additive) {
        const std::string why = holeReason(phaseGainTable(k, p.stride, p.dilation));
        if (!why.empty()) {
            plan.reason = "additive repair is impossible: some output phases get no kernel tap (" + why +
                          "); use the zero-order-hold repair (zoh) or a larger kernel";
            return plan;
        }
        plan.ok = true;
        plan.params = p;
        return plan;
    }
    const Size2 pb = padBegin(p), pe = padEnd(p);
    const ZohAxis h = zohAxis(k.h, p.stride.h, pb.h, pe.h, p.outputPadding.h, p.dilation.h, "height");
    const ZohAxis w = zohAxis(k.w, p.stride.w, pb.w, pe.w, p.outputPadding.w, p.dilation.w, "width");
    if (!h.reason.empty() || !w.reason.empty()) {
        plan.reason = !h.reason.empty() ? h.reason : w.reason;
        return plan;
    }
    p.kernel = Size2(h.kernel, w.kernel);
    setPads(p, Pads4{h.padBegin, w.padBegin, h.padEnd, w.padEnd});
    p.outputPadding = Size2(h.outputPadding, w.outputPadding);
    p.dilation = Size2(1, 1);
    validateParams(p);
    plan.ok = true;
    plan.params = p;
    return plan;
}

Kernel2D repairSlice(const Kernel2D& k, const ConvParams& original, RepairMethod m) {
    if (m == RepairMethod::ZeroOrderHold) return zeroOrderHoldKernel(k, original.stride, original.dilation);
    const Kernel2D dk = artifactKernel(k, original.stride, original.dilation);
    Kernel2D out = k;
    for (size_t i = 0; i < out.taps.size(); ++i)
        out.taps[i] = static_cast<float>(static_cast<double>(k.taps[i]) - dk.taps[i]);
    return out;
}

}  // namespace

std::optional<RepairMethod> parseRepairMethod(const std::string& name) {
    if (name == "additive") return RepairMethod::Additive;
    if (name == "zoh" || name == "zero-order-hold") return RepairMethod::ZeroOrderHold;
    return std::nullopt;
}

const char* repairMethodName(RepairMethod m) { return m == RepairMethod::Additive ? "additive" : "zoh"; }

KernelRepair repairKernel(const Kernel2D& k, const ConvParams& params, RepairMethod method) {
    if (k.h <= 0 || k.w <= 0 || k.taps.size() != static_cast<size_t>(k.h) * k.w)
        throw ParameterError("cannot repair an empty kernel (" + std::to_string(k.h) + "x" + std::to_string(k.w) + ")");
    const RepairPlan plan = planRepair(k, params, method);
    KernelRepair r;
    r.ok = plan.ok;
    r.reason = plan.reason;
    if (!plan.ok) return r;
    r.params = plan.params;
    r.kernel = repairSlice(k, params, method);
    return r;
}

LayerRepair repairLayer(const ConvLayer& layer, RepairMethod method, const ResourceLimits& limits) {
    const Shape4 w = layer.weight.shape();
    LayerRepair r;
    if (w.count() <= 0) throw ParameterError("cannot repair a layer with an empty weight " + shapeText(w));
    // Holes depend only on the kernel size, stride and dilation, so one slice decides.
    const RepairPlan plan = planRepair(weightSlice(layer, 0, 0), layer.params, method);
    r.ok = plan.ok;
    r.reason = plan.reason;
    if (!plan.ok) return r;
    const Shape4 repaired{w.n, w.c, plan.params.kernel.h, plan.params.kernel.w};
    PeakMemory peak;
    peak.add("weight " + shapeText(w), tensorBytes(w));
    peak.add("repaired weight " + shapeText(repaired), tensorBytes(repaired));
    peak.add("one slice's accumulator", tensorBytes(Shape4{1, 1, repaired.h, repaired.w}, 12));
    peak.check(limits, std::string(repairMethodName(method)) + " repair");
    r.layer.params = plan.params;
    r.layer.params.groups = layer.params.groups;
    r.layer.bias = layer.bias;
    r.layer.weight = Tensor(Shape4{w.n, w.c, plan.params.kernel.h, plan.params.kernel.w});
    for (int64_t ci = 0; ci < w.n; ++ci)
        for (int64_t col = 0; col < w.c; ++col)
            setWeightSlice(r.layer, ci, col, repairSlice(weightSlice(layer, ci, col), layer.params, method));
    return r;
}

}  // namespace tconv
