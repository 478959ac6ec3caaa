#include "common/StderrCapture.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace tconv::app {
namespace {

std::mutex& captureMutex() {
    static std::mutex m;
    return m;
}

}  // namespace

StderrCapture::StderrCapture() : lock_(captureMutex()) {
    std::fflush(stderr);
    std::cerr.flush();
    char name[] = "/tmp/tconv-stderr-XXXXXX";
    tempFd_ = ::mkstemp(name);
    if (tempFd_ < 0) return;
    ::unlink(name);
    savedFd_ = ::dup(2);
    if (savedFd_ < 0 || ::dup2(tempFd_, 2) < 0) {
        if (savedFd_ >= 0) ::close(savedFd_);
        ::close(tempFd_);
        savedFd_ = tempFd_ = -1;
    }
}

StderrCapture::~StderrCapture() { replay(); }

std::string StderrCapture::stop() {
    if (savedFd_ < 0) return {};
    std::fflush(stderr);
    std::cerr.flush();
    ::dup2(savedFd_, 2);
    ::close(savedFd_);
    savedFd_ = -1;
    std::string text;
    if (::lseek(tempFd_, 0, SEEK_SET) == 0) {
        char buf[4096];
        ssize_t n;
        while ((n = ::read(tempFd_, buf, sizeof buf)) > 0 && text.size() < (1u << 20))
            text.append(buf, static_cast<size_t>(n));
    }
    ::close(tempFd_);
    tempFd_ = -1;
    return text;
}

std::string StderrCapture::take() {
    std::string text = stop();
    if (lock_.owns_lock()) lock_.unlock();
    return text;
}

void StderrCapture::replay() {
    const std::string text = stop();
    if (lock_.owns_lock()) lock_.unlock();
    if (!text.empty()) {
        std::fwrite(text.data(), 1, text.size(), stderr);
        std::fflush(stderr);
    }
}

std::string firstLine(const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
        size_t b = 0;
        while (b < line.size() && (line[b] == ' ' || line[b] == '\t')) ++b;
        if (b < line.size()) {
            line = line.substr(b);
            if (line.size() > 200) line = line.substr(0, 197) + "...";
            return line;
        }
        start = end + 1;
    }
    return {};
}

}  // namespace tconv::app
