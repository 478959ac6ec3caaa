// SPDX-License-Identifier: MIT
#pragma once
// `tconv batch --watch`: the files that appear in watched folders, from Linux
// inotify (<sys/inotify.h>). Each folder (and, recursive, each sub-folder,
// including ones created or moved in later) has a watch for files created,
// written, closed after writing or moved in. Hidden folders and the output
// folder (by device and inode) are never watched, so the batch's own outputs
// and temporary files do not come back as events. inotify sees changes made
// through this machine's kernel only: on a network file system, files written
// by another machine are not seen until a rescan (see overflow).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/SameFile.h"

namespace tconv::app {

class FolderWatcher {
public:
    // Throws ProcessingError naming the folder and the reason when a watch
    // cannot be added (e.g. the fs.inotify.max_user_watches limit).
    FolderWatcher(const std::vector<std::filesystem::path>& roots, bool recursive,
                  const std::filesystem::path& outputDir);
    ~FolderWatcher();
    FolderWatcher(const FolderWatcher&) = delete;
    FolderWatcher& operator=(const FolderWatcher&) = delete;

    struct Events {
        // Files created, written or moved in (paths as root / relative), and
        // the files already inside a sub-folder that was created or moved in.
        std::vector<std::filesystem::path> files;
        // The kernel's queue overflowed: events were lost, the caller
        // should rescan everything.
        bool overflow = false;
    };

    // Waits up to `timeoutMs` for events and returns them; returns early,
    // possibly empty, when a signal arrives (Ctrl-C).
    Events wait(int timeoutMs);

    size_t folderCount() const { return folders_.size(); }

private:
    void addTree(const std::filesystem::path& dir, std::vector<std::filesystem::path>* found);
    bool addFolder(const std::filesystem::path& dir);
    bool skipped(const std::filesystem::path& dir) const;

    int fd_ = -1;
    bool recursive_ = false;
    bool haveOutput_ = false;
    FileId outputId_;
    std::map<int, std::filesystem::path> folders_;  // watch descriptor -> folder
};

}  // namespace tconv::app
