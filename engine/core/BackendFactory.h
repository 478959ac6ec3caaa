#pragma once
// The one place that picks a backend. `auto` takes CUDA when a usable device
// is present and otherwise the CPU; `cuda` fails with the exact reason when no
// device can be used.
#include <memory>
#include <optional>
#include <string>

#include "core/Backend.h"

namespace tconv {

struct CudaAvailability {
    bool compiled = false;   // the CUDA backend was built into this binary
    bool usable = false;     // a device can be used right now
    std::string reason;      // why not, when !usable
    std::string device;      // "NVIDIA H100 80GB HBM3, compute 9.0, 79.1 GiB" when usable
};

CudaAvailability cudaAvailability();

// Throws ProcessingError (cuda requested but unusable) or ParameterError.
// `chosen`, when given, receives a sentence saying which backend auto picked and why.
std::unique_ptr<Backend> createBackend(BackendKind kind, std::string* chosen = nullptr);

// "cpu" | "cuda" | "auto"; nullopt for anything else.
std::optional<BackendKind> parseBackendKind(const std::string& name);

}  // namespace tconv
