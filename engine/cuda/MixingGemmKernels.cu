// SPDX-License-Identifier: MIT
// __global__ wrapper of the channel-mixing implicit GEMM (the per-thread
// bodies are in internal/MixingGemmKernels.cuh) and its launch.
#include "cuda/internal/CudaCheck.h"
#include "cuda/internal/MixingGemmLaunch.h"

namespace tconv::cuda {
namespace {

__device__ __forceinline__ Idx3 gemmRawBlock() { return Idx3{int(blockIdx.x), int(blockIdx.y), int(blockIdx.z)}; }
__device__ __forceinline__ Idx3 gemmRawThread() { return Idx3{int(threadIdx.x), int(threadIdx.y), int(threadIdx.z)}; }

__global__ void __launch_bounds__(kGemmThreads) mixingGemmKernel(KernelArgs a) {
    extern __shared__ float smem[];
    const GemmBlock b = gemmBlock(a, logicalBlock(a, gemmRawBlock()));
    if (!gemmBlockActive(b)) return;  // uniform per block: before any barrier
    const Idx3 thread = gemmRawThread();
    GemmThread t;
    gemmInit(a, b, thread, t);
    const int chunks = gemmChunks(b);
    for (int kc = 0; kc < chunks; ++kc) {
        if (kc > 0) __syncthreads();  // everyone is done reading the previous chunk
        gemmLoad(a, b, thread, kc * kGemmTileK, smem);
        __syncthreads();
        gemmAccumulate(smem, thread, t);
    }
    gemmStore(a, b, thread, t);
}

}  // namespace

void launchMixingGemm(const KernelArgs& args, const LaunchPlan& plan, cudaStream_t stream) {
    const dim3 block(plan.block.x, plan.block.y, plan.block.z);
    forEachGridChunk(plan.grid, kMaxGridYZ, [&](Idx3 chunk, int y0, int z0) {
        KernelArgs a = args;
        a.blockOffsetY = y0;
        a.blockOffsetZ = z0;
        mixingGemmKernel<<<dim3(chunk.x, chunk.y, chunk.z), block, plan.smemBytes, stream>>>(a);
        checkCuda(cudaGetLastError(), "launch of mixingGemmKernel", __FILE__, __LINE__);
    });
}

}  // namespace tconv::cuda
