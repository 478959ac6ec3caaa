// SPDX-License-Identifier: MIT
#pragma once
// Runs the CUDA kernels' per-thread bodies on the host over the exact launches
// the backend makes (same plan, same packed parameters, same grid chunking),
// block by block and thread by thread. A tiled block runs its phases as the
// GPU does between barriers: init (all threads), then per input channel load
// (all threads) and accumulate (all threads), then store. Shared memory is
// poisoned with NaN before each load, so a read of anything not loaded shows
// as a NaN output; outputs start as NaN, so an unwritten output shows too.
// Include with TCONV_HOST_GRID_CHECKS defined (index checks in the bodies).
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "core/ConvLayer.h"
#include "core/Tensor.h"
#include "core/Validation.h"
#include "cuda/internal/ImageKernels.cuh"
#include "cuda/internal/LaunchPlan.h"

namespace tconv::testing {

struct HostGridRun {
    Tensor output;
    cuda::LaunchPlan plan;
    int launches = 0;  // grid chunks
};

template <int CO, int R>
void emulateTiledBlock(const cuda::KernelArgs& a, cuda::Idx3 block, std::vector<float>& smem) {
    using namespace cuda;
    std::vector<TiledThread<CO, R>> threads(kThreads);
    auto forEachThread = [&](auto&& fn) {
        for (int ty = 0; ty < kThreadsY; ++ty)
            for (int tx = 0; tx < kThreadsX; ++tx)
                fn(Idx3{tx, ty, 0}, threads[static_cast<size_t>(ty * kThreadsX + tx)]);
    };
    const TiledBlock b = tiledBlock<CO, R>(a, block);
    forEachThread([&](Idx3 t, TiledThread<CO, R>& st) { tiledInit<CO, R>(a, b, t, st); });
    for (int c = 0; c < a.g.cinPerGroup; ++c) {
        std::fill(smem.begin(), smem.end(), std::numeric_limits<float>::quiet_NaN());
        forEachThread([&](Idx3 t, TiledThread<CO, R>&) { tiledLoad<CO, R>(a, b, t, c, smem.data()); });
        forEachThread([&](Idx3, TiledThread<CO, R>& st) { tiledAccumulate<CO, R>(a, smem.data(), st); });
    }
    forEachThread([&](Idx3 t, const TiledThread<CO, R>& st) { tiledStore<CO, R>(a, b, t, st); });
}

// The channel-mixing GEMM block (MixingGemmKernels.cuh) as mixingGemmKernel
// runs it: an inactive block returns before any barrier; else init (all
// threads), per K chunk load (all threads, shared memory poisoned first) and
// accumulate (all threads), then store.
inline void emulateGemmBlock(const cuda::KernelArgs& a, cuda::Idx3 block, std::vector<float>& smem) {
    using namespace cuda;
    const GemmBlock b = gemmBlock(a, block);
    if (!gemmBlockActive(b)) return;
    std::vector<GemmThread> threads(kGemmThreads);
    auto forEachThread = [&](auto&& fn) {
        for (int ty = 0; ty < kGemmThreadsY; ++ty)
            for (int tx = 0; tx < kGemmThreadsX; ++tx)
                fn(Idx3{tx, ty, 0}, threads[static_cast<size_t>(ty * kGemmThreadsX + tx)]);
    };
    forEachThread([&](Idx3 t, GemmThread& st) { gemmInit(a, b, t, st); });
    for (int kc = 0; kc < gemmChunks(b); ++kc) {
        std::fill(smem.begin(), smem.end(), std::numeric_limits<float>::quiet_NaN());
        forEachThread([&](Idx3 t, GemmThread&) { gemmLoad(a, b, t, kc * kGemmTileK, smem.data()); });
        forEachThread([&](Idx3 t, GemmThread& st) { gemmAccumulate(smem.data(), t, st); });
    }
    forEachThread([&](Idx3 t, const GemmThread& st) { gemmStore(a, b, t, st); });
}

// maxYZ: the grid limit to chunk at (65535 on the GPU; small values exercise
// the chunk offsets).
inline HostGridRun emulateConv(const Tensor& input, const ConvLayer& layer,
                               std::optional<cuda::KernelVariant> force = std::nullopt, int maxYZ = cuda::kMaxGridYZ) {
    using namespace cuda;
    HostGridRun run;
    const Shape4 outShape = validateProblem(layer.problemFor(input.shape()));
    run.output = Tensor(outShape, std::numeric_limits<float>::quiet_NaN());
    const ConvGeometry g = makeGeometry(input.shape(), layer, outShape);
    run.plan = planLaunch(g, force);
    const PackedParams pk = packParams(layer, g);
    const KernelArgs base = bindArgs(g, run.plan, pk, pk.bytes.data(), input.data(), run.output.data());
    std::vector<float> smem(run.plan.smemBytes / sizeof(float));
    forEachGridChunk(run.plan.grid, maxYZ, [&](Idx3 chunk, int y0, int z0) {
        ++run.launches;
        KernelArgs a = base;
        a.blockOffsetY = y0;
        a.blockOffsetZ = z0;
        for (int bz = 0; bz < chunk.z; ++bz)
            for (int by = 0; by < chunk.y; ++by)
                for (int bx = 0; bx < chunk.x; ++bx) {
                    const Idx3 block = logicalBlock(a, Idx3{bx, by, bz});
                    switch (run.plan.variant) {
                        case KernelVariant::Tiled1:
                            if (a.uniformPhases) emulateTiledBlock<kTiled1CO, kTiled1UniformR>(a, block, smem);
                            else emulateTiledBlock<kTiled1CO, kTiled1R>(a, block, smem);
                            break;
                        case KernelVariant::Tiled4: emulateTiledBlock<kTiled4CO, kTiled4R>(a, block, smem); break;
                        case KernelVariant::Gemm: emulateGemmBlock(a, block, smem); break;
                        case KernelVariant::Direct:
                            for (int ty = 0; ty < kThreadsY; ++ty)
                                for (int tx = 0; tx < kThreadsX; ++tx) directOutput(a, block, Idx3{tx, ty, 0});
                            break;
                    }
                }
    });
    return run;
}

// The image conversion kernels over their launch grid (as launchImage does).
template <class Body>
void emulateImageGrid(cuda::Image8Args a, int maxYZ, Body body) {
    using namespace cuda;
    const int perBlock = kImageThreads * kImagePixelsPerThread;
    const Idx3 grid{(a.width + perBlock - 1) / perBlock, a.height, 1};
    forEachGridChunk(grid, maxYZ, [&](Idx3 chunk, int y0, int) {
        a.blockOffsetY = y0;
        for (int by = 0; by < chunk.y; ++by)
            for (int bx = 0; bx < chunk.x; ++bx)
                for (int tx = 0; tx < kImageThreads; ++tx) body(a, Idx3{bx, by, 0}, Idx3{tx, 0, 0});
    });
}

}  // namespace tconv::testing
