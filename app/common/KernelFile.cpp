// SPDX-License-Identifier: MIT
#include "common/KernelFile.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>

#include "common/AtomicFile.h"
#include "core/ConvError.h"
#include "core/MemoryEstimate.h"
#include "core/NpyFile.h"
#include "core/Validation.h"

namespace tconv::app {
namespace {

// Kernels are small (at most 255 x 255 numbers); a bigger "kernel file" is
// surely the wrong file.
constexpr uintmax_t kMaxTextBytes = 16u << 20;

[[noreturn]] void fail(const std::string& source, const std::string& why) {
    throw ProcessingError("kernel file '" + source + "': " + why);
}

std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

bool isSeparator(char c) { return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '\r'; }

bool looksBinary(const std::string& text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return c == 0 || (c < 32 && !std::isspace(c)); });
}

// One number, strictly: "0.25", "-1", "+2", "1e-3". Locale-independent.
bool parseNumber(const std::string& token, float& out) {
    const char* b = token.data();
    const char* e = b + token.size();
    if (b != e && *b == '+') ++b;
    double v = 0;
    const auto r = std::from_chars(b, e, v);
    if (r.ec != std::errc() || r.ptr != e) return false;
    out = static_cast<float>(v);
    return true;
}

std::string readText(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail(path, "it is a directory");
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxTextBytes) fail(path, "too large for a kernel (" + std::to_string(size) + " bytes)");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) fail(path, std::strerror(errno));
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, &std::fclose);
    std::string text;
    char chunk[1 << 14];
    size_t n;
    // Bounded whatever the file is: /dev/zero or a pipe has no size to check first.
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (text.size() + n > kMaxTextBytes)
            fail(path, "too large for a kernel (more than " + std::to_string(kMaxTextBytes) + " bytes)");
        text.append(chunk, n);
    }
    if (std::ferror(f)) fail(path, std::strerror(errno));
    return text;
}

std::string shapeList(const std::vector<int64_t>& s) {
    std::string t = "(";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + (s.size() == 1 ? ",)" : ")");
}

// From the header, before the data is read: the rank, the kernel extent and
// the memory the values and their copy need.
void checkNpyKernelHeader(const std::string& path) {
    NpyArray h;
    try {
        h = readNpyHeader(path);
    } catch (const ProcessingError& e) {
        throw ProcessingError(std::string("kernel file ") + e.what());
    }
    if (h.shape.size() != 2 && h.shape.size() != 4)
        throw ParameterError("kernel file '" + path +
                             "': expected shape (kH, kW) or (C_in, C_out/groups, kH, kW), but got " +
                             shapeList(h.shape));
    const int64_t kh = h.shape[h.shape.size() - 2], kw = h.shape.back();
    if (kh > kMaxKernelSize || kw > kMaxKernelSize)
        throw ParameterError("kernel file '" + path + "': a kernel of " + std::to_string(kh) + "x" +
                             std::to_string(kw) + " is larger than the maximum kernel size " +
                             std::to_string(kMaxKernelSize) + " per axis");
    Shape4 s{1, 1, 1, 1};
    if (h.shape.size() == 4) s = Shape4{h.shape[0], h.shape[1], kh, kw};
    else s = Shape4{1, 1, kh, kw};
    PeakMemory peak;
    peak.add("kernel values", tensorBytes(s));
    peak.add("kernel weight", tensorBytes(s));
    peak.check(defaultResourceLimits(), "reading kernel file '" + path + "'");
}

KernelFile loadNpyKernel(const std::string& path) {
    checkNpyKernelHeader(path);
    NpyArray a;
    try {
        a = readNpy(path);
    } catch (const ProcessingError& e) {
        throw ProcessingError(std::string("kernel file ") + e.what());
    }
    for (int64_t d : a.shape)
        if (d <= 0) fail(path, "the array is empty, shape " + shapeList(a.shape));
    for (float v : a.values)
        if (!std::isfinite(v)) fail(path, "holds a non-finite value (NaN or infinity)");
    KernelFile k;
    if (a.shape.size() == 2) {
        if (a.shape[0] > INT32_MAX || a.shape[1] > INT32_MAX) fail(path, "kernel too large");
        Kernel2D kernel(static_cast<int>(a.shape[0]), static_cast<int>(a.shape[1]));
        kernel.taps = std::move(a.values);
        k.kernel = std::move(kernel);
        return k;
    }
    if (a.shape.size() == 4) {
        k.weight = Tensor(Shape4{a.shape[0], a.shape[1], a.shape[2], a.shape[3]});
        std::copy(a.values.begin(), a.values.end(), k.weight.data());
        return k;
    }
    throw ParameterError("kernel file '" + path +
                         "': expected shape (kH, kW) or (C_in, C_out/groups, kH, kW), but got " + shapeList(a.shape));
}

}  // namespace

std::string KernelFile::describe() const {
    if (kernel) return std::to_string(kernel->h) + "x" + std::to_string(kernel->w) + " kernel";
    return "weight " + shapeText(weight.shape());
}

Kernel2D parseKernelText(const std::string& input, const std::string& source) {
    if (looksBinary(input))
        fail(source, "not a text matrix (binary data); a kernel file is an .npy array or rows of numbers");
    // Brackets, as in a pasted NumPy repr "[[1, 2], [3, 4]]": '[' is a
    // separator and ']' ends a row.
    std::string text = input;
    for (char& c : text) {
        if (c == '[') c = ' ';
        else if (c == ']') c = '\n';
    }
    std::vector<std::vector<float>> rows;
    std::istringstream lines(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(lines, line)) {
        ++lineNo;
        if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        std::vector<float> row;
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && isSeparator(line[i])) ++i;
            size_t j = i;
            while (j < line.size() && !isSeparator(line[j])) ++j;
            if (j == i) break;
            const std::string token = line.substr(i, j - i);
            float v = 0;
            if (!parseNumber(token, v))
                fail(source, "line " + std::to_string(lineNo) + ": '" + token.substr(0, 40) + "' is not a number");
            if (!std::isfinite(v))
                fail(source, "line " + std::to_string(lineNo) + ": '" + token + "' is not a finite number");
            row.push_back(v);
            i = j;
        }
        if (row.empty()) continue;
        if (!rows.empty() && row.size() != rows.front().size())
            fail(source, "line " + std::to_string(lineNo) + " has " + std::to_string(row.size()) +
                             " values, but the first row has " + std::to_string(rows.front().size()) +
                             " (a kernel is a rectangular matrix)");
        rows.push_back(std::move(row));
    }
    if (rows.empty()) fail(source, "no numbers found (expected rows of numbers separated by spaces or commas)");
    Kernel2D k(static_cast<int>(rows.size()), static_cast<int>(rows.front().size()));
    for (int y = 0; y < k.h; ++y)
        for (int x = 0; x < k.w; ++x) k.at(y, x) = rows[size_t(y)][size_t(x)];
    return k;
}

KernelFile loadKernelFile(const std::string& path) {
    if (lowerExtension(path) == ".npy") return loadNpyKernel(path);
    std::string text = readText(path);
    if (text.empty()) fail(path, "the file is empty");
    if (text.rfind("\x93NUMPY", 0) == 0) return loadNpyKernel(path);
    KernelFile k;
    k.kernel = parseKernelText(text, path);
    return k;
}

void saveWeightFile(const std::string& path, const Tensor& weight) {
    if (lowerExtension(path) != ".npy")
        throw ParameterError("a full weight is written as .npy, but got '" + path + "'");
    const Shape4 w = weight.shape();
    if (w.count() <= 0) throw ProcessingError("cannot write weight '" + path + "': the weight is empty");
    writeFileAtomically(path, [&](const std::string& temp) { writeNpy(temp, {w.n, w.c, w.h, w.w}, weight.data()); });
}

void saveKernelFile(const std::string& path, const Kernel2D& kernel) {
    if (kernel.h <= 0 || kernel.w <= 0 || kernel.taps.size() != size_t(kernel.h) * size_t(kernel.w))
        throw ProcessingError("cannot write kernel '" + path + "': the kernel is empty or malformed");
    if (lowerExtension(path) == ".npy") {
        writeFileAtomically(path, [&](const std::string& temp) {
            writeNpy(temp, {kernel.h, kernel.w}, kernel.taps.data());
        });
        return;
    }
    std::string text;
    char buf[64];
    for (int y = 0; y < kernel.h; ++y) {
        for (int x = 0; x < kernel.w; ++x) {
            // to_chars: shortest round-trip text, independent of the locale
            // (the studio runs under the user's locale).
            const auto r = std::to_chars(buf, buf + sizeof buf, kernel.at(y, x));
            if (x) text += ' ';
            text.append(buf, r.ptr);
        }
        text += '\n';
    }
    writeFileAtomically(path, text.data(), text.size());
}

}  // namespace tconv::app
