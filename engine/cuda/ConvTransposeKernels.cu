// SPDX-License-Identifier: MIT
// __global__ wrappers around the per-thread bodies of ConvTransposeKernels.cuh
// and ImageKernels.cuh, and their launch configuration. Instantiations are kept
// to seven kernels (tiled <1,4>, <1,8>, <4,2> twice, direct, unpack, pack) so
// the build for five architectures stays short.
#include "cuda/internal/ConvTransposeLaunch.h"

#include "cuda/internal/CudaCheck.h"
#include "cuda/internal/MixingGemmLaunch.h"

#ifndef TCONV_CUDA_ARCHITECTURES
#define TCONV_CUDA_ARCHITECTURES "unknown"
#endif

namespace tconv::cuda {
namespace {

__device__ __forceinline__ Idx3 rawBlock() { return Idx3{int(blockIdx.x), int(blockIdx.y), int(blockIdx.z)}; }
__device__ __forceinline__ Idx3 rawThread() { return Idx3{int(threadIdx.x), int(threadIdx.y), int(threadIdx.z)}; }

// Uniform: a.uniformPhases as a compile-time constant, so that each
// instantiation holds the registers of one accumulation path only (both in one
// kernel took 128 registers for tiledKernel<1,4>, against 64 and 80 apart).
// The minimum of blocks per SM caps the registers: 64 (4 blocks of 256
// threads) for one output channel, 80 (3 blocks) for four, where 64 spilled.
template <int CO, int R, bool Uniform>
__global__ void __launch_bounds__(kThreads, CO == 1 ? 4 : 3) tiledKernel(KernelArgs args) {
    extern __shared__ float smem[];
    KernelArgs a = args;
    a.uniformPhases = Uniform;
    const Idx3 block = logicalBlock(a, rawBlock());
    const Idx3 thread = rawThread();
    const TiledBlock b = tiledBlock<CO, R>(a, block);
    TiledThread<CO, R> t;
    tiledInit<CO, R>(a, b, thread, t);
    for (int c = 0; c < a.g.cinPerGroup; ++c) {
        if (c > 0) __syncthreads();  // everyone is done reading the previous channel
        tiledLoad<CO, R>(a, b, thread, c, smem);
        __syncthreads();
        tiledAccumulate<CO, R>(a, smem, t);
    }
    tiledStore<CO, R>(a, b, thread, t);
}

__global__ void __launch_bounds__(kThreads) directKernel(KernelArgs a) {
    directOutput(a, logicalBlock(a, rawBlock()), rawThread());
}

__global__ void __launch_bounds__(kImageThreads) unpackImage8Kernel(Image8Args a) {
    unpackImage8(a, rawBlock(), rawThread());
}

__global__ void __launch_bounds__(kImageThreads) packImage8Kernel(Image8Args a) {
    packImage8(a, rawBlock(), rawThread());
}

template <class Kernel>
void launchChunks(Kernel kernel, const char* name, const KernelArgs& args, const LaunchPlan& plan,
                  cudaStream_t stream) {
    const dim3 block(plan.block.x, plan.block.y, plan.block.z);
    forEachGridChunk(plan.grid, kMaxGridYZ, [&](Idx3 chunk, int y0, int z0) {
        KernelArgs a = args;
        a.blockOffsetY = y0;
        a.blockOffsetZ = z0;
        kernel<<<dim3(chunk.x, chunk.y, chunk.z), block, plan.smemBytes, stream>>>(a);
        checkCuda(cudaGetLastError(), name, __FILE__, __LINE__);
    });
}

template <class Kernel>
void launchImage(Kernel kernel, const char* name, Image8Args a, cudaStream_t stream) {
    if (a.height <= 0 || a.width <= 0) return;
    const int pixelsPerBlock = kImageThreads * kImagePixelsPerThread;
    const Idx3 grid{(a.width + pixelsPerBlock - 1) / pixelsPerBlock, a.height, 1};
    forEachGridChunk(grid, kMaxGridYZ, [&](Idx3 chunk, int y0, int) {
        a.blockOffsetY = y0;
        kernel<<<dim3(chunk.x, chunk.y, 1), dim3(kImageThreads), 0, stream>>>(a);
        checkCuda(cudaGetLastError(), name, __FILE__, __LINE__);
    });
}

}  // namespace

void launchConvTranspose(const KernelArgs& args, const LaunchPlan& plan, cudaStream_t stream) {
    switch (plan.variant) {
        case KernelVariant::Tiled1:
            if (args.uniformPhases)
                launchChunks(tiledKernel<kTiled1CO, kTiled1UniformR, true>, "launch of tiledKernel<1,8>", args, plan,
                             stream);
            else
                launchChunks(tiledKernel<kTiled1CO, kTiled1R, false>, "launch of tiledKernel<1,4>", args, plan, stream);
            break;
        case KernelVariant::Tiled4:
            if (args.uniformPhases)
                launchChunks(tiledKernel<kTiled4CO, kTiled4R, true>, "launch of tiledKernel<4,2>", args, plan, stream);
            else
                launchChunks(tiledKernel<kTiled4CO, kTiled4R, false>, "launch of tiledKernel<4,2>", args, plan, stream);
            break;
        case KernelVariant::Direct: launchChunks(directKernel, "launch of directKernel", args, plan, stream); break;
        case KernelVariant::Gemm: launchMixingGemm(args, plan, stream); break;
    }
}

void launchUnpackImage8(const Image8Args& a, cudaStream_t stream) {
    launchImage(unpackImage8Kernel, "launch of unpackImage8Kernel", a, stream);
}

void launchPackImage8(const Image8Args& a, cudaStream_t stream) {
    launchImage(packImage8Kernel, "launch of packImage8Kernel", a, stream);
}

cudaError_t checkKernelImage() {
    cudaFuncAttributes attr{};
    const cudaError_t err = cudaFuncGetAttributes(&attr, directKernel);
    if (err != cudaSuccess) cudaGetLastError();
    return err;
}

const char* builtArchitectures() { return TCONV_CUDA_ARCHITECTURES; }

}  // namespace tconv::cuda
