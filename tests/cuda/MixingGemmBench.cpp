// SPDX-License-Identifier: MIT
#include "cuda/MixingGemmBench.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "core/Validation.h"
#include "cuda/RandomConvCases.h"
#include "cuda/internal/ConvTransposeLaunch.h"
#include "cuda/internal/CudaCheck.h"
#include "cuda/internal/DeviceBuffer.h"

namespace tconv::testing {
namespace {

struct MixingCase {
    int h, w, cin, cout;
};
// The cases of `tconv bench --suite mixing` (app/cli/BenchCommand.cpp), k4 s2 p1.
const MixingCase kMixingSuite[] = {{128, 128, 64, 64}, {64, 64, 256, 256},   {32, 32, 512, 512},
                                   {64, 64, 512, 256}, {128, 128, 256, 128}, {256, 256, 128, 64}};

// Median kernel time in ms of `repeats` launches of `plan`, and the output.
double timeVariant(const cuda::ConvGeometry& g, const cuda::LaunchPlan& plan, const cuda::PackedParams& pk,
                   const void* params, const void* input, cuda::DeviceBuffer& output, size_t outBytes, int repeats,
                   cudaStream_t stream, Tensor& result) {
    TCONV_CUDA_CHECK(cudaMemset(output.data(), 0xFF, outBytes));  // NaN: unwritten outputs show
    const cuda::KernelArgs args =
        cuda::bindArgs(g, plan, pk, params, static_cast<const float*>(input), static_cast<float*>(output.data()));
    for (int i = 0; i < 2; ++i) cuda::launchConvTranspose(args, plan, stream);  // warm-up
    std::vector<cudaEvent_t> ev(2 * static_cast<size_t>(repeats));
    for (cudaEvent_t& e : ev) TCONV_CUDA_CHECK(cudaEventCreate(&e));
    for (int i = 0; i < repeats; ++i) {
        TCONV_CUDA_CHECK(cudaEventRecord(ev[2 * size_t(i)], stream));
        cuda::launchConvTranspose(args, plan, stream);
        TCONV_CUDA_CHECK(cudaEventRecord(ev[2 * size_t(i) + 1], stream));
    }
    TCONV_CUDA_CHECK(cudaStreamSynchronize(stream));
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        float t = 0;
        TCONV_CUDA_CHECK(cudaEventElapsedTime(&t, ev[2 * size_t(i)], ev[2 * size_t(i) + 1]));
        ms.push_back(t);
    }
    for (cudaEvent_t e : ev) cudaEventDestroy(e);
    TCONV_CUDA_CHECK(cudaMemcpy(result.data(), output.data(), outBytes, cudaMemcpyDeviceToHost));
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

}  // namespace

int runMixingBenchmark(const BenchOptions& o) {
    cudaStream_t stream = nullptr;
    TCONV_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    int failures = 0;
    std::printf("\n%-34s %-7s %10s %10s %10s %9s\n", "mixing case (k4 s2 p1)", "planned", "gemm_ms", "tiled4_ms",
                "gemm_TF/s", "rel_L2");
    std::mt19937_64 rng(16);
    try {
        for (const MixingCase& c : kMixingSuite) {
            ConvLayer layer;
            layer.params.kernel = 4, layer.params.stride = 2, layer.params.padding = 1;
            layer.weight = Tensor(Shape4{c.cin, c.cout, 4, 4});
            fillUniform(layer.weight, rng);
            Tensor input(Shape4{1, c.cin, c.h, c.w});
            fillUniform(input, rng);
            const Shape4 outShape = validateProblem(layer.problemFor(input.shape()));
            const cuda::ConvGeometry g = cuda::makeGeometry(input.shape(), layer, outShape);
            const cuda::PackedParams pk = cuda::packParams(layer, g);
            const size_t inBytes = input.storage().size() * sizeof(float);
            const size_t outBytes = static_cast<size_t>(outShape.count()) * sizeof(float);
            cuda::DeviceBuffer params, in, out;
            params.ensure(pk.bytes.size(), "parameters");
            in.ensure(inBytes, "input");
            out.ensure(outBytes, "output");
            TCONV_CUDA_CHECK(cudaMemcpy(params.data(), pk.bytes.data(), pk.bytes.size(), cudaMemcpyHostToDevice));
            TCONV_CUDA_CHECK(cudaMemcpy(in.data(), input.data(), inBytes, cudaMemcpyHostToDevice));
            Tensor gemmOut(outShape), tiledOut(outShape);
            const double gemmMs = timeVariant(g, cuda::planLaunch(g, cuda::KernelVariant::Gemm), pk, params.data(),
                                              in.data(), out, outBytes, o.repeats, stream, gemmOut);
            const double tiledMs = timeVariant(g, cuda::planLaunch(g, cuda::KernelVariant::Tiled4), pk, params.data(),
                                               in.data(), out, outBytes, o.repeats, stream, tiledOut);
            const double err = relativeL2(gemmOut, tiledOut);
            if (!(err < kMaxRelativeL2)) ++failures;
            // Multiply-adds: every output sums C_in * (kH*kW / (sH*sW)) = C_in * 4 products here.
            const double flops = 2.0 * double(outShape.count()) * c.cin * 4.0;
            char name[64];
            std::snprintf(name, sizeof name, "%dx%dx%d -> %d", c.h, c.w, c.cin, c.cout);
            const char* planned = cuda::variantName(cuda::planLaunch(g).variant);
            std::printf("%-34s %-7s %10.4f %10.4f %10.2f %9.2g%s\n", name, planned, gemmMs, tiledMs,
                        flops / (gemmMs * 1e-3) / 1e12, err, err < kMaxRelativeL2 ? "" : "  FAIL");
            if (o.json)
                std::printf(
                    "{\"case\": \"mixing %s k4 s2 p1\", \"backend\": \"cuda\", \"planned\": \"%s\", "
                    "\"gemm_median_ms\": %.5f, \"tiled4_median_ms\": %.5f, \"gemm_tflops\": %.3f, \"rel_l2\": %.3g}\n",
                    name, planned, gemmMs, tiledMs, flops / (gemmMs * 1e-3) / 1e12, err);
        }
    } catch (...) {
        cudaStreamDestroy(stream);
        throw;
    }
    cudaStreamDestroy(stream);
    return failures;
}

}  // namespace tconv::testing
