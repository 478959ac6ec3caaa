// SPDX-License-Identifier: MIT
#pragma once
// Page-locked host memory (cudaMallocHost) that grows and never shrinks. DMA
// engines copy only from pinned memory: pageable copies go through a driver
// bounce buffer and do not overlap with anything.
#include <cstddef>

namespace tconv::cuda {

class PinnedBuffer {
public:
    PinnedBuffer() = default;
    ~PinnedBuffer();
    PinnedBuffer(const PinnedBuffer&) = delete;
    PinnedBuffer& operator=(const PinnedBuffer&) = delete;

    // Throws ProcessingError when the allocation fails.
    void* ensure(size_t bytes);
    void release() noexcept;
    void* data() const { return ptr_; }
    size_t capacity() const { return capacity_; }

private:
    void* ptr_ = nullptr;
    size_t capacity_ = 0;
};

}  // namespace tconv::cuda
