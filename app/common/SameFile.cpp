// SPDX-License-Identifier: MIT
#include "common/SameFile.h"

#include <sys/stat.h>

#include <filesystem>

#include "core/ConvError.h"

namespace tconv::app {

bool fileId(const std::string& path, FileId& id) {
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0) return false;
    id = FileId{st.st_dev, st.st_ino};
    return true;
}

bool sameFile(const std::string& a, const std::string& b) {
    FileId x, y;
    return fileId(a, x) && fileId(b, y) && x == y;
}

bool isInsideFolder(const std::string& path, const FileId& folder) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) return false;
    for (;;) {
        FileId id;
        if (fileId(p.string(), id) && id == folder) return true;
        if (!p.has_relative_path()) return false;  // reached the root
        p = p.parent_path();
    }
}

void refuseOutputOverInputs(const std::string& output, const std::vector<std::string>& inputs,
                            const std::string& role) {
    FileId out;
    if (!fileId(output, out)) return;  // a new file cannot be an input
    for (const std::string& in : inputs) {
        FileId id;
        if (in.empty() || !fileId(in, id) || !(id == out)) continue;
        throw ParameterError(role + " '" + output + "' is the same file as the input '" + in +
                             "': refusing to overwrite an input (choose another output name)");
    }
}

}  // namespace tconv::app
