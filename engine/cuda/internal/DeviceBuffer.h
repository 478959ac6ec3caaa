// SPDX-License-Identifier: MIT
#pragma once
// Device memory that grows and never shrinks: the backend keeps one per role
// (input, output, parameters, 8-bit images) and reuses it across calls, since
// interactive use runs the same sizes many times a second. Free of CUDA types
// so that code compiled without nvcc can hold one.
#include <cstddef>

#include "core/ConvError.h"

namespace tconv::cuda {

// Out of device memory: the backend catches it once, frees its cached buffers
// and retries before letting it through.
class DeviceOutOfMemory : public ProcessingError {
public:
    using ProcessingError::ProcessingError;
};

class DeviceBuffer {
public:
    DeviceBuffer() = default;
    ~DeviceBuffer();
    DeviceBuffer(DeviceBuffer&& other) noexcept;
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    // At least `bytes` of device memory on the current device (contents are
    // not kept when it grows). `what` names the buffer in the error message.
    // Throws DeviceOutOfMemory, or ProcessingError for other CUDA failures.
    void* ensure(size_t bytes, const char* what);
    void release() noexcept;

    void* data() const { return ptr_; }
    size_t capacity() const { return capacity_; }

private:
    void* ptr_ = nullptr;
    size_t capacity_ = 0;
};

}  // namespace tconv::cuda
