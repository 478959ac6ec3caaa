#include "core/BackendFactory.h"

#include "core/ConvError.h"
#include "core/CudaHooks.h"
#include "cpu/CpuBackend.h"

namespace tconv {

const char* backendName(BackendKind k) {
    switch (k) {
        case BackendKind::Auto: return "auto";
        case BackendKind::Cpu: return "cpu";
        case BackendKind::Cuda: return "cuda";
    }
    return "?";
}

std::optional<BackendKind> parseBackendKind(const std::string& name) {
    if (name == "auto") return BackendKind::Auto;
    if (name == "cpu") return BackendKind::Cpu;
    if (name == "cuda") return BackendKind::Cuda;
    return std::nullopt;
}

CudaAvailability cudaAvailability() {
    // Probing a driver is not free; the answer does not change while we run.
    static const CudaAvailability cached = cuda_hooks::probe();
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
        return cuda_hooks::create();
    }
    if (cuda.usable) {
        if (chosen) *chosen = "cuda (auto): " + cuda.device;
        return cuda_hooks::create();
    }
    if (chosen) *chosen = "cpu (auto; CUDA unavailable: " + cuda.reason + ")";
    return createCpuBackend(options.threads);
}

}  // namespace tconv
