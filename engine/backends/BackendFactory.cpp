// SPDX-License-Identifier: MIT
#include "backends/BackendFactory.h"

#include "core/ConvError.h"
#include "cpu/CpuBackend.h"
#if defined(TCONV_HAVE_CUDA)
#include "cuda/CudaBackend.h"
#include "cuda/CudaProbe.h"
#endif

namespace tconv {

std::optional<BackendKind> parseBackendKind(const std::string& name) {
    if (name == "auto") return BackendKind::Auto;
    if (name == "cpu") return BackendKind::Cpu;
    if (name == "cuda") return BackendKind::Cuda;
    return std::nullopt;
}

namespace {

CudaAvailability probeCuda() {
    CudaAvailability a;
#if defined(TCONV_HAVE_CUDA)
    const cuda::DeviceProbe probe = cuda::probeDevice();
    a.compiled = true;
    a.usable = probe.usable;
    a.reason = probe.reason;
    a.device = probe.device;
#else
    a.reason = "this build has no CUDA backend (no CUDA compiler was found when it was configured)";
#endif
    return a;
}

// Only called when cudaAvailability().usable, which a build without CUDA never is.
std::unique_ptr<Backend> createCudaBackend() {
#if defined(TCONV_HAVE_CUDA)
    return std::make_unique<cuda::CudaBackend>();
#else
    throw ProcessingError(cudaAvailability().reason);
#endif
}

}  // namespace

CudaAvailability cudaAvailability() {
    // Probing a driver is not free; the answer does not change while we run.
    static const CudaAvailability cached = probeCuda();
    return cached;
}

std::unique_ptr<Backend> createBackend(BackendKind kind, std::string* chosen) {
    return createBackend(kind, BackendOptions{}, chosen);
}

BackendInfo describeBackend(BackendKind kind) {
    const CudaAvailability cuda = cudaAvailability();
    if (kind == BackendKind::Auto) kind = cuda.usable ? BackendKind::Cuda : BackendKind::Cpu;
    BackendInfo info;
    info.kind = kind;
    info.name = backendName(kind);
    if (kind == BackendKind::Cpu) {
        info.available = true;
        info.simd = cpuSimdTarget();
        info.threads = cpuDefaultThreadCount();
        info.threading = cpuThreadingLibrary();
    } else {
        info.available = cuda.usable;
        info.reason = cuda.usable ? "" : cuda.reason;
        info.device = cuda.device;
    }
    return info;
}

double backendPeakGflops(BackendKind kind, int threads) {
    if (kind == BackendKind::Cpu) return cpuGemmPeakGflops(threads > 0 ? threads : cpuDefaultThreadCount());
    return 0.0;
}

std::unique_ptr<Backend> createBackend(BackendKind kind, const BackendOptions& options, std::string* chosen) {
    if (kind == BackendKind::Cpu) {
        if (chosen) *chosen = "cpu (requested)";
        return createCpuBackend(options.threads);
    }
    const CudaAvailability cuda = cudaAvailability();
    if (kind == BackendKind::Cuda) {
        if (!cuda.usable) throw ProcessingError("CUDA backend unavailable: " + cuda.reason);
        if (chosen) *chosen = "cuda (requested): " + cuda.device;
        return createCudaBackend();
    }
    if (cuda.usable) {
        if (chosen) *chosen = "cuda (auto): " + cuda.device;
        return createCudaBackend();
    }
    if (chosen) *chosen = "cpu (auto; CUDA unavailable: " + cuda.reason + ")";
    return createCpuBackend(options.threads);
}

}  // namespace tconv
