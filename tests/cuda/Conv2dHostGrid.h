// SPDX-License-Identifier: MIT
#pragma once
// The CUDA forward conv2d's per-thread body (cuda/internal/Conv2dKernels.cuh)
// run on the host over every block and thread of the launch the backend makes
// (same grid, same chunking of y/z above the grid limit), against the
// reference (core/Conv2d.h). Outputs start as NaN, so an output no thread
// writes shows; a thread outside the output must write nothing (the count of
// writes must equal the output size).
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

#include "core/Conv2d.h"
#include "cuda/internal/Conv2dKernels.cuh"

namespace tconv::testing {

struct Conv2dGridRun {
    Tensor output;
    int launches = 0;
};

inline Conv2dGridRun emulateConv2d(const Tensor& input, const Conv2dLayer& layer, int maxYZ) {
    using namespace cuda;
    const Shape4 outShape = validateConv2d(input.shape(), layer);
    Conv2dGridRun run;
    run.output = Tensor(outShape, std::numeric_limits<float>::quiet_NaN());
    Conv2dArgs base = conv2dArgsFor(input.shape(), layer, outShape);
    base.input = input.data();
    base.weight = layer.weight.data();
    base.bias = layer.bias.empty() ? nullptr : layer.bias.data();
    base.output = run.output.data();
    forEachConv2dChunk(conv2dLaunchGrid(base), maxYZ, [&](Conv2dDims chunk, int y0, int z0) {
        ++run.launches;
        Conv2dArgs a = base;
        a.blockOffsetY = y0;
        a.blockOffsetZ = z0;
        for (int bz = 0; bz < chunk.z; ++bz)
            for (int by = 0; by < chunk.y; ++by)
                for (int bx = 0; bx < chunk.x; ++bx)
                    for (int ty = 0; ty < kConv2dThreadsY; ++ty)
                        for (int tx = 0; tx < kConv2dThreadsX; ++tx)
                            conv2dOutput(a, Conv2dDims{bx, by, bz}, Conv2dDims{tx, ty, 0});
    });
    return run;
}

inline void checkConv2dHostGrid() {
    std::mt19937 rng(1818);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int i = 0; i < 40; ++i) {
        Conv2dLayer layer;
        Conv2dParams& p = layer.params;
        p.groups = pick(1, 2);
        p.kernel = Size2(pick(1, 4), pick(1, 4));
        p.stride = Size2(pick(1, 3), pick(1, 3));
        p.padding = Size2(pick(0, 3), pick(0, 3));
        p.dilation = Size2(pick(1, 2), pick(1, 2));
        const int cinPerGroup = pick(1, 3), coutPerGroup = pick(1, 3);
        const Shape4 in{pick(1, 2), cinPerGroup * p.groups, pick(3, 20), pick(3, 45)};
        if (conv2dOutputExtent(in.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h) <= 0 ||
            conv2dOutputExtent(in.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w) <= 0) {
            --i;
            continue;
        }
        layer.weight = Tensor(Shape4{coutPerGroup * p.groups, cinPerGroup, p.kernel.h, p.kernel.w});
        for (float& v : layer.weight.storage()) v = u(rng);
        if (pick(0, 1)) layer.bias.assign(static_cast<size_t>(coutPerGroup * p.groups), u(rng));
        Tensor input(in);
        for (float& v : input.storage()) v = u(rng);
        const Tensor ref = referenceConv2d(input, layer);
        // The real grid limit, and a tiny one that forces chunked launches in y and z.
        for (int maxYZ : {cuda::kConv2dMaxGridYZ, 1}) {
            const Conv2dGridRun run = emulateConv2d(input, layer, maxYZ);
            if (maxYZ == 1) {
                const cuda::Conv2dDims grid = cuda::conv2dLaunchGrid(cuda::conv2dArgsFor(in, layer, ref.shape()));
                QCOMPARE(run.launches, grid.y * grid.z);
            }
            for (int64_t j = 0; j < ref.size(); ++j)
                QVERIFY2(std::fabs(run.output.data()[j] - ref.data()[j]) <= 1e-5f * (1 + std::fabs(ref.data()[j])),
                         qPrintable(QString::fromStdString(describe(p) + " " + shapeText(in)) +
                                    QString(" output %1").arg(j)));
        }
    }
    // Extents beyond the kernel's 32-bit indices are refused, not wrapped.
    Conv2dLayer big;
    big.weight = Tensor(Shape4{1, 1, 1, 1});
    QVERIFY_THROWS_EXCEPTION(
        ParameterError, cuda::conv2dArgsFor(Shape4{1, 1, int64_t(1) << 32, 1}, big, Shape4{1, 1, int64_t(1) << 32, 1}));
}

}  // namespace tconv::testing
