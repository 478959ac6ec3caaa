// SPDX-License-Identifier: MIT
#include "common/TempFileRegistry.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <unistd.h>

#include <atomic>

namespace tconv::app {

namespace {

enum SlotState : int { kFree = 0, kFilling = 1, kActive = 2 };

// 256 slots: a batch writes at most one file per job (jobs <= 256). The path
// buffers are zero pages until used.
constexpr int kSlots = 256;
struct Slot {
    std::atomic<int> state{kFree};
    char path[PATH_MAX];
};
Slot g_slots[kSlots];

static_assert(std::atomic<int>::is_always_lock_free, "the registry must be usable from a signal handler");

extern "C" void onTerminatingSignal(int sig) {
    const int savedErrno = errno;
    unlinkRegisteredTempFiles();
    // Die of the same signal, so the parent sees "killed by SIGINT/SIGTERM".
    std::signal(sig, SIG_DFL);
    std::raise(sig);  // delivered when the handler returns (sig is blocked in it)
    errno = savedErrno;
}

}  // namespace

int registerTempFile(const char* path) noexcept {
    const size_t n = std::strlen(path);
    if (n >= PATH_MAX) return -1;
    for (int i = 0; i < kSlots; ++i) {
        int expected = kFree;
        if (!g_slots[i].state.compare_exchange_strong(expected, kFilling, std::memory_order_acquire)) continue;
        std::memcpy(g_slots[i].path, path, n + 1);
        g_slots[i].state.store(kActive, std::memory_order_release);
        return i;
    }
    return -1;
}

void unregisterTempFile(int slot) noexcept {
    if (slot >= 0 && slot < kSlots) g_slots[slot].state.store(kFree, std::memory_order_release);
}

void unlinkRegisteredTempFiles() noexcept {
    for (Slot& s : g_slots)
        if (s.state.load(std::memory_order_acquire) == kActive) ::unlink(s.path);
}

void installTempFileCleanupOnSignals() noexcept {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        struct sigaction sa {};
        sa.sa_handler = onTerminatingSignal;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, nullptr);
    }
}

}  // namespace tconv::app
