// SPDX-License-Identifier: MIT
#pragma once
// Whether the CUDA backend can run here, and the exact reason when not. Free of
// CUDA types; the backend factory (engine/backends) turns it into
// CudaAvailability.
#include <string>

namespace tconv::cuda {

struct DeviceProbe {
    bool usable = false;
    std::string reason;  // why not, when !usable
    std::string device;  // "NVIDIA H100 80GB HBM3, compute 9.0, 79.1 GiB ..." when usable
};

// Probes device 0 (driver, runtime, context creation, kernel image). Not cached.
DeviceProbe probeDevice();

}  // namespace tconv::cuda
