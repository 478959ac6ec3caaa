// SPDX-License-Identifier: MIT
#include "common/BatchFolderWatcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::app {

namespace {

constexpr uint32_t kFolderEvents =
    IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

bool hiddenName(const fs::path& p) {
    const std::string n = p.filename().string();
    return !n.empty() && n[0] == '.' && n != "." && n != "..";
}

}  // namespace

FolderWatcher::FolderWatcher(const std::vector<fs::path>& roots, bool recursive, const fs::path& outputDir)
    : recursive_(recursive) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) throw ProcessingError(std::string("--watch: cannot start inotify: ") + std::strerror(errno));
    haveOutput_ = !outputDir.empty() && fileId(outputDir.string(), outputId_);
    try {
        for (const fs::path& root : roots) {
            if (!addFolder(root))
                throw ProcessingError("--watch: cannot watch '" + root.string() + "': " + std::strerror(errno) +
                                      (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""));
            if (recursive_) addTree(root, nullptr);
        }
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

FolderWatcher::~FolderWatcher() {
    if (fd_ >= 0) ::close(fd_);
}

bool FolderWatcher::skipped(const fs::path& dir) const {
    if (hiddenName(dir)) return true;
    FileId id;
    return haveOutput_ && fileId(dir.string(), id) && id == outputId_;
}

bool FolderWatcher::addFolder(const fs::path& dir) {
    const int wd = inotify_add_watch(fd_, dir.c_str(), kFolderEvents);
    if (wd < 0) return false;
    folders_[wd] = dir;
    return true;
}

// The sub-folders of `dir` (not `dir` itself, already watched); with `found`,
// the regular files met on the way too (they may have been written before
// their folder's watch existed).
void FolderWatcher::addTree(const fs::path& dir, std::vector<fs::path>* found) {
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code sec;
        if (it->is_directory(sec)) {
            if (skipped(it->path()) || !addFolder(it->path())) it.disable_recursion_pending();
        } else if (found && it->is_regular_file(sec)) {
            found->push_back(it->path());
        }
    }
}

FolderWatcher::Events FolderWatcher::wait(int timeoutMs) {
    Events events;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0) return events;  // timeout, or EINTR (a signal: the caller looks at its flag)
    alignas(inotify_event) char buf[64 * 1024];
    while (true) {
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) break;  // EAGAIN: drained
        for (ssize_t off = 0; off < n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(buf + off);
            off += ssize_t(sizeof(inotify_event) + e->len);
            if (e->mask & IN_Q_OVERFLOW) {
                events.overflow = true;
                continue;
            }
            if (e->mask & IN_IGNORED) {  // the folder is gone (deleted or unmounted)
                folders_.erase(e->wd);
                continue;
            }
            const auto folder = folders_.find(e->wd);
            if (folder == folders_.end()) continue;
            if (e->mask & IN_MOVE_SELF) {
                // Its path is stale; if it moved within the tree, its new
                // parent's IN_MOVED_TO watches it again under the new path.
                inotify_rm_watch(fd_, e->wd);
                folders_.erase(folder);
                continue;
            }
            if (e->mask & IN_DELETE_SELF) continue;  // IN_IGNORED follows
            if (e->len == 0) continue;
            const fs::path path = folder->second / e->name;
            if (e->mask & IN_ISDIR) {
                if (recursive_ && (e->mask & (IN_CREATE | IN_MOVED_TO)) && !skipped(path) && addFolder(path))
                    addTree(path, &events.files);
                continue;
            }
            events.files.push_back(path);
        }
    }
    return events;
}

}  // namespace tconv::app
