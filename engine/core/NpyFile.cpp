// SPDX-License-Identifier: MIT
#include "core/NpyFile.h"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>

#include "core/ConvError.h"

// Data is read and written with memcpy, in the host's byte order.
static_assert(std::endian::native == std::endian::little, "NpyFile assumes a little-endian host");

namespace tconv {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw ProcessingError("'" + path + "': " + what);
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// A minimal reader for the header, a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& path) : t_(text), path_(path) {}

    void parse(std::string& descr, bool& fortran, std::vector<int64_t>& shape) {
        bool haveDescr = false, haveFortran = false, haveShape = false;
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}') break;
            const std::string key = quoted();
            expect(':');
            skipSpace();
            if (key == "descr") {
                descr = quoted();
                haveDescr = true;
            } else if (key == "fortran_order") {
                fortran = boolean();
                haveFortran = true;
            } else if (key == "shape") {
                shape = tuple();
                haveShape = true;
            } else {
                bad("unexpected key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') ++pos_;
        }
        if (!haveDescr || !haveFortran || !haveShape) bad("missing 'descr', 'fortran_order' or 'shape'");
    }

private:
    [[noreturn]] void bad(const std::string& why) { fail(path_, "malformed .npy header (" + why + ")"); }
    char peek() const { return pos_ < t_.size() ? t_[pos_] : '\0'; }
    void skipSpace() {
        while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n')) ++pos_;
    }
    void expect(char c) {
        skipSpace();
        if (peek() != c) bad(std::string("expected '") + c + "'");
        ++pos_;
    }
    std::string quoted() {
        skipSpace();
        const char q = peek();
        if (q != '\'' && q != '"') bad("expected a quoted string");
        const size_t end = t_.find(q, pos_ + 1);
        if (end == std::string::npos) bad("unterminated string");
        std::string s = t_.substr(pos_ + 1, end - pos_ - 1);
        pos_ = end + 1;
        return s;
    }
    bool boolean() {
        if (t_.compare(pos_, 4, "True") == 0) return pos_ += 4, true;
        if (t_.compare(pos_, 5, "False") == 0) return pos_ += 5, false;
        bad("fortran_order must be True or False");
    }
    std::vector<int64_t> tuple() {
        std::vector<int64_t> dims;
        expect('(');
        while (true) {
            skipSpace();
            if (peek() == ')') break;
            if (peek() < '0' || peek() > '9') bad("shape must hold non-negative integers");
            int64_t v = 0;
            while (peek() >= '0' && peek() <= '9') {
                if (v > (std::numeric_limits<int64_t>::max() - 9) / 10) bad("shape value too large");
                v = v * 10 + (t_[pos_++] - '0');
            }
            dims.push_back(v);
            skipSpace();
            if (peek() == ',') ++pos_;
            else if (peek() != ')') bad("expected ',' or ')' in shape");
        }
        ++pos_;
        return dims;
    }

    const std::string& t_;
    const std::string& path_;
    size_t pos_ = 0;
};

enum class Kind { F4, F8, U1, U2 };

Kind parseDescr(const std::string& descr, const std::string& path) {
    const std::string supported = " (supported: float32 '<f4', float64 '<f8', uint8 '|u1', uint16 '<u2')";
    if (descr.size() >= 3 && descr[0] == '>' && descr.substr(1) != "u1" && descr.substr(1) != "i1")
        fail(path, "big-endian data ('" + descr + "') is not supported; save it little-endian (e.g. astype('<f4'))");
    const std::string body =
        (descr.size() >= 1 && (descr[0] == '<' || descr[0] == '|' || descr[0] == '=' || descr[0] == '>'))
            ? descr.substr(1)
            : descr;
    if (body == "f4") return Kind::F4;
    if (body == "f8") return Kind::F8;
    if (body == "u1") return Kind::U1;
    if (body == "u2") return Kind::U2;
    fail(path, "unsupported dtype '" + descr + "'" + supported);
}

size_t itemSize(Kind k) {
    switch (k) {
        case Kind::F4: return 4;
        case Kind::F8: return 8;
        case Kind::U1: return 1;
        case Kind::U2: return 2;
    }
    return 1;
}

template <typename T>
void convert(const unsigned char* src, float* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, src + i * sizeof(T), sizeof(T));
        dst[i] = static_cast<float>(v);
    }
}

void readExact(std::FILE* f, void* dst, size_t bytes, const std::string& path, const char* what) {
    if (bytes && std::fread(dst, 1, bytes, f) != bytes) {
        if (std::ferror(f)) fail(path, std::string("read error in ") + what + ": " + std::strerror(errno));
        fail(path, std::string("truncated .npy file (") + what + " ends early)");
    }
}

}  // namespace

namespace {

struct OpenedNpy {
    File file;
    NpyArray meta;  // shape and dtype; no values
    Kind kind{};
    size_t dataStart = 0;
};

// Opens `path` and reads its header, leaving the file just past it.
OpenedNpy openNpy(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail(path, "is a directory, not an .npy file");
    File f(std::fopen(path.c_str(), "rb"));
    if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
    unsigned char pre[10];
    const size_t got = std::fread(pre, 1, sizeof pre, f.get());
    if (got == 0) fail(path, "empty file, not an .npy array");
    if (got < kMagicLen || std::memcmp(pre, kMagic, kMagicLen) != 0)
        fail(path, "not an .npy file (missing the \\x93NUMPY magic)");
    if (got < 8) fail(path, "truncated .npy file (header ends early)");
    const int major = pre[6];
    size_t headerLen = 0;
    size_t dataStart = 0;
    if (major == 1) {
        if (got < 10) fail(path, "truncated .npy file (header ends early)");
        headerLen = pre[8] | (size_t(pre[9]) << 8);
        dataStart = 10 + headerLen;
    } else if (major == 2 || major == 3) {
        unsigned char more[2];
        if (got < 10) fail(path, "truncated .npy file (header ends early)");
        readExact(f.get(), more, 2, path, "header");
        headerLen = pre[8] | (size_t(pre[9]) << 8) | (size_t(more[0]) << 16) | (size_t(more[1]) << 24);
        dataStart = 12 + headerLen;
    } else {
        fail(path, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(pre[7]) +
                       " (supported: 1.0 to 3.0)");
    }
    if (headerLen > (size_t(1) << 24)) fail(path, "malformed .npy header (length " + std::to_string(headerLen) + ")");
    std::string header(headerLen, '\0');
    readExact(f.get(), header.data(), headerLen, path, "header");

    OpenedNpy o;
    NpyArray& a = o.meta;
    bool fortran = false;
    HeaderParser(header, path).parse(a.dtype, fortran, a.shape);
    o.kind = parseDescr(a.dtype, path);
    if (fortran) fail(path, "Fortran-order arrays are not supported; save a C-order array (numpy.ascontiguousarray)");

    o.file = std::move(f);
    o.dataStart = dataStart;
    return o;
}

}  // namespace

NpyArray readNpyHeader(const std::string& path) { return openNpy(path).meta; }

NpyArray readNpy(const std::string& path) {
    OpenedNpy o = openNpy(path);
    File& f = o.file;
    NpyArray a = std::move(o.meta);
    const Kind kind = o.kind;
    const size_t dataStart = o.dataStart;

    // Check the size against the file before allocating: a corrupt header must
    // not make us allocate terabytes.
    int64_t count = 1;
    for (int64_t d : a.shape) {
        if (d != 0 && count > std::numeric_limits<int64_t>::max() / 16 / d) fail(path, "array shape is too large");
        count *= d;
    }
    const size_t bytes = static_cast<size_t>(count) * itemSize(kind);
    if (std::fseek(f.get(), 0, SEEK_END) != 0) fail(path, std::string("cannot seek: ") + std::strerror(errno));
    const long fileSize = std::ftell(f.get());
    if (fileSize < 0 || static_cast<size_t>(fileSize) < dataStart + bytes)
        fail(path, "truncated .npy file: the header announces " + std::to_string(count) + " values (" +
                       std::to_string(bytes) + " bytes) but the file holds " +
                       std::to_string(fileSize < 0 ? 0 : std::max<long>(0, fileSize - long(dataStart))) +
                       " bytes of data");
    if (std::fseek(f.get(), static_cast<long>(dataStart), SEEK_SET) != 0)
        fail(path, std::string("cannot seek: ") + std::strerror(errno));

    a.values.resize(static_cast<size_t>(count));
    if (kind == Kind::F4) {
        readExact(f.get(), a.values.data(), bytes, path, "data");
        return a;
    }
    // Convert in chunks so a float64 image does not need twice its size in memory.
    constexpr size_t kChunk = size_t(1) << 20;
    std::vector<unsigned char> buf;
    const size_t item = itemSize(kind);
    for (size_t done = 0; done < static_cast<size_t>(count);) {
        const size_t n = std::min(kChunk, static_cast<size_t>(count) - done);
        buf.resize(n * item);
        readExact(f.get(), buf.data(), buf.size(), path, "data");
        float* dst = a.values.data() + done;
        switch (kind) {
            case Kind::F8: convert<double>(buf.data(), dst, n); break;
            case Kind::U1: convert<uint8_t>(buf.data(), dst, n); break;
            case Kind::U2: convert<uint16_t>(buf.data(), dst, n); break;
            case Kind::F4: break;
        }
        done += n;
    }
    return a;
}

void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const float* values) {
    std::string dims;
    int64_t count = 1;
    for (int64_t d : shape) {
        if (d < 0) throw ParameterError("cannot write an .npy array with negative dimension " + std::to_string(d));
        dims += std::to_string(d) + ", ";
        count *= d;
    }
    if (shape.size() > 1) dims.resize(dims.size() - 2);  // (3, 4); a 1-D shape keeps its comma: (3,)
    if (shape.size() == 1) dims.resize(dims.size() - 1);
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    // Pad with spaces and a final newline so the data starts at a multiple of 64
    // bytes, as NumPy does. Version 2.0 only when the header needs 4 length bytes.
    const bool v2 = header.size() + 11 > 65535;
    const size_t prefix = v2 ? 12 : 10;
    const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
    header.append(total - prefix - header.size() - 1, ' ');
    header.push_back('\n');

    std::string pre(kMagic, kMagicLen);
    pre.push_back(static_cast<char>(v2 ? 2 : 1));
    pre.push_back(0);
    const size_t hl = header.size();
    for (size_t i = 0; i < (v2 ? 4u : 2u); ++i) pre.push_back(static_cast<char>((hl >> (8 * i)) & 0xff));

    File f(std::fopen(path.c_str(), "wb"));
    if (!f) fail(path, std::string("cannot create: ") + std::strerror(errno));
    const size_t bytes = static_cast<size_t>(count) * sizeof(float);
    if (std::fwrite(pre.data(), 1, pre.size(), f.get()) != pre.size() ||
        std::fwrite(header.data(), 1, header.size(), f.get()) != header.size() ||
        (bytes && std::fwrite(values, 1, bytes, f.get()) != bytes))
        fail(path, std::string("write error: ") + std::strerror(errno));
    std::FILE* raw = f.release();
    if (std::fclose(raw) != 0) fail(path, std::string("write error: ") + std::strerror(errno));
}

}  // namespace tconv
