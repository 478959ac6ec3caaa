// SPDX-License-Identifier: MIT
#pragma once
// Host <-> device copies of pageable memory (std::vector, a Tensor, an image
// buffer) through two pinned staging halves, so the CPU copy of one chunk
// overlaps the DMA of the other, and pinned memory stays small (2 x chunk)
// whatever the tensor size.
#include <cuda_runtime.h>

#include <cstddef>

#include "cuda/internal/PinnedBuffer.h"

namespace tconv::cuda {

class StagedTransfer {
public:
    explicit StagedTransfer(size_t chunkBytes = size_t(8) << 20);
    ~StagedTransfer();
    StagedTransfer(const StagedTransfer&) = delete;
    StagedTransfer& operator=(const StagedTransfer&) = delete;

    // Enqueues the copy on `stream`; `src` may be reused as soon as this returns.
    void upload(void* deviceDst, const void* hostSrc, size_t bytes, cudaStream_t stream);
    // Enqueues after the work already on `stream`; returns when `hostDst` is
    // filled. `afterLastCopy`, when given, is recorded right after the last
    // device-to-host copy is enqueued (it times the DMA, not the CPU copy-out).
    void download(void* hostDst, const void* deviceSrc, size_t bytes, cudaStream_t stream,
                  cudaEvent_t afterLastCopy = nullptr);

    size_t chunkBytes() const { return chunk_; }

private:
    size_t chunk_;
    PinnedBuffer half_[2];
    cudaEvent_t done_[2] = {nullptr, nullptr};  // last DMA that used each half
};

}  // namespace tconv::cuda
