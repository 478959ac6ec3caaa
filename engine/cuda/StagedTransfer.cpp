// SPDX-License-Identifier: MIT
#include "cuda/internal/StagedTransfer.h"

#include <algorithm>
#include <cstring>

#include "cuda/internal/CudaCheck.h"

namespace tconv::cuda {

StagedTransfer::StagedTransfer(size_t chunkBytes) : chunk_(std::max<size_t>(chunkBytes, 4096)) {
    TCONV_CUDA_CHECK(cudaEventCreateWithFlags(&done_[0], cudaEventDisableTiming));
    try {
        TCONV_CUDA_CHECK(cudaEventCreateWithFlags(&done_[1], cudaEventDisableTiming));
    } catch (...) {
        cudaEventDestroy(done_[0]);
        throw;
    }
}

StagedTransfer::~StagedTransfer() {
    for (cudaEvent_t e : done_)
        if (e != nullptr) cudaEventDestroy(e);
}

void StagedTransfer::upload(void* deviceDst, const void* hostSrc, size_t bytes, cudaStream_t stream) {
    auto* dst = static_cast<unsigned char*>(deviceDst);
    const auto* src = static_cast<const unsigned char*>(hostSrc);
    for (size_t off = 0, i = 0; off < bytes; off += chunk_, ++i) {
        const size_t n = std::min(chunk_, bytes - off);
        const int h = static_cast<int>(i % 2);
        // The half's previous DMA must have finished before it is overwritten.
        TCONV_CUDA_CHECK(cudaEventSynchronize(done_[h]));
        void* staging = half_[h].ensure(chunk_);
        std::memcpy(staging, src + off, n);
        TCONV_CUDA_CHECK(cudaMemcpyAsync(dst + off, staging, n, cudaMemcpyHostToDevice, stream));
        TCONV_CUDA_CHECK(cudaEventRecord(done_[h], stream));
    }
}

void StagedTransfer::download(void* hostDst, const void* deviceSrc, size_t bytes, cudaStream_t stream,
                              cudaEvent_t afterLastCopy) {
    auto* dst = static_cast<unsigned char*>(hostDst);
    const auto* src = static_cast<const unsigned char*>(deviceSrc);
    // Chunk i goes to half i % 2; while it is in flight the CPU copies out
    // chunk i - 1 from the other half.
    size_t prevOff = 0, prevN = 0;
    int prevHalf = -1;
    for (size_t off = 0, i = 0; off < bytes; off += chunk_, ++i) {
        const size_t n = std::min(chunk_, bytes - off);
        const int h = static_cast<int>(i % 2);
        void* staging = half_[h].ensure(chunk_);
        TCONV_CUDA_CHECK(cudaMemcpyAsync(staging, src + off, n, cudaMemcpyDeviceToHost, stream));
        TCONV_CUDA_CHECK(cudaEventRecord(done_[h], stream));
        if (afterLastCopy != nullptr && off + n == bytes) TCONV_CUDA_CHECK(cudaEventRecord(afterLastCopy, stream));
        if (prevHalf >= 0) {
            TCONV_CUDA_CHECK(cudaEventSynchronize(done_[prevHalf]));
            std::memcpy(dst + prevOff, half_[prevHalf].data(), prevN);
        }
        prevOff = off, prevN = n, prevHalf = h;
    }
    if (prevHalf >= 0) {
        TCONV_CUDA_CHECK(cudaEventSynchronize(done_[prevHalf]));
        std::memcpy(dst + prevOff, half_[prevHalf].data(), prevN);
    }
    // Nothing to download still has to wait for the work on the stream
    // (and surface its errors).
    if (bytes == 0) {
        if (afterLastCopy != nullptr) TCONV_CUDA_CHECK(cudaEventRecord(afterLastCopy, stream));
        TCONV_CUDA_CHECK(cudaStreamSynchronize(stream));
    }
}

}  // namespace tconv::cuda
