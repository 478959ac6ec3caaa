#include "core/ResourceLimits.h"

#include <cstdlib>
#include <string>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace tconv {

uint64_t physicalMemoryBytes() {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0) return static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
#endif
    return 0;
}

ResourceLimits defaultResourceLimits() {
    ResourceLimits limits;
    if (const char* env = std::getenv("TCONV_MEMORY_LIMIT_MB")) {
        try {
            const unsigned long long mb = std::stoull(env);
            if (mb > 0) {
                limits.maxOutputBytes = mb * 1024ull * 1024ull;
                return limits;
            }
        } catch (...) {
            // An unparsable value falls back to the default below.
        }
    }
    const uint64_t phys = physicalMemoryBytes();
    limits.maxOutputBytes = phys > 0 ? phys / 2 : (4ull << 30);
    return limits;
}

}  // namespace tconv
