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
    if (kind == BackendKind::Cpu) {
        if (chosen) *chosen = "cpu (requested)";
        return createCpuBackend();
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
    return createCpuBackend();
}

}  // namespace tconv
