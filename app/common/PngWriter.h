// SPDX-License-Identifier: MIT
#pragma once
// A PNG encoder on libdeflate, for ImageCodec's PNG outputs: zlib's deflate
// (what OpenCV's encoder runs, through libpng) was about half of a batch's CPU
// time, and libdeflate compresses the same filtered rows several times faster
// at a similar size (docs/benchmarks.md, "Batch"). OpenCV- and Qt-free; built
// only with libdeflate (TCONV_HAVE_LIBDEFLATE, cmake/TConvDeflate.cmake).
//
// Output: signature, IHDR (no interlace), the zlib stream in IDAT chunks of at
// most kPngIdatChunkBytes, IEND; no ancillary chunks (OpenCV writes none either).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tconv::app {

// The per-row filter (PNG spec, section 9). Every row of an image gets the
// same one, except MinSum, libpng's heuristic: per row, the filter whose
// output has the smallest sum of absolute (signed) bytes.
enum class PngFilter { None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4, MinSum = 5 };

// --png-compression's -1 ('fast', the default) and 0-9 in libdeflate terms.
// 'fast' is level 1 with the Paeth filter: on the benchmark set (batch
// outputs, docs/benchmarks.md) it encodes in under half of OpenCV's fast
// setting's CPU time for files ~1% larger; nothing libdeflate offers is both
// faster and no larger (level 2 is smaller but no faster than OpenCV).
struct PngSettings {
    int deflateLevel = 1;  // libdeflate's scale, 0 (stored) to 12
    PngFilter filter = PngFilter::Paeth;
};
PngSettings pngSettingsForCompression(int compression);

// "1.14": the libdeflate version built against.
const char* libdeflateVersion();

inline constexpr size_t kPngIdatChunkBytes = size_t(1) << 20;
inline constexpr size_t kPngReusedBufferBytes = size_t(64) << 20;

// Encodes one image row by row, top to bottom:
//   PngWriter png(w, h, 3, 16, settings, path);
//   for each row: png.addRow(samples);   // w * 3 uint16_t, R G B R G B ...
//   std::vector<unsigned char> bytes = png.finish();
// channels: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA, interleaved in that order;
// bitDepth 8 (uint8_t samples) or 16 (uint16_t, native byte order: the writer
// stores them big-endian). `path` is only for messages. The constructor throws
// ParameterError naming a bad size, channel count, depth or level; addRow past
// the last row and finish before it throw std::logic_error (a caller's bug);
// finish throws ProcessingError when memory or the compressor fail. The
// filtered rows go to a buffer the thread's next image reuses (saves the page
// faults of a fresh one per image) unless another writer of the thread holds
// it or the image needs more than kPngReusedBufferBytes.
class PngWriter {
public:
    PngWriter(int width, int height, int channels, int bitDepth, PngSettings settings, std::string path);
    ~PngWriter();
    PngWriter(const PngWriter&) = delete;
    PngWriter& operator=(const PngWriter&) = delete;

    void addRow(const void* samples);
    std::vector<unsigned char> finish();

private:
    void filterRow(const uint8_t* raw, const uint8_t* prev, uint8_t* out) const;

    int width_, height_, channels_, bitDepth_;
    PngSettings settings_;
    std::string path_;
    size_t rowBytes_;       // bytes of one unfiltered row
    size_t bytesPerPixel_;  // the filters' "bpp": channels * bitDepth / 8
    int rowsAdded_ = 0;
    std::vector<uint8_t> raw_, prevRaw_;  // this and the previous row, big-endian samples
    std::vector<uint8_t> ownFiltered_;
    std::vector<uint8_t>* filtered_;  // per row: filter type byte + filtered bytes; the thread's or ownFiltered_
};

}  // namespace tconv::app
