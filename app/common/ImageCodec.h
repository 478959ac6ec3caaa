// SPDX-License-Identifier: MIT
#pragma once
// The OpenCV side of ImageIO: image bytes <-> planar float tensors. Without
// OpenCV (TCONV_HAVE_OPENCV undefined) every function refuses with a clear
// ProcessingError/ParameterError and imageCodecsAvailable() is false.
#include <string>
#include <vector>

#include "core/Tensor.h"

namespace tconv::app {

bool imageCodecsAvailable();
// "4.6.0" (the OpenCV version built against), or "" without OpenCV.
std::string imageCodecsVersion();

// Who writes PNG files in this build (help texts, reports): "libdeflate 1.14"
// or "OpenCV 4.6.0 (zlib)"; "" without OpenCV.
std::string pngEncoderName();

// Decodes an 8/16-bit gray, gray+alpha, RGB or RGBA image to (1, C, H, W) in
// R, G, B(, A) order, scaled by 1/255 or 1/65535; sets bitDepth to 8 or 16.
// `path` is only for messages. `orientation` (EXIF, 1..8) turns the picture
// upright as image viewers show it: the decoder reads unchanged (to keep 16
// bits and alpha), which would ignore it. Throws ProcessingError.
Tensor decodeImage(const std::vector<unsigned char>& bytes, const std::string& path, int& bitDepth,
                   int orientation = 1);

// The sample depth an image of this extension is written with: 16 when asked
// for and the format has it (png, tif, tiff), else 8.
int outputBitDepth(const std::string& ext, int requestedBitDepth);

// Throws ParameterError when the format cannot hold the shape: N != 1, channels
// not 1, 3 or 4, or an alpha channel for JPEG.
void checkImageShapeForFormat(const std::string& path, const std::string& ext, const Shape4& shape);

// The zlib level (0-9) PNGs are encoded with on this thread while the scope
// lives (batch workers: --png-compression); -1, the default, is the fast
// setting. Built with libdeflate (TCONV_HAVE_LIBDEFLATE) every PNG is written
// by PngWriter (common/PngWriter.h: libdeflate's level of the same number, the
// Paeth filter; fast = level 1); without it by OpenCV, whose fast setting is
// level 1, the SUB filter and the RLE strategy. Pixels are the same at every
// level; only the size and the time change.
class PngCompressionScope {
public:
    explicit PngCompressionScope(int level);
    ~PngCompressionScope();
    PngCompressionScope(const PngCompressionScope&) = delete;
    PngCompressionScope& operator=(const PngCompressionScope&) = delete;

private:
    int previous_;
};

// Clamps to [0, 1] (NaN becomes 0), quantizes with rounding and encodes.
// Throws ProcessingError when the encoder fails.
std::vector<unsigned char> encodeImage(const Tensor& t, const std::string& ext, int bitDepth, const std::string& path);

}  // namespace tconv::app
