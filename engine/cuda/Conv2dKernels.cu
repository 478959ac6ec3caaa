// SPDX-License-Identifier: MIT
// The __global__ wrapper of the forward conv2d's per-thread body
// (internal/Conv2dKernels.cuh) and its chunked launch.
#include "cuda/internal/Conv2dLaunch.h"
#include "cuda/internal/CudaCheck.h"

namespace tconv::cuda {
namespace {

__global__ void __launch_bounds__(kConv2dThreadsX* kConv2dThreadsY) conv2dKernel(Conv2dArgs a) {
    conv2dOutput(a, Conv2dDims{int(blockIdx.x), int(blockIdx.y), int(blockIdx.z)},
                 Conv2dDims{int(threadIdx.x), int(threadIdx.y), 0});
}

}  // namespace

void launchConv2d(const Conv2dArgs& args, cudaStream_t stream) {
    const dim3 block(kConv2dThreadsX, kConv2dThreadsY, 1);
    forEachConv2dChunk(conv2dLaunchGrid(args), kConv2dMaxGridYZ, [&](Conv2dDims chunk, int y0, int z0) {
        Conv2dArgs a = args;
        a.blockOffsetY = y0;
        a.blockOffsetZ = z0;
        conv2dKernel<<<dim3(chunk.x, chunk.y, chunk.z), block, 0, stream>>>(a);
        checkCuda(cudaGetLastError(), "launch of conv2dKernel", __FILE__, __LINE__);
    });
}

}  // namespace tconv::cuda
