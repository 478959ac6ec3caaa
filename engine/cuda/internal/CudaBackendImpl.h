// SPDX-License-Identifier: MIT
#pragma once
// The CUDA backend's state, shared by CudaBackend.cpp (tensors) and
// ImageUpload.cpp (8-bit images). Internal to engine/cuda.
#include <cuda_runtime.h>

#include <string>

#include "cuda/CudaBackend.h"
#include "cuda/internal/ConvTransposeLaunch.h"
#include "cuda/internal/DeviceBuffer.h"
#include "cuda/internal/StagedTransfer.h"

namespace tconv::cuda {

struct CudaBackend::Impl {
    explicit Impl(const CudaBackendOptions& o);
    ~Impl();

    // Events bracketing the stages: start, uploaded, unpacked, computed, downloaded.
    enum Stage { Start, Uploaded, Unpacked, Computed, Downloaded, StageCount };
    void mark(Stage s);
    // After the last stage completed: device times between the marks.
    void collectTimings(double wallMs);

    // Runs `allocate` (which calls DeviceBuffer::ensure); on DeviceOutOfMemory
    // frees every cached buffer and tries once more.
    template <class F>
    void allocateWithRetry(F&& allocate) {
        try {
            allocate();
        } catch (const DeviceOutOfMemory&) {
            releaseAll();
            allocate();
        }
    }
    void releaseAll() noexcept;
    void destroyStreamAndEvents() noexcept;

    // One call's plan: validated shapes, kernel choice, packed layer constants.
    struct Job {
        Shape4 inShape, outShape;
        ConvGeometry geometry;
        LaunchPlan plan;
        PackedParams params;
        size_t inBytes = 0, outBytes = 0;
    };
    // Validates like convTranspose2d (ParameterError) and plans the launch.
    Job prepare(const Shape4& inShape, const ConvLayer& layer) const;
    // Buffers input/output/params of the job (plus extra 8-bit ones when
    // given), then enqueues the upload of the layer constants.
    void allocate(const Job& job, size_t image8InBytes = 0, size_t image8OutBytes = 0);
    // Launches the conv from the input buffer to the output buffer.
    void convolve(const Job& job);

    CudaBackendOptions options;
    int device = 0;  // made current before any other member touches CUDA
    std::string deviceName;
    int ccMajor = 0, ccMinor = 0;
    cudaStream_t stream = nullptr;
    cudaEvent_t events[StageCount] = {};
    StagedTransfer staging;
    DeviceBuffer input, output, params, image8In, image8Out;
    CudaTimings timings;
};

}  // namespace tconv::cuda
