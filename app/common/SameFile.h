// SPDX-License-Identifier: MIT
#pragma once
// "Is this output one of my inputs?" by device and inode, the only answer that
// sees through symlinks, "./a.png", "dir/../a.png" and hard links. Every
// command that writes a file asks before writing anything, so an input is
// never replaced by a result computed from it.
#include <string>
#include <sys/types.h>
#include <vector>

namespace tconv::app {

struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const FileId&) const = default;
};

// The device and inode `path` resolves to (symlinks followed); false when it
// does not exist or cannot be reached.
bool fileId(const std::string& path, FileId& id);

// True when both paths exist and are the same file.
bool sameFile(const std::string& a, const std::string& b);

// True when `path` (existing or not) lies inside the folder `folder` or is
// it: some folder on its resolved path (symlinks followed) has that device
// and inode.
bool isInsideFolder(const std::string& path, const FileId& folder);

// Throws ParameterError (exit 2) when `output` resolves to the same file as one
// of `inputs`. Empty inputs, and an output or inputs that do not exist yet, are
// fine: there is nothing to lose. `role` names the output in the message
// ("output", "--heatmap", ...).
void refuseOutputOverInputs(const std::string& output, const std::vector<std::string>& inputs,
                            const std::string& role = "output");

}  // namespace tconv::app
