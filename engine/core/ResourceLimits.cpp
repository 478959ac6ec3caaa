// SPDX-License-Identifier: MIT
#include "core/ResourceLimits.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "core/ConvError.h"

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace tconv {
namespace {

std::optional<uint64_t> readLimitFile(const std::string& path) {
    std::ifstream f(path);
    std::string text;
    if (!f || !(f >> text) || text == "max") return std::nullopt;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return std::nullopt;
        v = v * 10 + uint64_t(c - '0');
    }
    // cgroup v1 reports "no limit" as a huge page-rounded number (about 2^63).
    if (v == 0 || v >= (uint64_t(1) << 62)) return std::nullopt;
    return v;
}

// The smallest limit in `file` from `dir` up to the mount root.
std::optional<uint64_t> smallestUpwards(const std::string& root, std::string dir, const char* file) {
    std::optional<uint64_t> best;
    for (;;) {
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        const std::string base = dir == "/" || dir.empty() ? root : root + dir;
        if (const auto v = readLimitFile(base + "/" + file)) best = best ? std::min(*best, *v) : *v;
        if (dir.empty() || dir == "/") return best;
        const size_t slash = dir.rfind('/');
        dir = slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
    }
}

// What the environment and the machine allow, without TCONV_MEMORY_LIMIT_MB;
// read once (the cgroup files do not change while a job runs).
struct MachineMemory {
    uint64_t physical = 0;
    std::optional<uint64_t> cgroup;
};

const MachineMemory& machineMemory() {
    static const MachineMemory m{physicalMemoryBytes(), cgroupMemoryLimitBytes()};
    return m;
}

}  // namespace

uint64_t physicalMemoryBytes() {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0) return static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
#endif
    return 0;
}

std::optional<uint64_t> cgroupMemoryLimitBytes(const std::string& procSelfCgroup, const std::string& root) {
    std::optional<uint64_t> best;
    auto take = [&](std::optional<uint64_t> v) {
        if (v) best = best ? std::min(*best, *v) : *v;
    };
    std::istringstream lines(procSelfCgroup);
    std::string line;
    while (std::getline(lines, line)) {
        // "hierarchy-id:controllers:path"; the path may itself hold ':'.
        const size_t a = line.find(':');
        const size_t b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1);
        const std::string path = line.substr(b + 1);
        if (line.compare(0, a, "0") == 0 && controllers.empty()) {
            take(smallestUpwards(root, path, "memory.max"));  // v2 unified hierarchy
        } else {
            std::istringstream names(controllers);
            std::string name;
            while (std::getline(names, name, ','))
                if (name == "memory") take(smallestUpwards(root + "/memory", path, "memory.limit_in_bytes"));
        }
    }
    return best;
}

std::optional<uint64_t> cgroupMemoryLimitBytes() {
    std::ifstream f("/proc/self/cgroup");
    if (!f) return std::nullopt;
    std::stringstream text;
    text << f.rdbuf();
    return cgroupMemoryLimitBytes(text.str(), "/sys/fs/cgroup");
}

uint64_t parseMemoryLimitMb(const std::string& text) {
    auto bad = [&](const std::string& why) -> uint64_t {
        throw ParameterError("TCONV_MEMORY_LIMIT_MB='" + text + "': " + why +
                             "; expected a whole number of MiB from 1 to " + std::to_string(kMaxMemoryLimitMb) +
                             " (digits only), or unset it for the default");
    };
    if (text.empty()) return bad("empty");
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return bad(text[0] == '-' ? "negative" : "not a whole number");
        v = v * 10 + uint64_t(c - '0');
        if (v > kMaxMemoryLimitMb) return bad("too large");
    }
    if (v == 0) return bad("0 would refuse every job");
    return v;
}

ResourceLimits defaultResourceLimits() {
    const MachineMemory& m = machineMemory();
    ResourceLimits limits;
    if (const char* env = std::getenv("TCONV_MEMORY_LIMIT_MB")) {
        limits.maxOutputBytes = parseMemoryLimitMb(env) * 1024ull * 1024ull;
        // More than the container may use would only trade our message for the OOM killer.
        if (m.cgroup) limits.maxOutputBytes = std::min(limits.maxOutputBytes, *m.cgroup);
        return limits;
    }
    uint64_t available = m.physical;
    if (m.cgroup) available = available ? std::min(available, *m.cgroup) : *m.cgroup;
    limits.maxOutputBytes = available > 0 ? available / 2 : (4ull << 30);
    return limits;
}

}  // namespace tconv
