// SPDX-License-Identifier: MIT
#pragma once
// The one interface every compute backend implements (CPU, CUDA). Backends get
// requests that ConvTranspose::run has already validated and an output tensor
// already shaped; they only compute.
#include <memory>
#include <string>

#include "core/Conv2d.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv {

enum class BackendKind { Auto, Cpu, Cuda };

const char* backendName(BackendKind k);  // "auto", "cpu", "cuda"

class Backend {
public:
    virtual ~Backend() = default;
    virtual BackendKind kind() const = 0;
    // For status lines: "cpu (AVX2, 2 threads)", "cuda (NVIDIA H100, sm_90)".
    virtual std::string description() const = 0;
    // input: (N, C_in, H, W); output: already (N, C_out, H_out, W_out).
    // Throws ProcessingError when the computation itself fails.
    virtual void run(const Tensor& input, const ConvLayer& layer, Tensor& output) = 0;
    // The forward conv2d (core/Conv2d.h), the adjoint of run(): input (N, C_in, H, W),
    // output already (N, C_out, H_out, W_out), the request validated by conv2d().
    // The default is the plain loop (plainConv2d); backends override it with
    // their fast path.
    virtual void runConv2d(const Tensor& input, const Conv2dLayer& layer, Tensor& output);
};

}  // namespace tconv
