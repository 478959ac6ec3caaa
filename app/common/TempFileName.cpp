// SPDX-License-Identifier: MIT
#include "common/TempFileName.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace tconv::app {

namespace {

constexpr char kMarker[] = ".tconv-";
constexpr char kTmp[] = ".tmp";
constexpr size_t kHexDigits = 8;

// The extension of a name ("" for none, or one longer than is useful to keep).
std::string extensionOf(const std::string& name) {
    const size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0 || name.size() - dot > 16) return {};
    return name.substr(dot);
}

// The longest prefix of `s` of at most `bytes` bytes that does not cut a UTF-8 sequence.
std::string utf8Prefix(const std::string& s, size_t bytes) {
    if (s.size() <= bytes) return s;
    size_t n = bytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

}  // namespace

std::string tempFileName(const std::string& destinationName, pid_t pid, uint32_t tag) {
    char id[48];
    std::snprintf(id, sizeof id, "%s%ld-%08x%s", kMarker, static_cast<long>(pid), tag, kTmp);
    const std::string ext = extensionOf(destinationName);
    const size_t fixed = 1 + std::char_traits<char>::length(id) + ext.size();
    return "." + utf8Prefix(destinationName, kMaxFileNameBytes - fixed) + id + ext;
}

std::optional<pid_t> tempFileOwner(const std::string& name) {
    if (name.size() < 2 || name[0] != '.') return std::nullopt;
    const size_t at = name.rfind(kMarker);
    if (at == std::string::npos || at == 0) return std::nullopt;
    size_t i = at + std::char_traits<char>::length(kMarker);
    const size_t digits = i;
    while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
    if (i == digits || i - digits > 10 || i >= name.size() || name[i] != '-') return std::nullopt;
    const long pid = std::strtol(name.c_str() + digits, nullptr, 10);
    ++i;
    for (size_t h = 0; h < kHexDigits; ++h, ++i)
        if (i >= name.size() || !std::isxdigit(static_cast<unsigned char>(name[i]))) return std::nullopt;
    if (name.compare(i, std::char_traits<char>::length(kTmp), kTmp) != 0) return std::nullopt;
    i += std::char_traits<char>::length(kTmp);
    // What is left is the extension: empty, or one '.' and no other.
    if (i < name.size() && (name[i] != '.' || name.find('.', i + 1) != std::string::npos)) return std::nullopt;
    if (pid <= 0 || pid > 0x7fffffffL) return std::nullopt;
    return static_cast<pid_t>(pid);
}

}  // namespace tconv::app
