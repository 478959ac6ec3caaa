#include "common/SameFile.h"

#include <sys/stat.h>

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
