// SPDX-License-Identifier: MIT
#include "common/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/StderrCapture.h"
#include "common/TempFileName.h"
#include "common/TempFileRegistry.h"
#include "core/ConvError.h"

namespace tconv::app {
namespace fs = std::filesystem;

namespace {

thread_local CommitMode t_commitMode = CommitMode::Replace;

uint32_t uniqueTag() {
    static std::atomic<uint32_t> counter{0};
    const uint64_t t = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    const uint64_t v = t * 0x9E3779B97F4A7C15ull + counter.fetch_add(1) * 0xBF58476D1CE4E5B9ull;
    return static_cast<uint32_t>(v >> 32);
}

// For the tests: TCONV_TEST_NO_RENAMEAT2=1 takes the link()+unlink() path, as
// on a file system without RENAME_NOREPLACE.
bool renameat2Disabled() {
    const char* v = std::getenv("TCONV_TEST_NO_RENAMEAT2");
    return v && *v && std::strcmp(v, "0") != 0;
}

// For the tests (tests/cli/test_cli_files.cpp): with TCONV_TEST_PAUSE_AFTER_TEMP
// set, the writer stops once the temporary file is complete and before the
// rename, after printing "TCONV_TEST_PAUSED <temp path>" on stderr, so a test
// can signal or kill it at exactly that point.
void pauseForTestsIfAsked(const std::string& temp) {
    const char* v = std::getenv("TCONV_TEST_PAUSE_AFTER_TEMP");
    if (!v || !*v) return;
    // To the user's stderr even while batch diverts fd 2 (StderrCapture.h).
    const std::string line = "TCONV_TEST_PAUSED " + temp + "\n";
    (void)!::write(userStderrFd(), line.data(), line.size());
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}

// 0 on success, else an errno; EEXIST when the destination exists.
int renameNoReplace(const char* from, const char* to) {
    if (!renameat2Disabled()) {
        if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return errno;
    }
    // No RENAME_NOREPLACE here: link() never replaces either.
    if (::link(from, to) == 0) {
        ::unlink(from);
        return 0;
    }
    if (errno != EPERM && errno != ENOTSUP && errno != EMLINK) return errno;
    // Nor hard links (e.g. FAT): check, then rename; only a file created in
    // the instant between the two can still be replaced.
    struct stat st {};
    if (::lstat(to, &st) == 0) return EEXIST;
    return ::rename(from, to) == 0 ? 0 : errno;
}

}  // namespace

ScopedCommitMode::ScopedCommitMode(CommitMode mode) : previous_(t_commitMode) { t_commitMode = mode; }
ScopedCommitMode::~ScopedCommitMode() { t_commitMode = previous_; }
CommitMode ScopedCommitMode::current() { return t_commitMode; }

AtomicFile::AtomicFile(const std::string& destination, CommitMode mode) : dest_(destination), mode_(mode) {
    const fs::path dest(destination);
    if (dest.filename().empty()) throw ProcessingError("'" + destination + "': not a file name");
    std::error_code ec;
    if (fs::is_directory(dest, ec)) throw ProcessingError("'" + destination + "' is a directory");
    const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    // O_EXCL on a fresh name: never clobbers another writer's temporary file.
    // Mode 0666 lets the umask decide the final permissions, as for any new file.
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path temp = dir / tempFileName(dest.filename().string(), ::getpid(), uniqueTag());
        // Registered before it exists: a signal between open() and the
        // registration would otherwise leave it behind.
        slot_ = registerTempFile(temp.c_str());
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            temp_ = temp.string();
            return;
        }
        const int err = errno;
        unregisterTempFile(slot_);
        slot_ = -1;
        if (err == EEXIST) continue;
        if (err == ENOENT || err == ENOTDIR)
            throw ProcessingError("cannot write '" + destination + "': folder '" + dir.string() + "' does not exist");
        throw ProcessingError("cannot write '" + destination + "' (in folder '" + dir.string() +
                              "'): " + std::strerror(err));
    }
    throw ProcessingError("cannot write '" + destination + "': no free temporary file name");
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() {
    if (done_) return;
    done_ = true;
    ::unlink(temp_.c_str());
    unregisterTempFile(slot_);
}

void AtomicFile::commit() {
    if (done_) throw ProcessingError("'" + dest_ + "': temporary file already discarded");
    int err = 0;
    if (mode_ == CommitMode::NoReplace) {
        err = renameNoReplace(temp_.c_str(), dest_.c_str());
    } else {
        // Replacing keeps the replaced file's permission bits (0600 stays 0600).
        struct stat st {};
        if (::stat(dest_.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::chmod(temp_.c_str(), st.st_mode & 07777);
        if (::rename(temp_.c_str(), dest_.c_str()) != 0) err = errno;
    }
    if (err) {
        discard();
        if (err == EEXIST)
            throw ProcessingError("cannot write '" + dest_ +
                                  "': a file of that name appeared after the output was planned; it was kept");
        throw ProcessingError("cannot write '" + dest_ + "': " + std::strerror(err));
    }
    done_ = true;
    unregisterTempFile(slot_);
}

void writeFileAtomically(const std::string& path, const void* data, size_t size) {
    writeFileAtomically(path, [&](const std::string& temp) {
        std::FILE* f = std::fopen(temp.c_str(), "wb");
        if (!f) throw ProcessingError("cannot write '" + path + "': " + std::strerror(errno));
        const bool ok = (size == 0 || std::fwrite(data, 1, size, f) == size);
        const int err = errno;
        if (std::fclose(f) != 0 || !ok)
            throw ProcessingError("cannot write '" + path + "': " + std::strerror(ok ? errno : err));
    });
}

void writeFileAtomically(const std::string& path, const std::function<void(const std::string&)>& writer) {
    AtomicFile file(path);
    writer(file.tempPath());  // on a throw, ~AtomicFile removes the temporary file
    pauseForTestsIfAsked(file.tempPath());
    file.commit();
}

}  // namespace tconv::app
