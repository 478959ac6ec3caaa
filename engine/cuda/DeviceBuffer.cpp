// SPDX-License-Identifier: MIT
#include "cuda/internal/DeviceBuffer.h"

#include <cstdio>
#include <string>
#include <utility>

#include "cuda/internal/CudaCheck.h"

namespace tconv::cuda {
namespace {

std::string mib(size_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return text;
}

}  // namespace

DeviceBuffer::~DeviceBuffer() { release(); }

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : ptr_(std::exchange(other.ptr_, nullptr)), capacity_(std::exchange(other.capacity_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
        release();
        ptr_ = std::exchange(other.ptr_, nullptr);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

void* DeviceBuffer::ensure(size_t bytes, const char* what) {
    if (bytes <= capacity_ && ptr_ != nullptr) return ptr_;
    release();
    void* p = nullptr;
    const cudaError_t err = cudaMalloc(&p, bytes == 0 ? 1 : bytes);
    if (err == cudaErrorMemoryAllocation) {
        cudaGetLastError();  // not sticky; clear it
        size_t freeBytes = 0, totalBytes = 0;
        cudaMemGetInfo(&freeBytes, &totalBytes);
        cudaGetLastError();
        throw DeviceOutOfMemory("CUDA out of memory: the " + std::string(what) + " needs " + mib(bytes) +
                                " but the device has " + mib(freeBytes) + " free of " + mib(totalBytes) +
                                " (use --backend cpu, or a smaller input)");
    }
    checkCuda(err, "cudaMalloc(bytes)", __FILE__, __LINE__);
    ptr_ = p;
    capacity_ = bytes;
    return ptr_;
}

void DeviceBuffer::release() noexcept {
    if (ptr_ != nullptr) cudaFree(ptr_);  // nothing useful to do with an error here
    ptr_ = nullptr;
    capacity_ = 0;
}

}  // namespace tconv::cuda
