// SPDX-License-Identifier: MIT
#include "common/StaleTempFiles.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "common/TempFileName.h"

namespace tconv::app {

namespace {

// When this process started (close enough: when its static objects were built).
const struct timespec g_processStart = [] {
    struct timespec t {};
    clock_gettime(CLOCK_REALTIME, &t);
    return t;
}();

bool olderThanThisProcess(const struct timespec& m) {
    return m.tv_sec < g_processStart.tv_sec ||
           (m.tv_sec == g_processStart.tv_sec && m.tv_nsec < g_processStart.tv_nsec);
}

bool processIsAlive(pid_t pid) {
    if (pid == ::getpid()) return false;  // our own PID, reused: the file predates us
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

}  // namespace

std::string folderOf(const std::string& path) { return std::filesystem::path(path).parent_path().string(); }

size_t removeStaleTempFiles(const std::string& dir) noexcept {
    const std::string folder = dir.empty() ? "." : dir;
    DIR* d = ::opendir(folder.c_str());
    if (!d) return 0;
    size_t removed = 0;
    while (const struct dirent* e = ::readdir(d)) {
        const std::optional<pid_t> owner = tempFileOwner(e->d_name);
        if (!owner) continue;
        struct stat st {};
        if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
        if (!olderThanThisProcess(st.st_mtim) || processIsAlive(*owner)) continue;
        if (::unlinkat(::dirfd(d), e->d_name, 0) == 0) ++removed;
    }
    ::closedir(d);
    return removed;
}

void cleanStaleTempFiles(const std::string& dir) noexcept {
    const size_t n = removeStaleTempFiles(dir);
    if (n)
        std::fprintf(stderr, "tconv: removed %zu stale temporary file%s of interrupted runs in '%s'\n", n,
                     n == 1 ? "" : "s", dir.empty() ? "." : dir.c_str());
}

}  // namespace tconv::app
