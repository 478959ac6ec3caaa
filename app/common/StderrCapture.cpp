// SPDX-License-Identifier: MIT
#include "common/StderrCapture.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <shared_mutex>

namespace tconv::app {
namespace {

// Shared: concurrent captures while quiet. Exclusive: whatever moves fd 2 or
// must run alone. `gate` makes it writer-preferring: glibc's rwlock lets new
// readers in while a writer waits, and with workers decoding back to back an
// exact capture could wait for a long time.
struct CaptureLock {
    std::mutex gate;
    std::shared_mutex rw;
};

CaptureLock& captureLock() {
    static CaptureLock l;
    return l;
}

// A reader passes the gate (so it is not held by a waiting writer) and takes
// the shared lock; no writer can hold `rw` without holding the gate.
std::shared_lock<std::shared_mutex> sharedLock() {
    CaptureLock& l = captureLock();
    std::lock_guard gate(l.gate);
    return std::shared_lock(l.rw);
}

struct ExclusiveLock {
    std::unique_lock<std::mutex> gate{captureLock().gate};
    std::unique_lock<std::shared_mutex> rw{captureLock().rw};
};

// While a QuietStderr is active: the sink (fd 2 shares its open file, with
// O_APPEND) and the saved original stderr. Changed under the exclusive lock.
std::atomic<int> g_sinkFd{-1};
std::atomic<int> g_userFd{STDERR_FILENO};

void flushStderr() {
    std::fflush(stderr);
    std::cerr.flush();
}

// An unlinked temporary file, close-on-exec; -1 when none can be made.
int makeTempFile() {
    const char* dir = std::getenv("TMPDIR");
    std::string name = std::string(dir && *dir ? dir : "/tmp") + "/tconv-stderr-XXXXXX";
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return -1;
    ::unlink(name.c_str());
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

off_t fileSize(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? st.st_size : -1;
}

// Bytes [from, to) of fd, at most 1 MiB.
std::string readRange(int fd, off_t from, off_t to) {
    std::string text;
    char buf[4096];
    while (from < to && text.size() < (1u << 20)) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, from);
        if (n <= 0) break;
        text.append(buf, static_cast<size_t>(n));
        from += n;
    }
    return text;
}

// Without a QuietStderr: fd 2 into a temporary file until stop(). Destroyed
// without stop() (the work threw), it passes the text on to stderr.
class Diversion {
public:
    Diversion() {
        flushStderr();
        temp_ = makeTempFile();
        if (temp_ < 0) return;
        saved_ = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
        if (saved_ < 0 || ::dup2(temp_, STDERR_FILENO) < 0) {
            if (saved_ >= 0) ::close(saved_);
            ::close(temp_);
            saved_ = temp_ = -1;
        }
    }
    ~Diversion() {
        const std::string text = stop();
        if (!text.empty()) {
            std::fwrite(text.data(), 1, text.size(), stderr);
            std::fflush(stderr);
        }
    }
    Diversion(const Diversion&) = delete;
    Diversion& operator=(const Diversion&) = delete;

    std::string stop() {
        if (saved_ < 0) return {};
        flushStderr();
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        saved_ = -1;
        std::string text = readRange(temp_, 0, fileSize(temp_));
        ::close(temp_);
        temp_ = -1;
        return text;
    }

private:
    int saved_ = -1;
    int temp_ = -1;
};

}  // namespace

std::string captureStderr(const std::function<void()>& work) {
    {
        const auto shared = sharedLock();
        const int sink = g_sinkFd.load();
        if (sink >= 0) {
            const off_t before = fileSize(sink);
            work();
            if (before >= 0 && fileSize(sink) == before) return {};
        }
    }
    const ExclusiveLock exclusive;
    const int sink = g_sinkFd.load();
    if (sink >= 0) {
        flushStderr();
        const off_t before = fileSize(sink);
        work();
        flushStderr();
        const off_t after = fileSize(sink);
        std::string text = before >= 0 && after > before ? readRange(sink, before, after) : std::string();
        // No capture is measuring the sink now: empty it, so it stays small.
        if (::ftruncate(sink, 0) != 0) {
            // Harmless: the sink only grows.
        }
        return text;
    }
    Diversion diversion;
    work();
    return diversion.stop();
}

void passOnLibraryNoise(const std::string& text) {
    if (text.empty() || g_sinkFd.load() >= 0) return;
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

QuietStderr::QuietStderr() {
    const ExclusiveLock exclusive;
    if (g_sinkFd.load() >= 0) {
        // Another one is active: just a stream on the user's stderr.
        const int fd = ::fcntl(g_userFd.load(), F_DUPFD_CLOEXEC, 0);
        if (fd < 0) return;
        if (std::FILE* f = ::fdopen(fd, "w")) {
            std::setvbuf(f, nullptr, _IONBF, 0);
            out_ = f;
            ownsOut_ = true;
        } else {
            ::close(fd);
        }
        return;
    }
    flushStderr();
    const int sink = makeTempFile();
    if (sink < 0) return;
    const int saved = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
    std::FILE* out = saved >= 0 ? ::fdopen(saved, "w") : nullptr;
    // O_APPEND: every write lands at the end even after the sink is truncated.
    if (!out || ::fcntl(sink, F_SETFL, ::fcntl(sink, F_GETFL) | O_APPEND) != 0 || ::dup2(sink, STDERR_FILENO) < 0) {
        if (out) std::fclose(out);
        else if (saved >= 0) ::close(saved);
        ::close(sink);
        return;
    }
    std::setvbuf(out, nullptr, _IONBF, 0);
    out_ = out;
    ownsOut_ = true;
    active_ = true;
    g_userFd = saved;
    g_sinkFd = sink;
}

QuietStderr::~QuietStderr() {
    const ExclusiveLock exclusive;
    if (active_) {
        flushStderr();
        std::fflush(out_);
        ::dup2(::fileno(out_), STDERR_FILENO);
        g_userFd = STDERR_FILENO;
        ::close(g_sinkFd.exchange(-1));
    }
    if (ownsOut_) std::fclose(out_);
}

int userStderrFd() { return g_userFd.load(std::memory_order_relaxed); }

std::string firstLine(const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
        size_t b = 0;
        while (b < line.size() && (line[b] == ' ' || line[b] == '\t')) ++b;
        if (b < line.size()) {
            line = line.substr(b);
            if (line.size() > 200) line = line.substr(0, 197) + "...";
            return line;
        }
        start = end + 1;
    }
    return {};
}

}  // namespace tconv::app
