// SPDX-License-Identifier: MIT
#include "common/BatchSettle.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>

namespace fs = std::filesystem;

namespace tconv::app {

bool isPartialFileName(const fs::path& file) {
    std::string name = file.filename().string();
    if (name.empty() || name[0] == '.' || name.back() == '~') return true;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    static constexpr std::array<std::string_view, 7> kPartial = {".part", ".partial", ".crdownload", ".download",
                                                                 ".tmp",  ".temp",    ".swp"};
    return std::any_of(kPartial.begin(), kPartial.end(), [&](std::string_view ext) {
        return name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
    });
}

std::optional<FileStamp> statFile(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return FileStamp{std::uintmax_t(st.st_size), std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

SettleTracker::SettleTracker(Clock::duration quiet, StatFn stat) : quiet_(quiet), stat_(std::move(stat)) {}

void SettleTracker::touch(const fs::path& file, Clock::time_point now) { files_[file] = Entry{stat_(file), now}; }

std::vector<fs::path> SettleTracker::takeSettled(Clock::time_point now) {
    std::vector<fs::path> settled;
    for (auto it = files_.begin(); it != files_.end();) {
        const std::optional<FileStamp> stamp = stat_(it->first);
        Entry& e = it->second;
        if (!stamp) {  // gone (deleted, renamed away) or not a regular file
            it = files_.erase(it);
            continue;
        }
        if (stamp != e.stamp) {
            e = Entry{stamp, now};
        } else if (now - e.since >= quiet_) {
            settled.push_back(it->first);
            it = files_.erase(it);
            continue;
        }
        ++it;
    }
    return settled;
}

}  // namespace tconv::app
