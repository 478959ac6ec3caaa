// SPDX-License-Identifier: MIT
#include "cuda/CudaEquivalence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "core/ReferenceConvTranspose.h"
#include "cuda/CudaBackend.h"
#include "cuda/MixingGemmCases.h"
#include "cuda/RandomConvCases.h"
#include "cuda/internal/DeviceBuffer.h"

namespace tconv::testing {
namespace {

void record(EquivalenceResult& r, bool ok, double err, const std::string& what) {
    ++r.checks;
    if (std::isfinite(err)) r.worstError = std::max(r.worstError, err);
    if (!ok) {
        ++r.failures;
        std::printf("FAIL %s (relative L2 error %.3g)\n", what.c_str(), err);
    }
}

void checkVariants(EquivalenceResult& r, int seeds) {
    using cuda::KernelVariant;
    for (KernelVariant v : {KernelVariant::Tiled1, KernelVariant::Tiled4, KernelVariant::Direct, KernelVariant::Gemm}) {
        cuda::CudaBackendOptions o;
        o.forceVariant = v;
        cuda::CudaBackend backend(o);
        for (int seed = 1; seed <= seeds; ++seed) {
            RandomCaseLimits lim;
            if (seed % 10 == 0) lim.maxExtent = 200;  // several tiles in both axes
            const RandomCase rc = makeRandomCase(static_cast<uint64_t>(seed), lim);
            Tensor out(Shape4{1, 1, 1, 1}, NAN);
            backend.run(rc.input, rc.layer, out);
            const double err = relativeL2(out, referenceConvTranspose2d(rc.input, rc.layer));
            record(r, err < kMaxRelativeL2, err, rc.label + " [" + backend.lastTimings().variant + "]");
        }
    }
}

// Channel-mixing layers (C_in, C_out up to 256) through the planner's own
// choice (the GEMM variant where mixingGemmPays, else tiled) and forced GEMM.
void checkMixing(EquivalenceResult& r, int seeds) {
    cuda::CudaBackend planned;
    cuda::CudaBackendOptions o;
    o.forceVariant = cuda::KernelVariant::Gemm;
    cuda::CudaBackend gemm(o);
    for (int seed = 1; seed <= seeds; ++seed) {
        // Every 4th: many 64-pixel tiles per phase (fewer channels, to keep the reference quick).
        const bool wide = seed % 4 == 0;
        MixingCaseLimits lim;
        lim.maxChannels = wide ? 64 : 256;
        lim.maxExtent = wide ? 40 : 12;
        const RandomCase rc = makeMixingCase(static_cast<uint64_t>(seed), lim);
        const Tensor ref = referenceConvTranspose2d(rc.input, rc.layer);
        for (cuda::CudaBackend* b : {&planned, &gemm}) {
            Tensor out(Shape4{1, 1, 1, 1}, NAN);
            b->run(rc.input, rc.layer, out);
            const double err = relativeL2(out, ref);
            record(r, err < kMaxRelativeL2, err, rc.label + " [" + b->lastTimings().variant + "]");
        }
    }
}

void checkImage8(EquivalenceResult& r) {
    cuda::CudaBackend backend;
    std::mt19937_64 rng(99);
    for (int c = 1; c <= 4; ++c) {
        const int h = 61, w = 100 + c;
        std::vector<uint8_t> bytes(size_t(h) * w * c);
        for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
        Tensor asFloat(Shape4{1, c, h, w});
        for (int ch = 0; ch < c; ++ch)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    asFloat.at(0, ch, y, x) = float(bytes[(size_t(y) * w + x) * c + ch]) / 255.0f;
        Kernel2D kernel(4, 4);
        for (float& t : kernel.taps) t = std::uniform_real_distribution<float>(0.0f, 0.5f)(rng);
        ConvParams p;
        p.stride = 2;
        p.padding = 1;
        const ConvLayer layer = makeDepthwiseLayer(kernel, c, p);
        Tensor out;
        backend.runImage8(cuda::Image8View{bytes.data(), h, w, c, size_t(w) * c}, layer, out);
        const double err = relativeL2(out, referenceConvTranspose2d(asFloat, layer));
        record(r, err < kMaxRelativeL2, err, "8-bit image path, " + std::to_string(c) + " channels");
    }
}

void checkOutOfMemory(EquivalenceResult& r) {
    cuda::DeviceBuffer b;
    bool ok = false;
    try {
        b.ensure(size_t(1) << 50, "test buffer");
    } catch (const cuda::DeviceOutOfMemory& e) {
        ok = std::string(e.what()).find("CUDA out of memory") != std::string::npos;
    }
    record(r, ok, 0, "1 PiB allocation raises a clear out-of-memory error");
}

}  // namespace

EquivalenceResult runEquivalence(int seeds) {
    EquivalenceResult r;
    checkVariants(r, seeds);
    checkMixing(r, seeds);
    checkImage8(r);
    checkOutOfMemory(r);
    std::printf("equivalence: %d checks, %d failures, worst relative L2 error %.3g (limit %.0e)\n", r.checks,
                r.failures, r.worstError, kMaxRelativeL2);
    return r;
}

}  // namespace tconv::testing
