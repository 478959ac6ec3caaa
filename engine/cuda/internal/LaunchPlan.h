// SPDX-License-Identifier: MIT
#pragma once
// Host-side launch planning for the ConvTranspose2d kernels: geometry, phase
// tables, the packed parameter block (weights, bias, phase tables) and the
// kernel choice with its grid. Header-only and free of CUDA types so the
// host-grid test compiles it with g++ and emulates exactly the launches the
// CUDA backend makes.
#include <algorithm>
#include <climits>
#include <cstring>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "core/ConvError.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"
#include "cuda/internal/ConvTransposeKernels.cuh"
#include "cuda/internal/MixingGemmKernels.cuh"

namespace tconv::cuda {

struct LaunchPlan {
    KernelVariant variant = KernelVariant::Direct;
    Idx3 block{kThreadsX, kThreadsY, 1};
    Idx3 grid;  // blocks needed in each dimension, before chunking
    int tileH = 0, tileW = 0;
    size_t smemBytes = 0;
};

// Shared memory a block may use without opting in (every GPU since Kepler).
inline constexpr size_t kDefaultSmemLimit = 48 * 1024;
inline constexpr int kMaxGridYZ = 65535;

namespace detail {
inline int checkedInt(int64_t v, const char* what) {
    if (v > INT_MAX)
        throw ParameterError(std::string(what) + " of " + std::to_string(v) + " exceeds the CUDA backend's limit of " +
                             std::to_string(INT_MAX));
    return static_cast<int>(v);
}
inline int ceilDiv(int64_t a, int64_t b) { return checkedInt((a + b - 1) / b, "grid dimension"); }

inline AxisGeometry axis(int64_t in, int64_t out, int k, int s, int p, int d) {
    AxisGeometry a;
    a.in = checkedInt(in, "input extent");
    a.out = checkedInt(out, "output extent");
    a.k = k, a.s = s, a.p = p, a.d = d;
    const int g = std::gcd(s, d);
    a.tapStep = s / g;
    a.inStep = d / g;
    return a;
}
}  // namespace detail

// Throws ParameterError when an extent or count does not fit the kernels' ints.
inline ConvGeometry makeGeometry(const Shape4& in, const ConvLayer& layer, const Shape4& out) {
    const ConvParams& p = layer.params;
    ConvGeometry g;
    g.batch = detail::checkedInt(in.n, "batch size");
    g.inChannels = detail::checkedInt(in.c, "input channel count");
    g.outChannels = detail::checkedInt(out.c, "output channel count");
    g.groups = p.groups;
    g.cinPerGroup = g.inChannels / g.groups;
    g.coutPerGroup = g.outChannels / g.groups;
    detail::checkedInt(in.n * out.c, "batch x output channels");
    g.y = detail::axis(in.h, out.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
    g.x = detail::axis(in.w, out.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
    return g;
}

inline std::vector<PhaseTap> makePhaseTable(const AxisGeometry& a) {
    std::vector<PhaseTap> t(static_cast<size_t>(a.s));
    for (int r = 0; r < a.s; ++r) t[static_cast<size_t>(r)] = makePhaseTap(a, r);
    return t;
}

// The per-layer constants in one block, so they cross to the device in one
// copy: weight, bias, Y phase table, X phase table, each 16-byte aligned.
struct PackedParams {
    std::vector<unsigned char> bytes;
    size_t weightOffset = 0, biasOffset = 0, phasesYOffset = 0, phasesXOffset = 0;
    bool hasBias = false;
};

inline PackedParams packParams(const ConvLayer& layer, const ConvGeometry& g) {
    const auto align = [](size_t v) { return (v + 15) & ~size_t(15); };
    const std::vector<PhaseTap> py = makePhaseTable(g.y), px = makePhaseTable(g.x);
    PackedParams pk;
    pk.hasBias = !layer.bias.empty();
    const size_t wBytes = layer.weight.storage().size() * sizeof(float);
    const size_t bBytes = layer.bias.size() * sizeof(float);
    pk.weightOffset = 0;
    pk.biasOffset = align(wBytes);
    pk.phasesYOffset = align(pk.biasOffset + bBytes);
    pk.phasesXOffset = align(pk.phasesYOffset + py.size() * sizeof(PhaseTap));
    pk.bytes.assign(align(pk.phasesXOffset + px.size() * sizeof(PhaseTap)), 0);
    std::memcpy(pk.bytes.data() + pk.weightOffset, layer.weight.data(), wBytes);
    if (bBytes) std::memcpy(pk.bytes.data() + pk.biasOffset, layer.bias.data(), bBytes);
    std::memcpy(pk.bytes.data() + pk.phasesYOffset, py.data(), py.size() * sizeof(PhaseTap));
    std::memcpy(pk.bytes.data() + pk.phasesXOffset, px.data(), px.size() * sizeof(PhaseTap));
    return pk;
}

// When the planner picks the channel-mixing GEMM: the CPU backend's rule
// (gemmPays in engine/cpu/CpuBackend.cpp), C_out/g >= 16 and a GEMM depth per
// output of C_in/g * kH*kW / (sH*sW) >= 128. Why the same thresholds: a block
// tiles 64 output channels, so below 16 per group most of the tile would be
// idle and Tiled4 (4 channels per thread, no K padding) wastes less; below a
// depth of 128 (8 K-chunks of 16) the per-block fixed cost (phase decoding,
// the barriers, the K tail, the store) is not paid back by the staged reuse of
// each input word across 64 channels. These are the CPU's measured break-even
// points; the GPU's are not measured yet (no GPU so far): tconv_cuda_check
// and `tconv bench --suite mixing --backend cuda` are where to re-tune them.
inline bool mixingGemmPays(const ConvGeometry& g) {
    const double depth = double(g.cinPerGroup) * g.y.k * g.x.k / (double(g.y.s) * g.x.s);
    return g.coutPerGroup >= 16 && depth >= 128;
}

// The GEMM launch, or nullopt when a phase's pixel count would not fit the
// kernel's int pixel index (then the tiled/direct kernels serve the layer).
inline std::optional<LaunchPlan> planMixingGemm(const ConvGeometry& g) {
    // Every phase has at most ceil(out / s) outputs per axis.
    const int64_t maxPixels = ((int64_t(g.y.out) + g.y.s - 1) / g.y.s) * ((int64_t(g.x.out) + g.x.s - 1) / g.x.s);
    if (maxPixels > int64_t(INT_MAX) - kGemmTileN) return std::nullopt;
    LaunchPlan plan;
    plan.variant = KernelVariant::Gemm;
    plan.block = Idx3{kGemmThreadsX, kGemmThreadsY, 1};
    plan.smemBytes = size_t(kGemmSmemFloats) * sizeof(float);
    plan.grid = Idx3{detail::ceilDiv(maxPixels, kGemmTileN), detail::checkedInt(int64_t(g.y.s) * g.x.s, "phase count"),
                     detail::checkedInt(int64_t(g.batch) * g.groups * ((g.coutPerGroup + kGemmTileM - 1) / kGemmTileM),
                                        "gemm grid z")};
    return plan;
}

inline LaunchPlan planLaunch(const ConvGeometry& g, std::optional<KernelVariant> force = std::nullopt,
                             size_t smemLimit = kDefaultSmemLimit) {
    const bool gemm = force ? *force == KernelVariant::Gemm : mixingGemmPays(g);
    if (gemm)
        if (const std::optional<LaunchPlan> p = planMixingGemm(g)) return *p;
    LaunchPlan plan;
    KernelVariant v = force && *force != KernelVariant::Gemm
                          ? *force
                          : (g.coutPerGroup == 1 ? KernelVariant::Tiled1 : KernelVariant::Tiled4);
    if (v != KernelVariant::Direct) {
        const int co = v == KernelVariant::Tiled1 ? kTiled1CO : kTiled4CO;
        const int rows = kThreadsY * tiledRowsPerThread(v, tiledPhasesUniform(g));
        // Bound on the input rows/columns a block's outputs read (see tiledAccumulate).
        const int64_t tileH = (rows - 1 + int64_t(g.y.k - 1) * g.y.d) / g.y.s + 2;
        const int64_t tileW = (kTiledTileW - 1 + int64_t(g.x.k - 1) * g.x.d) / g.x.s + 2;
        const int64_t floats = int64_t(co) * g.y.k * g.x.k + tileH * tileW;
        if (static_cast<uint64_t>(floats) * sizeof(float) <= smemLimit) {
            plan.variant = v;
            plan.tileH = static_cast<int>(tileH);
            plan.tileW = static_cast<int>(tileW);
            plan.smemBytes = static_cast<size_t>(floats) * sizeof(float);
            plan.grid = Idx3{
                detail::ceilDiv(g.x.out, kTiledTileW), detail::ceilDiv(g.y.out, rows),
                detail::checkedInt(int64_t(g.batch) * g.groups * ((g.coutPerGroup + co - 1) / co), "tiled grid z")};
            return plan;
        }
    }
    plan.variant = KernelVariant::Direct;
    plan.grid = Idx3{detail::ceilDiv(g.x.out, kThreadsX), detail::ceilDiv(g.y.out, kThreadsY),
                     detail::checkedInt(int64_t(g.batch) * g.outChannels, "direct grid z")};
    return plan;
}

// KernelArgs for a plan: `params` is where PackedParams::bytes lie (device
// memory on the GPU, the vector itself in the host-grid test).
inline KernelArgs bindArgs(const ConvGeometry& g, const LaunchPlan& plan, const PackedParams& pk, const void* params,
                           const float* input, float* output) {
    const auto at = [&](size_t off) { return static_cast<const unsigned char*>(params) + off; };
    KernelArgs a;
    a.g = g;
    a.input = input;
    a.output = output;
    a.weight = reinterpret_cast<const float*>(at(pk.weightOffset));
    a.bias = pk.hasBias ? reinterpret_cast<const float*>(at(pk.biasOffset)) : nullptr;
    a.phasesY = reinterpret_cast<const PhaseTap*>(at(pk.phasesYOffset));
    a.phasesX = reinterpret_cast<const PhaseTap*>(at(pk.phasesXOffset));
    a.tileH = plan.tileH;
    a.tileW = plan.tileW;
    a.smemFloats = static_cast<int>(plan.smemBytes / sizeof(float));
    a.uniformPhases = tiledPhasesUniform(g);
    a.shiftY = strideShift(g.y.s);
    a.shiftX = strideShift(g.x.s);
    return a;
}

// Calls fn(chunkGrid, blockOffsetY, blockOffsetZ) for each launch needed to
// cover `grid` when gridDim.y and gridDim.z may not exceed maxYZ.
template <class F>
void forEachGridChunk(const Idx3& grid, int maxYZ, F&& fn) {
    for (int z0 = 0; z0 < grid.z; z0 += maxYZ)
        for (int y0 = 0; y0 < grid.y; y0 += maxYZ)
            fn(Idx3{grid.x, std::min(maxYZ, grid.y - y0), std::min(maxYZ, grid.z - z0)}, y0, z0);
}

}  // namespace tconv::cuda
