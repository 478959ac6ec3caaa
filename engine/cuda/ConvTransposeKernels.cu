// SPDX-License-Identifier: MIT
// __global__ wrappers around the per-thread bodies of ConvTransposeKernels.cuh
// and ImageKernels.cuh, and their launch configuration. Instantiations are kept
// to five kernels (tiled <1,4>, tiled <4,2>, direct, unpack, pack) so the
// build for five architectures stays short.
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

template <int CO, int R>
__global__ void __launch_bounds__(kThreads) tiledKernel(KernelArgs a) {
    extern __shared__ float smem[];
    const Idx3 block = logicalBlock(a, rawBlock());
    const Idx3 thread = rawThread();
    TiledThread<CO, R> t;
    tiledInit<CO, R>(a, block, thread, t);
    for (int c = 0; c < a.g.cinPerGroup; ++c) {
        if (c > 0) __syncthreads();  // everyone is done reading the previous channel
        tiledLoad<CO, R>(a, block, thread, c, smem);
        __syncthreads();
        tiledAccumulate<CO, R>(a, smem, t);
    }
    tiledStore<CO, R>(a, block, thread, t);
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
            launchChunks(tiledKernel<kTiled1CO, kTiled1R>, "launch of tiledKernel<1,4>", args, plan, stream);
            break;
        case KernelVariant::Tiled4:
            launchChunks(tiledKernel<kTiled4CO, kTiled4R>, "launch of tiledKernel<4,2>", args, plan, stream);
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
