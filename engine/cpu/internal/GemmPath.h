// SPDX-License-Identifier: MIT
#pragma once
// The channel-mixing path: each (group, output phase) of the layer as a
// blocked matrix product (layouts and blocking in GemmLayout.h), threaded
// over blocks of output pixels.
#include <mutex>
#include <vector>

#include "core/ConvLayer.h"
#include "core/Tensor.h"
#include "cpu/internal/GemmWeights.h"
#include "cpu/internal/PhaseTable.h"
#include "parallel/RowScheduler.h"

namespace tconv::cpu {

// The zero-padded input copy, kept between runs (its pages stay faulted in).
struct GemmScratch {
    std::mutex mutex;
    std::vector<float> padded;
};

// output: already shaped (N, C_out, H_out, W_out); every element is written.
// y, x: the phase tables of the layer for these extents; packed: the layer's
// weights packed (PackedWeightCache).
void runGemmLayer(const Tensor& input, const ConvLayer& layer, const PhaseTable& y, const PhaseTable& x,
                  const PackedWeights& packed, RowScheduler& scheduler, GemmScratch& scratch, Tensor& output);

// GFLOP/s of the GEMM kernel on in-cache packed operands, with `threads`
// threads each running its own product for about `seconds`: the peak the
// benchmarks' compute floor is taken from.
double gemmPeakGflops(int threads, double seconds = 0.3);

}  // namespace tconv::cpu
