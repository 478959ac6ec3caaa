// SPDX-License-Identifier: MIT
#include "cuda/CudaBench.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/ReferenceConvTranspose.h"
#include "core/Validation.h"
#include "cuda/CudaBackend.h"
#include "cuda/RandomConvCases.h"
#include "cuda/internal/ConvTransposeLaunch.h"
#include "cuda/internal/CudaCheck.h"
#include "cuda/internal/DeviceBuffer.h"

namespace tconv::testing {
namespace {

// The standard suite of `tconv bench` (issue 2), same names.
struct SuiteCase {
    const char* name;
    int c, h, w, k, s, p, q, d;
    bool full;  // full C -> C conv instead of depthwise
};
const SuiteCase kSuite[] = {
    {"1024x1024x3 depthwise k4 s2 p1", 3, 1024, 1024, 4, 2, 1, 0, 1, false},
    {"1024x1024x3 depthwise k3 s2 p1 op1", 3, 1024, 1024, 3, 2, 1, 1, 1, false},
    {"512x512x3 depthwise k5 s3 p1", 3, 512, 512, 5, 3, 1, 0, 1, false},
    {"2048x2048x1 depthwise k4 s4", 1, 2048, 2048, 4, 4, 0, 0, 1, false},
    {"1024x1024x3 full 3->3 k4 s2 p1", 3, 1024, 1024, 4, 2, 1, 0, 1, true},
    {"1024x1024x3 depthwise k3 s2 p2 op1 d2", 3, 1024, 1024, 3, 2, 2, 1, 2, false},
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

// JSON has no inf/nan: a non-finite error (an unwritten output) becomes null.
std::string jsonNumber(double v) {
    if (!std::isfinite(v)) return "null";
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", v);
    return text;
}

ConvLayer suiteLayer(const SuiteCase& c, std::mt19937_64& rng) {
    ConvLayer layer;
    layer.params.kernel = c.k, layer.params.stride = c.s, layer.params.padding = c.p;
    layer.params.outputPadding = c.q, layer.params.dilation = c.d;
    layer.params.groups = c.full ? 1 : c.c;
    layer.weight = Tensor(Shape4{c.c, c.full ? c.c : 1, c.k, c.k});
    fillUniform(layer.weight, rng);  // never time zeros
    return layer;
}

// Times `launch` once per repeat with its own event pair; median and min in ms.
template <class F>
std::pair<double, double> timeLaunches(int repeats, cudaStream_t stream, F&& launch) {
    std::vector<cudaEvent_t> ev(2 * static_cast<size_t>(repeats));
    for (cudaEvent_t& e : ev) TCONV_CUDA_CHECK(cudaEventCreate(&e));
    for (int i = 0; i < repeats; ++i) {
        TCONV_CUDA_CHECK(cudaEventRecord(ev[2 * i], stream));
        launch(i);
        TCONV_CUDA_CHECK(cudaEventRecord(ev[2 * i + 1], stream));
    }
    TCONV_CUDA_CHECK(cudaStreamSynchronize(stream));
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        float t = 0;
        TCONV_CUDA_CHECK(cudaEventElapsedTime(&t, ev[2 * i], ev[2 * i + 1]));
        ms.push_back(t);
    }
    for (cudaEvent_t e : ev) cudaEventDestroy(e);
    return {median(ms), *std::min_element(ms.begin(), ms.end())};
}

// Device-to-device copy bandwidth in bytes/s, counting bytes read + written.
double copyBandwidth(cudaStream_t stream, int repeats) {
    size_t freeBytes = 0, total = 0;
    TCONV_CUDA_CHECK(cudaMemGetInfo(&freeBytes, &total));
    const size_t bytes = std::min<size_t>(size_t(1) << 30, freeBytes / 4);
    cuda::DeviceBuffer a, b;
    a.ensure(bytes, "copy benchmark source");
    b.ensure(bytes, "copy benchmark destination");
    TCONV_CUDA_CHECK(cudaMemsetAsync(a.data(), 1, bytes, stream));
    for (int i = 0; i < 3; ++i)
        TCONV_CUDA_CHECK(cudaMemcpyAsync(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice, stream));
    const auto [med, mn] = timeLaunches(repeats, stream, [&](int) {
        TCONV_CUDA_CHECK(cudaMemcpyAsync(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice, stream));
    });
    (void)mn;
    return 2.0 * double(bytes) / (med * 1e-3);
}

int benchSuite(const BenchOptions& o, cudaStream_t stream, const cudaDeviceProp& prop, double bandwidth) {
    int failures = 0;
    std::printf("\n%-40s %-7s %10s %10s %10s %8s %11s %9s\n", "case", "kernel", "median_ms", "min_ms", "floor_ms",
                "x_floor", "out_Mpix/s", "rel_L2");
    std::mt19937_64 rng(2024);
    for (const SuiteCase& c : kSuite) {
        const ConvLayer layer = suiteLayer(c, rng);
        Tensor input(Shape4{1, c.c, c.h, c.w});
        fillUniform(input, rng);
        const Shape4 outShape = validateProblem(layer.problemFor(input.shape()));
        const cuda::ConvGeometry g = cuda::makeGeometry(input.shape(), layer, outShape);
        const cuda::LaunchPlan plan = cuda::planLaunch(g);
        const cuda::PackedParams pk = cuda::packParams(layer, g);
        const size_t inBytes = input.storage().size() * sizeof(float);
        const size_t outBytes = static_cast<size_t>(outShape.count()) * sizeof(float);
        // Enough buffer sets that one round is 3x the L2 cache: every launch
        // reads and writes DRAM, as a single-shot call would.
        const int sets =
            static_cast<int>(std::clamp<size_t>(3 * size_t(prop.l2CacheSize) / (inBytes + outBytes) + 1, 2, 8));
        cuda::DeviceBuffer params;
        std::vector<cuda::DeviceBuffer> ins(sets), outs(sets);
        params.ensure(pk.bytes.size(), "parameters");
        TCONV_CUDA_CHECK(cudaMemcpy(params.data(), pk.bytes.data(), pk.bytes.size(), cudaMemcpyHostToDevice));
        std::vector<cuda::KernelArgs> args;
        for (int i = 0; i < sets; ++i) {
            ins[i].ensure(inBytes, "input");
            outs[i].ensure(outBytes, "output");
            TCONV_CUDA_CHECK(cudaMemcpy(ins[i].data(), input.data(), inBytes, cudaMemcpyHostToDevice));
            TCONV_CUDA_CHECK(cudaMemset(outs[i].data(), 0xFF, outBytes));  // NaN: unwritten outputs show
            args.push_back(cuda::bindArgs(g, plan, pk, params.data(), static_cast<const float*>(ins[i].data()),
                                          static_cast<float*>(outs[i].data())));
        }
        for (int i = 0; i < 3; ++i) cuda::launchConvTranspose(args[i % sets], plan, stream);
        const auto [med, mn] = timeLaunches(o.repeats, stream, [&](int i) {
            cuda::launchConvTranspose(args[static_cast<size_t>(i % sets)], plan, stream);
        });
        Tensor out(outShape);
        TCONV_CUDA_CHECK(cudaMemcpy(out.data(), outs[0].data(), outBytes, cudaMemcpyDeviceToHost));
        const double err = relativeL2(out, referenceConvTranspose2d(input, layer));
        if (!(err < kMaxRelativeL2)) ++failures;
        const double floorMs = double(inBytes + outBytes + pk.bytes.size()) / bandwidth * 1e3;
        const double mpix = double(outShape.n) * outShape.h * outShape.w / 1e6 / (med * 1e-3);
        std::printf("%-40s %-7s %10.4f %10.4f %10.4f %8.2f %11.0f %9.2g%s\n", c.name, cuda::variantName(plan.variant),
                    med, mn, floorMs, med / floorMs, mpix, err, err < kMaxRelativeL2 ? "" : "  FAIL");
        if (o.json)
            std::printf(
                "{\"case\": \"%s\", \"backend\": \"cuda\", \"device\": \"%s\", \"kernel\": \"%s\", "
                "\"median_ms\": %.5f, \"min_ms\": %.5f, \"floor_ms\": %.5f, \"floor_ratio\": %.3f, "
                "\"out_mpix_s\": %.1f, \"copy_gbs\": %.1f, \"rel_l2\": %s}\n",
                c.name, prop.name, cuda::variantName(plan.variant), med, mn, floorMs, med / floorMs, mpix,
                bandwidth / 1e9, jsonNumber(err).c_str());
    }
    return failures;
}

// 1024x1024 8-bit RGB, depthwise k4 s2 p1, through CudaBackend's image entry
// points: upload of bytes, unpack, conv, download (float or packed 8-bit).
void benchEndToEnd(const BenchOptions& o, const cudaDeviceProp& prop) {
    const int h = 1024, w = 1024, c = 3;
    std::mt19937_64 rng(7);
    std::vector<uint8_t> pixels(size_t(h) * w * c);
    for (uint8_t& b : pixels) b = static_cast<uint8_t>(rng());
    Kernel2D kernel(4, 4);
    for (float& t : kernel.taps) t = std::uniform_real_distribution<float>(0.0f, 0.5f)(rng);
    ConvParams params;
    params.stride = 2;
    params.padding = 1;
    const ConvLayer layer = makeDepthwiseLayer(kernel, c, params);
    const cuda::Image8View view{pixels.data(), h, w, c, size_t(w) * c};
    cuda::CudaBackend backend;
    std::printf("\n%-44s %9s %9s %9s %9s %9s\n", "end to end (1024x1024 RGB 8-bit, k4 s2 p1)", "wall_ms", "upload",
                "unpack", "kernel", "download");
    for (bool to8 : {true, false}) {
        std::vector<uint8_t> bytes;
        Tensor out;
        std::vector<double> wall, up, unpack, kern, down;
        const int repeats = std::max(5, o.repeats / 2);
        for (int i = 0; i < repeats + 3; ++i) {
            if (to8) backend.runImage8To8(view, layer, bytes);
            else backend.runImage8(view, layer, out);
            if (i < 3) continue;  // warm-up: first allocation, module load
            const cuda::CudaTimings& t = backend.lastTimings();
            wall.push_back(t.wallMs), up.push_back(t.uploadMs), unpack.push_back(t.unpackMs);
            kern.push_back(t.kernelMs), down.push_back(t.downloadMs);
        }
        const char* name = to8 ? "8-bit in, 8-bit out (2048x2048x3)" : "8-bit in, float32 out (2048x2048x3)";
        std::printf("%-44s %9.3f %9.3f %9.3f %9.3f %9.3f\n", name, median(wall), median(up), median(unpack),
                    median(kern), median(down));
        if (o.json)
            std::printf(
                "{\"case\": \"end-to-end 1024x1024 rgb8 k4 s2 p1, %s\", \"backend\": \"cuda\", \"device\": "
                "\"%s\", \"wall_median_ms\": %.4f, \"upload_ms\": %.4f, \"unpack_ms\": %.4f, "
                "\"kernel_ms\": %.4f, \"download_ms\": %.4f}\n",
                to8 ? "8-bit out" : "float32 out", prop.name, median(wall), median(up), median(unpack), median(kern),
                median(down));
    }
}

}  // namespace

int runBenchmarks(const BenchOptions& o) {
    int device = 0;
    TCONV_CUDA_CHECK(cudaGetDevice(&device));
    cudaDeviceProp prop{};
    TCONV_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    cudaStream_t stream = nullptr;
    TCONV_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    const double bandwidth = copyBandwidth(stream, o.repeats);
    std::printf("\ndevice %s (sm_%d%d, %d SMs, L2 %.0f MiB): device-to-device copy %.1f GB/s (read + write)\n",
                prop.name, prop.major, prop.minor, prop.multiProcessorCount, prop.l2CacheSize / 1048576.0,
                bandwidth / 1e9);
    int failures = 0;
    try {
        failures = benchSuite(o, stream, prop, bandwidth);
        benchEndToEnd(o, prop);
    } catch (...) {
        cudaStreamDestroy(stream);
        throw;
    }
    cudaStreamDestroy(stream);
    return failures;
}

}  // namespace tconv::testing
