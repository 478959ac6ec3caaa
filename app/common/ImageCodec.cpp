// SPDX-License-Identifier: MIT
#include "common/ImageCodec.h"

#include <climits>
#include <cstdint>
#include <vector>

#include "common/PixelConversion.h"
#ifdef TCONV_HAVE_LIBDEFLATE
#include "common/PngWriter.h"
#endif
#include "common/StderrCapture.h"
#include "core/ConvError.h"

#ifdef TCONV_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/core/hal/hal.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

namespace tconv::app {

namespace {
thread_local int t_pngCompression = -1;
}  // namespace

PngCompressionScope::PngCompressionScope(int level) : previous_(t_pngCompression) { t_pngCompression = level; }
PngCompressionScope::~PngCompressionScope() { t_pngCompression = previous_; }

int outputBitDepth(const std::string& ext, int requestedBitDepth) {
    const bool has16 = ext == ".png" || ext == ".tif" || ext == ".tiff";
    return (requestedBitDepth == 16 && has16) ? 16 : 8;
}

void checkImageShapeForFormat(const std::string& path, const std::string& ext, const Shape4& s) {
    if (s.n != 1)
        throw ParameterError("cannot write '" + path + "': an image holds one picture, but the result has batch " +
                             std::to_string(s.n) + "; write .npy instead");
    if (s.c != 1 && s.c != 3 && s.c != 4)
        throw ParameterError("cannot write '" + path + "': the result has " + std::to_string(s.c) +
                             " channels, but an image holds 1, 3 or 4; write .npy instead");
    if (s.c == 4 && (ext == ".jpg" || ext == ".jpeg"))
        throw ParameterError(
            "cannot write '" + path +
            "': JPEG has no alpha channel and the result has 4 channels; write .png, .tif, .webp or .npy");
    if (s.h > INT_MAX / 8 || s.w > INT_MAX / 8)
        throw ParameterError("cannot write '" + path + "': " + std::to_string(s.h) + "x" + std::to_string(s.w) +
                             " is too large for an image file; write .npy instead");
}

#ifdef TCONV_HAVE_OPENCV

namespace {

// OpenCV's log lines (e.g. "imread_: can't open file") would break the CLI's
// one-line errors; every failure is reported through our exceptions instead.
void silenceOpenCvLog() {
    static const bool once = [] {
        cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
        return true;
    }();
    (void)once;
}

// One readable line from what a codec printed: "libpng error: X" -> "libpng:
// X"; OpenCV's "imdecode_(''): can't read data: OpenCV(4.6.0) file:line:
// error: (-2:Unspecified error) X in function 'f'" -> "X".
std::string codecComplaint(const std::string& captured) {
    std::string line = firstLine(captured);
    if (line.rfind("libpng error: ", 0) == 0) return "libpng: " + line.substr(14);
    const size_t err = line.find("error: (");
    if (err != std::string::npos) {
        const size_t close = line.find(") ", err);
        if (close != std::string::npos) line = line.substr(close + 2);
        const size_t fn = line.find(" in function ");
        if (fn != std::string::npos) line.resize(fn);
    }
    return line;
}

// libjpeg fills a truncated file with gray and reports success; a complete
// JPEG has an end-of-image marker (FF D9) after its last start-of-scan (FF DA).
// Entropy-coded data cannot hold either (0xFF bytes there are stuffed), and an
// EXIF thumbnail's markers come before the main image's scans.
bool isTruncatedJpeg(const std::vector<unsigned char>& b) {
    if (b.size() < 3 || b[0] != 0xFF || b[1] != 0xD8 || b[2] != 0xFF) return false;
    size_t lastSos = 0;
    for (size_t i = 0; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xDA) lastSos = i;
    if (lastSos == 0) return false;  // let the decoder report it
    for (size_t i = lastSos + 2; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xD9) return false;
    return true;
}

bool isDamageReport(const std::string& captured) {
    return captured.find("Premature end") != std::string::npos || captured.find("Corrupt") != std::string::npos ||
           captured.find("corrupt") != std::string::npos || captured.find("truncated") != std::string::npos;
}

// Image channel i (R, G, B, A order) is stored at OpenCV index swizzle(i, c).
int swizzle(int i, int channels) { return (channels >= 3 && i < 3) ? 2 - i : i; }

// OpenCV's SIMD (de)interleaving of one row, by sample type.
void splitRow(const uint8_t* src, uint8_t** dst, int len, int cn) { cv::hal::split8u(src, dst, len, cn); }
void splitRow(const uint16_t* src, uint16_t** dst, int len, int cn) { cv::hal::split16u(src, dst, len, cn); }
void mergeRow(const uint8_t** src, uint8_t* dst, int len, int cn) { cv::hal::merge8u(src, dst, len, cn); }
void mergeRow(const uint16_t** src, uint16_t* dst, int len, int cn) { cv::hal::merge16u(src, dst, len, cn); }

// Interleaved BGR(A) rows -> planes in R, G, B(, A) order, one row at a time
// (the row buffers stay in L1): split, then normalize each channel's row.
template <typename T>
void toPlanar(const cv::Mat& m, Tensor& t) {
    const int c = m.channels();
    const size_t w = static_cast<size_t>(m.cols);
    if (c == 1) {
        for (int y = 0; y < m.rows; ++y) normalizeRow(m.ptr<T>(y), t.plane(0, 0) + y * w, w);
        return;
    }
    std::vector<T> rows(static_cast<size_t>(c) * w);
    T* channelRows[4];
    for (int ch = 0; ch < c; ++ch) channelRows[swizzle(ch, c)] = rows.data() + ch * w;
    for (int y = 0; y < m.rows; ++y) {
        splitRow(m.ptr<T>(y), channelRows, m.cols, c);
        for (int ch = 0; ch < c; ++ch) normalizeRow(rows.data() + ch * w, t.plane(0, ch) + y * w, w);
    }
}

// The reverse: quantize each plane's row, then merge into the BGR(A) row.
template <typename T>
void fromPlanar(const Tensor& t, cv::Mat& m) {
    const int c = m.channels();
    const size_t w = static_cast<size_t>(m.cols);
    if (c == 1) {
        for (int y = 0; y < m.rows; ++y) quantizeRow(t.plane(0, 0) + y * w, m.ptr<T>(y), w);
        return;
    }
    std::vector<T> rows(static_cast<size_t>(c) * w);
    const T* channelRows[4];
    for (int ch = 0; ch < c; ++ch) channelRows[swizzle(ch, c)] = rows.data() + ch * w;
    for (int y = 0; y < m.rows; ++y) {
        for (int ch = 0; ch < c; ++ch) quantizeRow(t.plane(0, ch) + y * w, rows.data() + ch * w, w);
        mergeRow(channelRows, m.ptr<T>(y), m.cols, c);
    }
}

#ifdef TCONV_HAVE_LIBDEFLATE
// PNG through PngWriter (libdeflate): each row quantized per channel, then
// merged in PNG's R, G, B(, A) order straight into the writer (no BGR Mat).
template <typename T>
std::vector<unsigned char> encodePng(const Tensor& t, int depth, const std::string& path) {
    const Shape4 s = t.shape();
    const int c = static_cast<int>(s.c);
    const size_t w = static_cast<size_t>(s.w);
    PngWriter png(static_cast<int>(s.w), static_cast<int>(s.h), c, depth, pngSettingsForCompression(t_pngCompression),
                  path);
    std::vector<T> planeRows(c == 1 ? 0 : static_cast<size_t>(c) * w), row(static_cast<size_t>(c) * w);
    const T* channelRows[4];
    for (int ch = 0; ch < c && c > 1; ++ch) channelRows[ch] = planeRows.data() + ch * w;
    for (int64_t y = 0; y < s.h; ++y) {
        if (c == 1) {
            quantizeRow(t.plane(0, 0) + y * w, row.data(), w);
        } else {
            for (int ch = 0; ch < c; ++ch) quantizeRow(t.plane(0, ch) + y * w, planeRows.data() + ch * w, w);
            mergeRow(channelRows, row.data(), static_cast<int>(w), c);
        }
        png.addRow(row.data());
    }
    return png.finish();
}
#endif

// As OpenCV's own imread does when it may (the EXIF orientation names where
// the stored first row and column belong).
void applyExifOrientation(cv::Mat& img, int orientation) {
    cv::Mat t;
    switch (orientation) {
        case 2: cv::flip(img, img, 1); break;
        case 3: cv::flip(img, img, -1); break;
        case 4: cv::flip(img, img, 0); break;
        case 5:
            cv::transpose(img, t);
            img = t;
            break;
        case 6:
            cv::transpose(img, t);
            cv::flip(t, img, 1);
            break;
        case 7:
            cv::transpose(img, t);
            cv::flip(t, img, -1);
            break;
        case 8:
            cv::transpose(img, t);
            cv::flip(t, img, 0);
            break;
        default: break;
    }
}

}  // namespace

bool imageCodecsAvailable() { return true; }
std::string imageCodecsVersion() { return CV_VERSION; }
#ifdef TCONV_HAVE_LIBDEFLATE
std::string pngEncoderName() { return std::string("libdeflate ") + libdeflateVersion(); }
#else
std::string pngEncoderName() { return "OpenCV " CV_VERSION " (zlib)"; }
#endif

Tensor decodeImage(const std::vector<unsigned char>& bytes, const std::string& path, int& bitDepth, int orientation) {
    silenceOpenCvLog();
    if (bytes.size() > static_cast<size_t>(INT_MAX))
        throw ProcessingError("cannot read '" + path + "': file too large for the image decoder");
    if (isTruncatedJpeg(bytes))
        throw ProcessingError("cannot read '" + path + "': truncated JPEG (the image data has no end marker)");
    cv::Mat img;
    std::string noise;
    // The codecs print their complaints to stderr; collect them for our message.
    const std::string captured = captureStderr([&] {
        noise.clear();
        try {
            const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<unsigned char*>(bytes.data()));
            img = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
        } catch (const cv::Exception& e) {
            img.release();
            noise = e.err;
        }
    });
    if (noise.empty()) noise = codecComplaint(captured);
    // A decoder that filled in missing data still "succeeds" (libjpeg on a
    // truncated file): refuse, the user would get a silently damaged result.
    if (!img.empty() && isDamageReport(captured)) img.release();
    else if (!img.empty()) passOnLibraryNoise(captured);
    if (img.empty())
        throw ProcessingError("cannot read '" + path + "': " +
                              (noise.empty()
                                   ? "not an image file OpenCV can decode (unknown format, corrupt or truncated)"
                                   : "corrupt, truncated or not an image (" + noise + ")"));
    applyExifOrientation(img, orientation);
    const int c = img.channels();
    if (c < 1 || c > 4)
        throw ProcessingError("cannot read '" + path + "': unsupported channel count " + std::to_string(c));
    Tensor t(Shape4{1, c, img.rows, img.cols});
    switch (img.depth()) {
        case CV_8U:
            bitDepth = 8;
            toPlanar<uint8_t>(img, t);
            break;
        case CV_16U:
            bitDepth = 16;
            toPlanar<uint16_t>(img, t);
            break;
        default:
            throw ProcessingError("cannot read '" + path +
                                  "': only 8- and 16-bit unsigned images are supported; convert it to .npy (float32)");
    }
    return t;
}

std::vector<unsigned char> encodeImage(const Tensor& t, const std::string& ext, int bitDepth, const std::string& path) {
    silenceOpenCvLog();
    const Shape4 s = t.shape();
    checkImageShapeForFormat(path, ext, s);
    const int depth = outputBitDepth(ext, bitDepth);
#ifdef TCONV_HAVE_LIBDEFLATE
    if (ext == ".png") return depth == 16 ? encodePng<uint16_t>(t, depth, path) : encodePng<uint8_t>(t, depth, path);
#endif
    cv::Mat m(static_cast<int>(s.h), static_cast<int>(s.w), CV_MAKETYPE(depth == 16 ? CV_16U : CV_8U, int(s.c)));
    if (depth == 16) fromPlanar<uint16_t>(t, m);
    else fromPlanar<uint8_t>(t, m);
    std::vector<int> params;
    if (ext == ".jpg" || ext == ".jpeg") params = {cv::IMWRITE_JPEG_QUALITY, 95};
    if (ext == ".webp") params = {cv::IMWRITE_WEBP_QUALITY, 101};  // > 100: lossless
    if (ext == ".png" && t_pngCompression >= 0) params = {cv::IMWRITE_PNG_COMPRESSION, t_pngCompression};
    std::vector<unsigned char> bytes;
    try {
        if (!cv::imencode(ext, m, bytes, params) || bytes.empty())
            throw ProcessingError("cannot write '" + path + "': the " + ext + " encoder failed");
    } catch (const cv::Exception& e) {
        throw ProcessingError("cannot write '" + path + "': the " + ext + " encoder failed (" + e.err + ")");
    }
    return bytes;
}

#else  // no OpenCV: .npy only

bool imageCodecsAvailable() { return false; }
std::string imageCodecsVersion() { return ""; }
std::string pngEncoderName() { return ""; }

Tensor decodeImage(const std::vector<unsigned char>&, const std::string& path, int&, int) {
    throw ProcessingError("cannot read '" + path + "': this build has no image support (no OpenCV); use .npy input");
}

std::vector<unsigned char> encodeImage(const Tensor&, const std::string&, int, const std::string& path) {
    throw ParameterError("cannot write '" + path + "': this build has no image support (no OpenCV); write .npy");
}

#endif

}  // namespace tconv::app
