// SPDX-License-Identifier: MIT
#pragma once
// Heatmap 2, the artifact component of a result: E = ConvT(x; dK) with
// dK[j] = (G[r(j)] - Gbar) / n_r(j), the part of the transposed convolution
// that the additive repair (KernelRepair.h) removes. For a full weight each
// (C_in, C_out/groups) slice gets its own dK, so E is what repairing every
// slice removes.
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"

namespace tconv {

// dK for one kernel. Every tap belongs to a class with n_r >= 1, so dK is
// defined for every tap; hole classes (no taps) contribute nothing, so with
// holes E shows only the unequal gains of the other classes (the additive
// repair refuses such kernels).
Kernel2D artifactKernel(const Kernel2D& k, Size2 stride, Size2 dilation);

// The layer with every weight slice replaced by its dK and no bias.
ConvLayer artifactLayer(const ConvLayer& layer);

// E, shaped like convTranspose2d(input, layer). Throws like convTranspose2d.
Tensor artifactComponent(const Tensor& input, const ConvLayer& layer, Backend& backend);

}  // namespace tconv
