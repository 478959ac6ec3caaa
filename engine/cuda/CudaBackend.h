// SPDX-License-Identifier: MIT
#pragma once
// The CUDA backend: the same ConvTranspose2d as the CPU backend, on an NVIDIA
// GPU. Free of CUDA types, so the CLI, the studio and the tests include it
// with a plain C++ compiler.
//
// One instance owns one device stream and its buffers (device buffers grow and
// are reused across calls; pinned staging is 2 x 8 MiB). An instance serves
// one job at a time: use one instance per worker thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/Backend.h"
#include "cuda/KernelVariant.h"

namespace tconv::cuda {

struct CudaBackendOptions {
    int device = 0;
    std::optional<KernelVariant> forceVariant;  // tests and benchmarks; default: planLaunch's choice
    size_t stagingChunkBytes = size_t(8) << 20;
};

// An 8-bit image in memory: interleaved channels (gray, gray+alpha, RGB, RGBA),
// rows `pitch` bytes apart (>= width * channels).
struct Image8View {
    const uint8_t* pixels = nullptr;
    int height = 0, width = 0, channels = 0;
    size_t pitch = 0;
};

// Device time of the stages of the last call (cudaEvents), and its host wall time.
struct CudaTimings {
    float uploadMs = 0, unpackMs = 0, kernelMs = 0, downloadMs = 0;  // downloadMs includes packing to 8-bit
    double wallMs = 0;
    const char* variant = "";
};

class CudaBackend final : public Backend {
public:
    explicit CudaBackend(const CudaBackendOptions& options = {});
    ~CudaBackend() override;

    BackendKind kind() const override { return BackendKind::Cuda; }
    std::string description() const override;  // "cuda (NVIDIA H100 80GB HBM3, sm_90)"
    void run(const Tensor& input, const ConvLayer& layer, Tensor& output) override;
    void runConv2d(const Tensor& input, const Conv2dLayer& layer, Tensor& output) override;  // Conv2dRun.cpp

    // 8-bit image in (uploaded as bytes, converted to value/255 on the device),
    // planar float out: output becomes (1, C_out, H_out, W_out). The image's
    // channel count must equal layer.inChannels(). Validates like convTranspose2d.
    void runImage8(const Image8View& image, const ConvLayer& layer, Tensor& output);
    // Same, but the result is quantized on the device (clamp to [0, 1], round
    // half to even of v * 255) and downloaded as packed interleaved 8-bit rows.
    // Returns the output shape (1, C_out, H_out, W_out); C_out must be 1..4.
    Shape4 runImage8To8(const Image8View& image, const ConvLayer& layer, std::vector<uint8_t>& output);

    const CudaTimings& lastTimings() const;
    // Frees the cached device buffers (they are re-created on the next call).
    void releaseBuffers();

    struct Impl;  // CudaBackendImpl.h

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace tconv::cuda
