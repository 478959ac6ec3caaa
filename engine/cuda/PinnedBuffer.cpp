// SPDX-License-Identifier: MIT
#include "cuda/internal/PinnedBuffer.h"

#include "cuda/internal/CudaCheck.h"

namespace tconv::cuda {

PinnedBuffer::~PinnedBuffer() { release(); }

void* PinnedBuffer::ensure(size_t bytes) {
    if (bytes <= capacity_ && ptr_ != nullptr) return ptr_;
    release();
    TCONV_CUDA_CHECK(cudaMallocHost(&ptr_, bytes == 0 ? 1 : bytes));
    capacity_ = bytes;
    return ptr_;
}

void PinnedBuffer::release() noexcept {
    if (ptr_ != nullptr) cudaFreeHost(ptr_);
    ptr_ = nullptr;
    capacity_ = 0;
}

}  // namespace tconv::cuda
