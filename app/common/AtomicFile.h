// SPDX-License-Identifier: MIT
#pragma once
// Writing a file so that readers never see a partial one: the content goes to a
// temporary file in the destination's folder (same file system, so the final
// rename is atomic) and is renamed to the destination only when complete.
// On any failure, when the AtomicFile is destroyed uncommitted, or when the
// process gets SIGINT/SIGTERM/SIGHUP (TempFileRegistry.h), the temporary file
// is removed and the destination is left untouched. Temporary file names are
// TempFileName.h's: hidden, naming the writer's PID, within NAME_MAX.
#include <cstddef>
#include <functional>
#include <string>

namespace tconv::app {

// What the final rename does when the destination exists.
enum class CommitMode {
    // Replace it (`tconv apply`, batch --overwrite, reports), keeping its
    // permission bits: a 0600 file stays 0600.
    Replace,
    // Never replace it: a file that appeared after the write was planned is
    // kept and the commit fails (batch without --overwrite). Uses
    // renameat2(RENAME_NOREPLACE), or link()+unlink() where the file system
    // lacks it.
    NoReplace,
};

// The mode writeFileAtomically uses on this thread while it lives (the image
// and kernel writers call writeFileAtomically; batch workers set NoReplace).
class ScopedCommitMode {
public:
    explicit ScopedCommitMode(CommitMode mode);
    ~ScopedCommitMode();
    ScopedCommitMode(const ScopedCommitMode&) = delete;
    ScopedCommitMode& operator=(const ScopedCommitMode&) = delete;
    static CommitMode current();

private:
    CommitMode previous_;
};

class AtomicFile {
public:
    // Creates the (empty) temporary file beside the destination. Throws
    // ProcessingError when the folder is missing or not writable.
    explicit AtomicFile(const std::string& destination, CommitMode mode = ScopedCommitMode::current());
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& tempPath() const { return temp_; }
    const std::string& destination() const { return dest_; }

    // Renames the temporary file to the destination. Throws ProcessingError
    // (and removes the temporary file) when that fails, including, in
    // NoReplace mode, when the destination exists.
    void commit();
    // Removes the temporary file now (also done by the destructor).
    void discard();

private:
    std::string dest_;
    std::string temp_;
    CommitMode mode_;
    int slot_ = -1;  // in TempFileRegistry
    bool done_ = false;
};

// Writes `size` bytes atomically. Throws ProcessingError naming the path.
void writeFileAtomically(const std::string& path, const void* data, size_t size);

// Calls `writer(tempPath)` to fill the temporary file, then commits. Anything
// `writer` throws is rethrown after the temporary file is removed.
void writeFileAtomically(const std::string& path, const std::function<void(const std::string& tempPath)>& writer);

}  // namespace tconv::app
