// SPDX-License-Identifier: MIT
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
    bool compiled = false;  // the CUDA backend was built into this binary
    bool usable = false;    // a device can be used right now
    std::string reason;     // why not, when !usable
    std::string device;     // "NVIDIA H100 80GB HBM3, compute 9.0, 79.1 GiB" when usable
};

CudaAvailability cudaAvailability();

// What a backend is, for `tconv info`, status lines, the studio's backend menu
// and benchmarks: callers above the engine learn it here, never from a
// backend's own header.
struct BackendInfo {
    BackendKind kind = BackendKind::Cpu;
    std::string name;        // "cpu" | "cuda"
    bool available = false;  // createBackend(kind) would succeed now
    std::string reason;      // why not, when !available
    std::string simd;        // CPU: "AVX2", "AVX3", "SSE4", "scalar"; empty for CUDA
    int threads = 0;         // CPU: worker threads by default; 0 for CUDA
    std::string threading;   // CPU: "oneTBB 2021.8" | "std::thread"; empty for CUDA
    std::string device;      // CUDA: the device, when available
};

// Auto describes the backend auto would pick.
BackendInfo describeBackend(BackendKind kind);

// Options a caller may set on a backend it creates. threads <= 0: the
// backend's default (all hardware threads); only the CPU backend uses it.
struct BackendOptions {
    int threads = 0;
};

// GFLOP/s of the backend's channel-mixing kernel on in-cache operands with
// `threads` threads (benchmarks derive their compute floor from it); 0 when
// the backend has no such measurement (CUDA).
double backendPeakGflops(BackendKind kind, int threads);

// Throws ProcessingError (cuda requested but unusable) or ParameterError.
// `chosen`, when given, receives a sentence saying which backend auto picked and why.
std::unique_ptr<Backend> createBackend(BackendKind kind, std::string* chosen = nullptr);
std::unique_ptr<Backend> createBackend(BackendKind kind, const BackendOptions& options, std::string* chosen = nullptr);

// "cpu" | "cuda" | "auto"; nullopt for anything else.
std::optional<BackendKind> parseBackendKind(const std::string& name);

}  // namespace tconv
