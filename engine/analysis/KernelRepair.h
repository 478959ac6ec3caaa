// SPDX-License-Identifier: MIT
#pragma once
// Repairs a kernel so that every output phase has the same gain (CV = 0):
// - additive (Aitken et al. 2017 in spirit): K'[j] = K[j] - (G[r(j)] - Gbar) / n_r(j);
//   keeps the size, parameters and sum; impossible when a class has no taps.
// - zero-order hold (Sugawara, Shiota & Kiya 2018): K' = box_s * dilate_d(K) / (sH*sW),
//   a (d(k-1)+s) kernel at dilation 1; padding and output_padding change so
//   that the output size stays the same.
#include <optional>
#include <string>

#include "core/ConvLayer.h"
#include "core/ConvParams.h"
#include "core/Kernel2D.h"
#include "core/ResourceLimits.h"

namespace tconv {

enum class RepairMethod { Additive, ZeroOrderHold };

// "additive" | "zoh" (also "zero-order-hold"); nullopt otherwise.
std::optional<RepairMethod> parseRepairMethod(const std::string& name);
const char* repairMethodName(RepairMethod m);  // "additive", "zoh"

struct KernelRepair {
    bool ok = false;
    std::string reason;  // why not, when !ok (one sentence naming the values)
    Kernel2D kernel;     // the repaired kernel
    ConvParams params;   // the parameters to use it with (kernel size set; zoh: padding, output_padding, dilation 1)
};

// `params` describes how `k` is used (stride, padding, output_padding,
// dilation; kernel and groups are ignored). Throws ParameterError for invalid
// parameters; an impossible repair is returned with ok = false and a reason.
KernelRepair repairKernel(const Kernel2D& k, const ConvParams& params, RepairMethod method);

struct LayerRepair {
    bool ok = false;
    std::string reason;
    ConvLayer layer;  // every weight slice repaired, parameters adjusted, bias kept
};

// Checks the repaired weight's memory (a zoh kernel is d(k-1)+s per axis)
// against `limits` before allocating it; throws ParameterError over it.
LayerRepair repairLayer(const ConvLayer& layer, RepairMethod method,
                        const ResourceLimits& limits = defaultResourceLimits());

// box_s * dilate_d(K) / (sH*sW): the zero-order-hold kernel alone, (d(k-1)+s)
// per axis, to be used at dilation 1 (also the nearest resize-conv as one
// transposed convolution, ResizeConv.cpp).
Kernel2D zeroOrderHoldKernel(const Kernel2D& k, Size2 stride, Size2 dilation);

}  // namespace tconv
