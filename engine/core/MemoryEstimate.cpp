// SPDX-License-Identifier: MIT
#include "core/MemoryEstimate.h"

#include <algorithm>
#include <cstdio>

#include "core/ConvError.h"

namespace tconv {

uint64_t addBytes(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

uint64_t mulBytes(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

uint64_t tensorBytes(const Shape4& s, uint64_t elementBytes) {
    uint64_t r = elementBytes;
    for (int64_t d : {s.n, s.c, s.h, s.w}) r = mulBytes(r, d > 0 ? static_cast<uint64_t>(d) : 0);
    return r;
}

std::string bytesText(uint64_t bytes) {
    if (bytes == UINT64_MAX) return "more than 16 EiB";
    if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    static const char* const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes) / 1024.0;
    int u = 0;
    while (v >= 1024.0 && u < 5) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

void PeakMemory::add(const std::string& what, uint64_t bytes) {
    if (bytes == 0) return;
    parts_.push_back({what, bytes});
    total_ = addBytes(total_, bytes);
}

void PeakMemory::check(const ResourceLimits& limits, const std::string& job) const {
    if (limits.maxOutputBytes == 0 || total_ <= limits.maxOutputBytes) return;
    std::vector<Part> largest = parts_;
    std::stable_sort(largest.begin(), largest.end(), [](const Part& a, const Part& b) { return a.bytes > b.bytes; });
    std::string parts;
    for (size_t i = 0; i < largest.size() && i < 3; ++i)
        parts += (i ? ", " : "") + largest[i].what + " " + bytesText(largest[i].bytes);
    if (largest.size() > 3) parts += ", ...";
    throw ParameterError(job + " would need " + bytesText(total_) + " of memory at its peak (" + parts +
                         "), more than the memory limit of " + bytesText(limits.maxOutputBytes) +
                         " (set TCONV_MEMORY_LIMIT_MB to change it)");
}

}  // namespace tconv
