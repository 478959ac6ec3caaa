// SPDX-License-Identifier: MIT
#pragma once
// `tconv batch --watch`: when a file that appeared in a watched folder is
// complete. A writer may copy a file in chunks, close and reopen it, or pause;
// inotify's IN_CLOSE_WRITE says none of that. So a file counts once its size
// and modification time have stayed the same for a quiet period (--settle,
// 1 s by default) after it was last seen to change (an inotify event, or a
// look that found another size or time).
//
// Names that are downloads or copies in progress never count (isPartialFileName).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace tconv::app {

// Hidden names (".x", our own temporary files among them) and the partial
// names of browsers, download tools and editors: *.part, *.partial,
// *.crdownload, *.download, *.tmp, *.temp, *.swp and *~ (case-insensitive).
bool isPartialFileName(const std::filesystem::path& file);

struct FileStamp {
    std::uintmax_t size = 0;
    std::int64_t mtimeNs = 0;
    bool operator==(const FileStamp&) const = default;
};

// stat() of a regular file; nullopt when it is missing or not a regular file.
std::optional<FileStamp> statFile(const std::filesystem::path& file);

// Not thread-safe: the watch loop owns it.
class SettleTracker {
public:
    using Clock = std::chrono::steady_clock;
    using StatFn = std::function<std::optional<FileStamp>(const std::filesystem::path&)>;

    explicit SettleTracker(Clock::duration quiet, StatFn stat = statFile);

    // `file` changed (or was found) at `now`: its quiet period starts again.
    void touch(const std::filesystem::path& file, Clock::time_point now);

    // The files whose stamp has not changed for the quiet period, in path
    // order; they leave the tracker (a later touch brings one back). Files
    // that are gone leave it too. A stamp that changed restarts its period.
    std::vector<std::filesystem::path> takeSettled(Clock::time_point now);

    bool empty() const { return files_.empty(); }
    size_t size() const { return files_.size(); }

private:
    struct Entry {
        std::optional<FileStamp> stamp;
        Clock::time_point since;
    };
    Clock::duration quiet_;
    StatFn stat_;
    std::map<std::filesystem::path, Entry> files_;
};

}  // namespace tconv::app
