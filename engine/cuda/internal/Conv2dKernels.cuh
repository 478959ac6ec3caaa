// SPDX-License-Identifier: MIT
#pragma once
// Per-thread body of the CUDA forward conv2d (core/Conv2d.h), __host__
// __device__ so that the host-grid test runs it with g++ over every block and
// thread of the launch the backend makes (conv2dLaunchGrid).
//
// One thread per output element: thread (tx, ty) of block (bx, by, bz)
// computes output (n, co, oy, ox) with ox = bx * 32 + tx, oy = (by +
// blockOffsetY) * 8 + ty, n * C_out + co = bz + blockOffsetZ, summing its
// taps directly (bounds-checked reads; 0 outside the input). Grids taller
// than 65535 blocks in y or z are launched in chunks (blockOffsetY/Z).
// Layouts (PyTorch): input (N, C_in, H, W), weight (C_out, C_in/groups, kH,
// kW), output (N, C_out, H_out, W_out), float32, planar, contiguous.
#include <cstdint>
#include <limits>
#include <string>

#include "core/Conv2d.h"
#include "core/ConvError.h"

#if defined(__CUDACC__)
#define TCONV_CONV2D_HD __host__ __device__
#else
#define TCONV_CONV2D_HD
#endif

namespace tconv::cuda {

inline constexpr int kConv2dThreadsX = 32;
inline constexpr int kConv2dThreadsY = 8;
inline constexpr int kConv2dMaxGridYZ = 65535;

struct Conv2dDims {
    int x = 0, y = 0, z = 0;
};

struct Conv2dArgs {
    int batch = 1, inChannels = 1, inH = 1, inW = 1;
    int outChannels = 1, outH = 1, outW = 1;
    int kh = 1, kw = 1, sy = 1, sx = 1, py = 0, px = 0, dy = 1, dx = 1;
    int cinPerGroup = 1, coutPerGroup = 1;
    const float* input = nullptr;
    const float* weight = nullptr;
    const float* bias = nullptr;  // null: no bias
    float* output = nullptr;
    int blockOffsetY = 0, blockOffsetZ = 0;
};

// Blocks needed before chunking: x over columns, y over rows, z over (n, co).
inline Conv2dDims conv2dLaunchGrid(const Conv2dArgs& a) {
    return Conv2dDims{(a.outW + kConv2dThreadsX - 1) / kConv2dThreadsX,
                      (a.outH + kConv2dThreadsY - 1) / kConv2dThreadsY, a.batch * a.outChannels};
}

TCONV_CONV2D_HD inline void conv2dOutput(const Conv2dArgs& a, Conv2dDims block, Conv2dDims thread) {
    const int ox = block.x * kConv2dThreadsX + thread.x;
    const int oy = (block.y + a.blockOffsetY) * kConv2dThreadsY + thread.y;
    const int nc = block.z + a.blockOffsetZ;
    if (ox >= a.outW || oy >= a.outH || nc >= a.batch * a.outChannels) return;
    const int n = nc / a.outChannels, co = nc % a.outChannels;
    const int g = co / a.coutPerGroup;
    float acc = a.bias != nullptr ? a.bias[co] : 0.0f;
    for (int c = 0; c < a.cinPerGroup; ++c) {
        const float* plane = a.input + (int64_t(n) * a.inChannels + int64_t(g) * a.cinPerGroup + c) * a.inH * a.inW;
        const float* w = a.weight + (int64_t(co) * a.cinPerGroup + c) * a.kh * a.kw;
        for (int ky = 0; ky < a.kh; ++ky) {
            const int64_t iy = int64_t(oy) * a.sy - a.py + int64_t(ky) * a.dy;
            if (iy < 0 || iy >= a.inH) continue;
            for (int kx = 0; kx < a.kw; ++kx) {
                const int64_t ix = int64_t(ox) * a.sx - a.px + int64_t(kx) * a.dx;
                if (ix < 0 || ix >= a.inW) continue;
                acc += w[ky * a.kw + kx] * plane[iy * a.inW + ix];
            }
        }
    }
    a.output[((int64_t(n) * a.outChannels + co) * a.outH + oy) * a.outW + ox] = acc;
}

// Shapes and parameters of a request validated by conv2d() (pointers left
// null). Throws ParameterError when an extent does not fit the kernel's
// 32-bit indices.
inline Conv2dArgs conv2dArgsFor(const Shape4& in, const Conv2dLayer& layer, const Shape4& out) {
    const Shape4 w = layer.weight.shape();
    for (int64_t v : {in.n, in.c, in.h, in.w, out.c, out.h, out.w, in.n * out.c, out.h * out.w, in.h * in.w})
        if (v > std::numeric_limits<int>::max())
            throw ParameterError("conv2d on CUDA: input " + shapeText(in) + " or output " + shapeText(out) +
                                 " has an extent above 2^31 - 1, which the kernel's indices do not hold");
    const Conv2dParams& p = layer.params;
    Conv2dArgs a;
    a.batch = static_cast<int>(in.n);
    a.inChannels = static_cast<int>(in.c);
    a.inH = static_cast<int>(in.h);
    a.inW = static_cast<int>(in.w);
    a.outChannels = static_cast<int>(out.c);
    a.outH = static_cast<int>(out.h);
    a.outW = static_cast<int>(out.w);
    a.kh = p.kernel.h, a.kw = p.kernel.w;
    a.sy = p.stride.h, a.sx = p.stride.w;
    a.py = p.padding.h, a.px = p.padding.w;
    a.dy = p.dilation.h, a.dx = p.dilation.w;
    a.cinPerGroup = static_cast<int>(w.c);
    a.coutPerGroup = static_cast<int>(w.n / p.groups);
    return a;
}

// Calls fn(chunkGrid, blockOffsetY, blockOffsetZ) per launch needed when
// gridDim.y and gridDim.z may not exceed maxYZ.
template <class F>
void forEachConv2dChunk(const Conv2dDims& grid, int maxYZ, F&& fn) {
    for (int z0 = 0; z0 < grid.z; z0 += maxYZ)
        for (int y0 = 0; y0 < grid.y; y0 += maxYZ)
            fn(Conv2dDims{grid.x, grid.y - y0 < maxYZ ? grid.y - y0 : maxYZ, grid.z - z0 < maxYZ ? grid.z - z0 : maxYZ},
               y0, z0);
}

}  // namespace tconv::cuda
