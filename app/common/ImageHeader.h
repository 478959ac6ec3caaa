// SPDX-License-Identifier: MIT
#pragma once
// An image's size read from its header alone, before any decoder runs, so that
// a decompression bomb (a small file announcing 30000 x 30000 pixels) is
// refused before it is decoded. PNG, JPEG, TIFF (and BigTIFF), BMP, WebP and
// PNM: the formats tconv reads. Pure byte parsing, no OpenCV.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tconv::app {

struct ImageHeader {
    std::string format;  // "PNG", "JPEG", ...
    int64_t width = 0;   // as stored (before EXIF orientation)
    int64_t height = 0;
    int channels = 0;        // as OpenCV decodes it unchanged (an upper bound where the header cannot tell)
    int bytesPerSample = 1;  // of the decoded samples: 1 or 2 (TIFF may say more)
    int orientation = 1;     // EXIF orientation 1..8 (JPEG); 1 when absent
    // Orientations 5..8 turn the picture a quarter: width and height swap.
    bool swapsAxes() const { return orientation >= 5 && orientation <= 8; }
    int64_t orientedWidth() const { return swapsAxes() ? height : width; }
    int64_t orientedHeight() const { return swapsAxes() ? width : height; }
};

// nullopt when the bytes start with no known signature or the header is cut
// short or malformed.
std::optional<ImageHeader> readImageHeader(const std::vector<unsigned char>& bytes);

// The orientation (1..8) in a JPEG's EXIF (APP1) segment; 1 when there is none
// or it is malformed.
int jpegExifOrientation(const std::vector<unsigned char>& bytes);

}  // namespace tconv::app
