// Placeholder CUDA hooks: reports the device, computes nothing yet (the CUDA
// kernels are their own issue).
#include <cuda_runtime.h>

#include <string>

#include "core/ConvError.h"
#include "core/CudaHooks.h"

namespace tconv::cuda_hooks {

CudaAvailability probe() {
    CudaAvailability a;
    a.compiled = true;
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        a.reason = std::string("no usable CUDA driver/device: ") + cudaGetErrorString(err);
        return a;
    }
    if (count == 0) {
        a.reason = "no CUDA device present";
        return a;
    }
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, 0);
    a.device = std::string(prop.name) + ", compute " + std::to_string(prop.major) + "." + std::to_string(prop.minor);
    a.reason = "the CUDA kernels are not implemented yet";
    return a;
}

std::unique_ptr<Backend> create() { throw ProcessingError(probe().reason); }

}  // namespace tconv::cuda_hooks
