// SPDX-License-Identifier: MIT
#pragma once
// Launching the channel-mixing implicit GEMM (MixingGemmKernels.cuh) on a
// stream: checked like every launch, grids beyond 65535 in y/z split.
#include <cuda_runtime.h>

#include "cuda/internal/LaunchPlan.h"

namespace tconv::cuda {

// args as from bindArgs(..., plan, ...) with device pointers; plan.variant == KernelVariant::Gemm.
void launchMixingGemm(const KernelArgs& args, const LaunchPlan& plan, cudaStream_t stream);

}  // namespace tconv::cuda
