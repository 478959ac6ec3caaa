#pragma once
// Limits checked before anything is allocated, so a typo such as stride 2000
// is refused with a message instead of exhausting memory.
#include <cstdint>

namespace tconv {

struct ResourceLimits {
    // Largest output tensor accepted, in bytes.
    uint64_t maxOutputBytes = 0;
};

// Half of the physical memory, or the value (in MiB) of TCONV_MEMORY_LIMIT_MB
// when that is set; 4 GiB when the physical size cannot be read.
ResourceLimits defaultResourceLimits();

uint64_t physicalMemoryBytes();

}  // namespace tconv
