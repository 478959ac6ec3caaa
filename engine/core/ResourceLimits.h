// SPDX-License-Identifier: MIT
#pragma once
// Limits checked before anything is allocated, so a typo such as stride 2000
// or a decompression bomb is refused with a message instead of exhausting
// memory.
//
// The limit bounds a whole job's peak (see MemoryEstimate.h for the formula):
// inputs, intermediates, the output and the encode buffers, all summed before
// the first large allocation.
#include <cstdint>
#include <optional>
#include <string>

namespace tconv {

struct ResourceLimits {
    // The largest peak a job may reach, in bytes (0: no limit). The name is
    // historical: it bounds the whole job, not only the output tensor.
    uint64_t maxOutputBytes = 0;
};

// TCONV_MEMORY_LIMIT_MB when set (parsed strictly, see parseMemoryLimitMb),
// clamped to the cgroup memory limit when one is set; otherwise half of
// min(physical memory, cgroup limit); 4 GiB when neither can be read.
// Throws ParameterError for a malformed TCONV_MEMORY_LIMIT_MB.
ResourceLimits defaultResourceLimits();

// The text of TCONV_MEMORY_LIMIT_MB: a whole number of MiB in
// [1, kMaxMemoryLimitMb], digits only (no sign, space, unit or fraction).
// Throws ParameterError naming the value and what is allowed.
inline constexpr uint64_t kMaxMemoryLimitMb = uint64_t(1) << 40;  // 1 EiB: far beyond any machine
uint64_t parseMemoryLimitMb(const std::string& text);

uint64_t physicalMemoryBytes();

// The memory limit of this process's cgroup (v2 memory.max or v1
// memory.limit_in_bytes, the smallest along the path up to the root), or
// nullopt when none is set or it cannot be read. `procSelfCgroup` is the text
// of /proc/self/cgroup and `root` the cgroup mount (/sys/fs/cgroup); both are
// parameters so that tests can use a fake tree.
std::optional<uint64_t> cgroupMemoryLimitBytes(const std::string& procSelfCgroup, const std::string& root);
std::optional<uint64_t> cgroupMemoryLimitBytes();

}  // namespace tconv
