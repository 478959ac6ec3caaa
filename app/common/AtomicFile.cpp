#include "common/AtomicFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/ConvError.h"

namespace tconv::app {
namespace fs = std::filesystem;

namespace {

std::string uniqueTag() {
    static std::atomic<uint64_t> counter{0};
    const uint64_t t = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    const uint64_t v = (static_cast<uint64_t>(::getpid()) << 32) ^ t ^ (counter.fetch_add(1) * 0x9E3779B97F4A7C15ull);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

AtomicFile::AtomicFile(const std::string& destination) : dest_(destination) {
    const fs::path dest(destination);
    if (dest.filename().empty()) throw ProcessingError("'" + destination + "': not a file name");
    std::error_code ec;
    if (fs::is_directory(dest, ec)) throw ProcessingError("'" + destination + "' is a directory");
    const fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    // O_EXCL on a fresh name: never clobbers another writer's temporary file.
    // Mode 0666 lets the umask decide the final permissions, as for any new file.
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string name(1, '.');  // hidden, so folder scans (batch, the studio) skip it
        name += dest.filename().string();
        name += ".tconv-";
        name += uniqueTag();
        name += dest.extension().string();
        const fs::path temp = dir / name;
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            temp_ = temp.string();
            return;
        }
        if (errno == EEXIST) continue;
        const int err = errno;
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
}

void AtomicFile::commit() {
    if (done_) throw ProcessingError("'" + dest_ + "': temporary file already discarded");
    if (::rename(temp_.c_str(), dest_.c_str()) != 0) {
        const int err = errno;
        discard();
        throw ProcessingError("cannot write '" + dest_ + "': " + std::strerror(err));
    }
    done_ = true;
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
    file.commit();
}

}  // namespace tconv::app
