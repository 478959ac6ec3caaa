// SPDX-License-Identifier: MIT
// cuda/CudaProbe.h: whether CUDA is usable here, and the exact reason when not.
#include "cuda/CudaProbe.h"

#include <cuda_runtime.h>

#include <cstdio>
#include <string>

#include "core/ConvError.h"
#include "cuda/internal/ConvTransposeLaunch.h"

namespace tconv::cuda {
namespace {

// CUDA encodes versions as 1000 * major + 10 * minor.
std::string versionText(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

std::string errorText(cudaError_t err) {
    return std::string(cudaGetErrorString(err)) + " (" + cudaGetErrorName(err) + ")";
}

std::string gib(size_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return text;
}

}  // namespace

DeviceProbe probeDevice() {
    DeviceProbe a;
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);  // 0 when no driver is installed
    cudaRuntimeGetVersion(&runtime);
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    cudaGetLastError();
    if (driver == 0) {
        a.reason = "no NVIDIA driver is installed (libcuda.so.1 could not be loaded)";
        return a;
    }
    if (err == cudaErrorInsufficientDriver) {
        a.reason = "NVIDIA driver too old: the driver supports CUDA " + versionText(driver) + ", this build needs " +
                   versionText(runtime) + " or newer";
        return a;
    }
    if (err == cudaErrorNoDevice || (err == cudaSuccess && count == 0)) {
        a.reason = "no CUDA device present (driver supports CUDA " + versionText(driver) + ")";
        return a;
    }
    if (err != cudaSuccess) {
        a.reason = "CUDA initialisation failed: " + errorText(err);
        return a;
    }
    const int dev = 0;
    cudaDeviceProp prop{};
    if (const cudaError_t e = cudaGetDeviceProperties(&prop, dev); e != cudaSuccess) {
        cudaGetLastError();
        a.reason = "cannot query CUDA device 0: " + errorText(e);
        return a;
    }
    const std::string name =
        std::string(prop.name) + ", compute " + std::to_string(prop.major) + "." + std::to_string(prop.minor);
    // Creating the context catches devices that exist but cannot be used
    // (exclusive-process mode held by another process, a failed GPU, ...).
    cudaError_t e = cudaSetDevice(dev);
    if (e == cudaSuccess) e = cudaFree(nullptr);
    if (e != cudaSuccess) {
        cudaGetLastError();
        a.reason = "CUDA device 0 (" + name + ") cannot be used: " + errorText(e);
        return a;
    }
    if (const cudaError_t k = checkKernelImage(); k != cudaSuccess) {
        a.reason = "CUDA device 0 (" + name + ") is not supported by this build (compiled for " + builtArchitectures() +
                   "): " + errorText(k);
        return a;
    }
    size_t freeBytes = 0, totalBytes = prop.totalGlobalMem;
    if (cudaMemGetInfo(&freeBytes, &totalBytes) != cudaSuccess) cudaGetLastError();
    a.usable = true;
    a.device = name + ", " + gib(totalBytes) + " (" + gib(freeBytes) + " free), driver CUDA " + versionText(driver) +
               ", runtime " + versionText(runtime);
    return a;
}

}  // namespace tconv::cuda
