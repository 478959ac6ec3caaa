// SPDX-License-Identifier: MIT
#include "common/ImageIO.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "common/AtomicFile.h"
#include "common/ImageCodec.h"
#include "common/ImageHeader.h"
#include "common/StderrCapture.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"

namespace tconv::app {
namespace {

// OpenCV's own cap (OPENCV_IO_MAX_IMAGE_PIXELS: 2^30 pixels) in samples of up
// to 4 channels, checked from the header: no decoder runs on more, whatever
// the memory limit (OpenCV reads its variable once, when it is loaded, so the
// process cannot lower it for itself).
constexpr uint64_t kMaxDecodedSamples = uint64_t(1) << 32;

std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

[[noreturn]] void failLoad(const std::string& path, const std::string& why) {
    throw ProcessingError("cannot read '" + path + "': " + why);
}

// Reads the first bytes, so a missing, unreadable, empty file or a folder is
// reported the same way whatever its format.
std::vector<unsigned char> readHead(const std::string& path, size_t count) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) failLoad(path, "it is a directory");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) failLoad(path, std::strerror(errno));
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, &std::fclose);
    std::vector<unsigned char> head(count);
    head.resize(std::fread(head.data(), 1, count, f));
    if (std::ferror(f)) failLoad(path, std::strerror(errno));
    if (head.empty()) failLoad(path, "the file is empty");
    return head;
}

// The whole file, but never more than maxBytes (0: no bound): a regular file
// is refused from its size, anything else (a pipe, /dev/zero) when it goes on
// past the bound.
std::vector<unsigned char> readWholeFile(const std::string& path, uint64_t maxBytes) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) failLoad(path, std::strerror(errno));
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, &std::fclose);
    auto tooLarge = [&](const std::string& size) {
        throw ParameterError("cannot read '" + path + "': " + size + " more than the memory limit of " +
                             bytesText(maxBytes) + " (set TCONV_MEMORY_LIMIT_MB to change it)");
    };
    // One read of the size the file has now, then chunks for whatever it grew
    // by meanwhile (or all of it where the size is unknown: a pipe).
    std::vector<unsigned char> data;
    struct stat st {};
    if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        if (maxBytes && static_cast<uint64_t>(st.st_size) > maxBytes)
            tooLarge("the file holds " + bytesText(uint64_t(st.st_size)) + ",");
        data.resize(static_cast<size_t>(st.st_size));
        data.resize(std::fread(data.data(), 1, data.size(), f));
    }
    unsigned char chunk[1 << 16];
    size_t n;
    while (!std::ferror(f) && (n = std::fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (maxBytes && data.size() + n > maxBytes) tooLarge("it goes on past the bound (reading stopped there),");
        data.insert(data.end(), chunk, chunk + n);
    }
    if (std::ferror(f)) failLoad(path, std::strerror(errno));
    if (data.empty()) failLoad(path, "the file is empty");
    return data;
}

bool hasNpyMagic(const std::vector<unsigned char>& d) {
    return d.size() >= 6 && std::memcmp(d.data(), "\x93NUMPY", 6) == 0;
}

// PyTorch lets NaN and infinity through (NaN spreads to every output pixel
// whose window holds it), and so does tconv -- but not silently: one line on
// stderr per process, for the first input that holds any.
void warnNonFiniteOnce(const std::string& path, const Tensor& t) {
    static std::atomic<bool> warned{false};
    if (warned.load()) return;
    int64_t nan = 0, inf = 0;
    for (float v : t.storage()) {
        if (std::isnan(v)) ++nan;
        else if (std::isinf(v)) ++inf;
    }
    if ((nan == 0 && inf == 0) || warned.exchange(true)) return;
    // To the user's stderr even while batch diverts fd 2 (StderrCapture.h).
    const std::string line = "tconv: warning: '" + path + "' holds " + std::to_string(nan) + " NaN and " +
                             std::to_string(inf) +
                             " infinite values; they pass through as in PyTorch (NaN spreads to every output pixel "
                             "it touches; image outputs write NaN as 0) -- warned once per run\n";
    (void)!::write(userStderrFd(), line.data(), line.size());
}

LoadedImage loadNpyImage(const std::string& path, const NpyAxes& axes) {
    NpyArray a;
    try {
        a = readNpy(path);
    } catch (const ProcessingError& e) {
        throw ProcessingError(std::string("cannot read ") + e.what());  // readNpy says "'path': why"
    }
    // The file may have changed since its header was probed: same rules again,
    // and the same axes, or it is refused.
    const NpyAxes now = npyInputAxes(path, a.shape, NpyAxesRules{axes.layout, axes.batch});
    if (now.batch != axes.batch || now.channels != axes.channels)
        failLoad(path, "the file changed while it was read (its shape is now " + npyShapeText(a.shape) + ")");
    // Integer arrays hold image samples: scale them like 8/16-bit image files.
    const bool u8 = a.dtype.size() == 3 && a.dtype.substr(1) == "u1";
    const bool u16 = a.dtype.size() == 3 && a.dtype.substr(1) == "u2";
    LoadedImage img;
    img.path = path;
    img.bitDepth = 0;
    img.npyAxes = axes;
    img.tensor = Tensor(shape4Of(a.shape, axes));
    npyToPlanar(a.values, axes.layout, u8 ? 255.0f : (u16 ? 65535.0f : 1.0f), img.tensor);
    warnNonFiniteOnce(path, img.tensor);
    return img;
}

const char* const kImageInputExts[] = {".png", ".jpg",  ".jpeg", ".jpe", ".tif", ".tiff", ".bmp",
                                       ".dib", ".webp", ".pbm",  ".pgm", ".ppm", ".pnm"};
const char* const kImageOutputExts[] = {".png", ".tif", ".tiff", ".jpg", ".jpeg", ".bmp", ".webp"};

template <size_t N>
bool contains(const char* const (&list)[N], const std::string& ext) {
    return std::any_of(std::begin(list), std::end(list), [&](const char* e) { return ext == e; });
}

void saveNpy(const std::string& path, const Tensor& t, const NpyAxes& axes) {
    const std::vector<int64_t> shape = npyShapeOf(t.shape(), axes);
    const std::vector<float> values = planarToNpy(t, axes.layout);
    writeFileAtomically(path, [&](const std::string& temp) {
        try {
            writeNpy(temp, shape, values.data());
        } catch (const ProcessingError& e) {
            // writeNpy names the temporary file; the user knows only the destination.
            std::string msg = e.what();
            const size_t at = msg.find(temp);
            if (at != std::string::npos) msg.replace(at, temp.size(), path);
            throw ProcessingError(msg);
        }
    });
}

}  // namespace

InputProbe probeInput(const std::string& path, const ResourceLimits& limits, const NpyAxesRules& npyRules) {
    InputProbe p;
    p.path = path;
    p.npyAxes.layout = npyRules.layout;  // an image written to .npy follows the layout too
    // A pipe or device can be read once only: all of it (bounded), then decide.
    struct stat st {};
    const bool stream = ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
    if (stream) {
        p.bytes = readWholeFile(path, limits.maxOutputBytes);
        if (hasNpyMagic(p.bytes)) failLoad(path, "an .npy input must be a regular file (it is read with seeks)");
    }
    // Decide by content, so an .npy saved under another name still loads and
    // an image named .npy gets a clear "not an .npy file".
    if (!stream && (hasNpyMagic(readHead(path, 6)) || lowerExtension(path) == ".npy")) {
        NpyArray header;
        try {
            header = readNpyHeader(path);
        } catch (const ProcessingError& e) {
            throw ProcessingError(std::string("cannot read ") + e.what());
        }
        p.npyAxes = npyInputAxes(path, header.shape, npyRules);
        p.isNpy = true;
        p.shape = shape4Of(header.shape, p.npyAxes);
        p.decodedBytes = tensorBytes(p.shape);
    } else {
        if (!stream) p.bytes = readWholeFile(path, limits.maxOutputBytes);
        p.fileBytes = p.bytes.size();
        const std::optional<ImageHeader> h = readImageHeader(p.bytes);
        if (!h)
            failLoad(path,
                     "not an image tconv can read (PNG, JPEG, TIFF, BMP, WebP or PNM), or its header is corrupt or "
                     "truncated");
        p.orientation = h->orientation;
        p.bitDepth = h->bytesPerSample >= 2 ? 16 : 8;
        p.shape = Shape4{1, h->channels, h->orientedHeight(), h->orientedWidth()};
        const uint64_t samples = tensorBytes(Shape4{1, h->channels, h->height, h->width}, uint64_t(h->bytesPerSample));
        p.decodedBytes = h->orientation == 1 ? samples : mulBytes(samples, 2);  // the turned copy
        if (tensorBytes(p.shape, 1) > kMaxDecodedSamples)
            throw ParameterError("cannot read '" + path + "': its header announces " + std::to_string(h->width) + "x" +
                                 std::to_string(h->height) + " pixels x " + std::to_string(h->channels) +
                                 " channels, more than the decoder's maximum of " + std::to_string(kMaxDecodedSamples) +
                                 " samples");
    }
    PeakMemory peak;
    addInputMemory(peak, p);
    // An empty batch holds nothing, but its H, W and C still size the layer,
    // its output and the kernels' tables: one item of it must fit.
    if (p.shape.n == 0)
        peak.add("one item of the empty batch", tensorBytes(Shape4{1, p.shape.c, p.shape.h, p.shape.w}));
    const std::string items = p.shape.n == 1 ? "" : std::to_string(p.shape.n) + "x";
    peak.check(limits, "reading '" + path + "' (" + items + std::to_string(p.shape.h) + "x" +
                           std::to_string(p.shape.w) + "x" + std::to_string(p.shape.c) + ")");
    return p;
}

LoadedImage decodeInput(InputProbe&& probe) {
    if (probe.isNpy) return loadNpyImage(probe.path, probe.npyAxes);
    LoadedImage img;
    img.path = probe.path;
    img.npyAxes = probe.npyAxes;
    const std::vector<unsigned char> bytes = std::move(probe.bytes);
    img.tensor = decodeImage(bytes, probe.path, img.bitDepth, probe.orientation);
    return img;
}

void addInputMemory(PeakMemory& peak, const InputProbe& p) {
    peak.add("input file", p.fileBytes);
    peak.add(p.isNpy ? "input values" : "decoded samples", p.decodedBytes);
    peak.add("input " + shapeText(p.shape), tensorBytes(p.shape));
}

uint64_t encodeBytes(const std::string& path, const Shape4& s, int bitDepth) {
    const std::string ext = lowerExtension(path);
    if (ext == ".npy") return tensorBytes(s);
    // The quantized samples and the encoded file, which the codecs keep within
    // about the raw size (stored blocks for incompressible data).
    const uint64_t raw = tensorBytes(s, outputBitDepth(ext, bitDepth) == 16 ? 2 : 1);
    return addBytes(mulBytes(raw, 2), addBytes(mulBytes(uint64_t(s.h > 0 ? s.h : 0), 8), 1 << 16));
}

LoadedImage loadImage(const std::string& path, const ResourceLimits& limits) {
    return decodeInput(probeInput(path, limits));
}

void checkOutputFormat(const std::string& path, const Shape4& s) {
    const std::string ext = lowerExtension(path);
    // An empty batch gives an empty .npy, as PyTorch gives an empty tensor.
    const bool emptyBatch = ext == ".npy" && s.n == 0 && Shape4{1, s.c, s.h, s.w}.count() > 0;
    if (s.count() <= 0 && !emptyBatch)
        throw ParameterError("cannot write '" + path + "': the result is empty, shape " + shapeText(s));
    if (ext == ".npy") return;
    if (!contains(kImageOutputExts, ext))
        throw ParameterError("cannot write '" + path + "': unknown output extension '" + ext +
                             "' (use .npy, .png, .tif, .tiff, .jpg, .jpeg, .bmp or .webp)");
    if (!imageCodecsAvailable())
        throw ParameterError("cannot write '" + path + "': this build has no image support (no OpenCV); write .npy");
    checkImageShapeForFormat(path, ext, s);
}

int outputBitDepthFor(const std::string& path, int bitDepth) {
    const std::string ext = lowerExtension(path);
    return ext == ".npy" ? 32 : outputBitDepth(ext, bitDepth);
}

void saveImage(const std::string& path, const Tensor& t, int bitDepth, const NpyAxes& npyAxes) {
    if (t.size() != t.shape().count())
        throw ParameterError("cannot write '" + path + "': tensor holds " + std::to_string(t.size()) +
                             " values, its shape " + shapeText(t.shape()) + " needs " +
                             std::to_string(t.shape().count()));
    checkOutputFormat(path, t.shape());
    const std::string ext = lowerExtension(path);
    if (ext == ".npy") return saveNpy(path, t, npyAxes);
    const std::vector<unsigned char> bytes = encodeImage(t, ext, bitDepth, path);
    writeFileAtomically(path, bytes.data(), bytes.size());
}

bool isSupportedInputExtension(const std::string& path) {
    const std::string ext = lowerExtension(path);
    return ext == ".npy" || (imageCodecsAvailable() && contains(kImageInputExts, ext));
}

bool isSupportedOutputExtension(const std::string& path) {
    const std::string ext = lowerExtension(path);
    return ext == ".npy" || (imageCodecsAvailable() && contains(kImageOutputExts, ext));
}

}  // namespace tconv::app
