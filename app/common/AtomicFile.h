#pragma once
// Writing a file so that readers never see a partial one: the content goes to a
// temporary file in the destination's folder (same file system, so the final
// rename is atomic) and is renamed over the destination only when complete.
// On any failure, or when the AtomicFile is destroyed uncommitted, the
// temporary file is removed and the destination is left untouched.
#include <cstddef>
#include <functional>
#include <string>

namespace tconv::app {

class AtomicFile {
public:
    // Creates the (empty) temporary file "<dir>/.<name>.tconv-<unique><ext>",
    // keeping the extension so format-by-extension writers (OpenCV) still work.
    // Throws ProcessingError when the folder is missing or not writable.
    explicit AtomicFile(const std::string& destination);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& tempPath() const { return temp_; }
    const std::string& destination() const { return dest_; }

    // Renames the temporary file over the destination. Throws ProcessingError
    // (and removes the temporary file) when that fails.
    void commit();
    // Removes the temporary file now (also done by the destructor).
    void discard();

private:
    std::string dest_;
    std::string temp_;
    bool done_ = false;
};

// Writes `size` bytes atomically. Throws ProcessingError naming the path.
void writeFileAtomically(const std::string& path, const void* data, size_t size);

// Calls `writer(tempPath)` to fill the temporary file, then commits. Anything
// `writer` throws is rethrown after the temporary file is removed.
void writeFileAtomically(const std::string& path, const std::function<void(const std::string& tempPath)>& writer);

}  // namespace tconv::app
