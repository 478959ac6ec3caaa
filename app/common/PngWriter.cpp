// SPDX-License-Identifier: MIT
#include "common/PngWriter.h"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>

#include "core/ConvError.h"

namespace tconv::app {

namespace {

struct CompressorDeleter {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};
using Compressor = std::unique_ptr<libdeflate_compressor, CompressorDeleter>;

// One compressor per thread and level, made on first use (a compressor holds
// its hash tables: allocating one per image would cost more than level 1's
// whole run on a small image). Batch workers are long-lived threads.
libdeflate_compressor* threadCompressor(int level) {
    thread_local std::array<Compressor, 13> compressors;
    Compressor& c = compressors.at(static_cast<size_t>(level));
    if (!c) c.reset(libdeflate_alloc_compressor(level));
    return c.get();
}

struct ThreadFilteredBuffer {
    std::vector<uint8_t> bytes;
    bool taken = false;
};
ThreadFilteredBuffer& threadFilteredBuffer() {
    thread_local ThreadFilteredBuffer buffer;
    return buffer;
}

void putBigEndian32(std::vector<unsigned char>& out, uint32_t v) {
    const unsigned char b[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                                static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
    out.insert(out.end(), b, b + 4);
}

// length, type, data, CRC-32 of type + data.
void appendChunk(std::vector<unsigned char>& out, const char (&type)[5], const unsigned char* data, size_t n) {
    putBigEndian32(out, static_cast<uint32_t>(n));
    const size_t typeAt = out.size();
    out.insert(out.end(), type, type + 4);
    if (n) out.insert(out.end(), data, data + n);
    putBigEndian32(out, libdeflate_crc32(0, out.data() + typeAt, n + 4));
}

// out[i] = raw[i] - predictor(left, up, upper-left), bytes wrapping; "left" of
// the first pixel and "up" of the first row are 0 (prev is all zeros then).
void applyFilter(PngFilter f, const uint8_t* raw, const uint8_t* prev, uint8_t* out, size_t n, size_t bpp) {
    const size_t head = std::min(bpp, n);
    switch (f) {
        case PngFilter::Sub:
            std::memcpy(out, raw, head);
            for (size_t i = bpp; i < n; ++i) out[i] = static_cast<uint8_t>(raw[i] - raw[i - bpp]);
            break;
        case PngFilter::Up:
            for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(raw[i] - prev[i]);
            break;
        case PngFilter::Average:
            for (size_t i = 0; i < head; ++i) out[i] = static_cast<uint8_t>(raw[i] - (prev[i] >> 1));
            for (size_t i = bpp; i < n; ++i)
                out[i] = static_cast<uint8_t>(raw[i] - ((unsigned(raw[i - bpp]) + prev[i]) >> 1));
            break;
        case PngFilter::Paeth:
            for (size_t i = 0; i < head; ++i) out[i] = static_cast<uint8_t>(raw[i] - prev[i]);
            // The predictor without branches, in 16 bits: the compiler vectorizes
            // this form (~4x the speed of the spec's if/else on photo data).
            for (size_t i = bpp; i < n; ++i) {
                const int16_t a = raw[i - bpp], b = prev[i], c = prev[i - bpp];
                const auto pa = static_cast<int16_t>(std::abs(b - c)), pb = static_cast<int16_t>(std::abs(a - c)),
                           pc = static_cast<int16_t>(std::abs(a + b - 2 * c));
                const int16_t bOrC = pb <= pc ? b : c;
                out[i] = static_cast<uint8_t>(raw[i] - (((pa <= pb) & (pa <= pc)) ? a : bOrC));
            }
            break;
        case PngFilter::None:
        case PngFilter::MinSum: std::memcpy(out, raw, n); break;
    }
}

// libpng's heuristic measure: the sum of the bytes read as signed values' magnitudes.
uint64_t signedMagnitudeSum(const uint8_t* p, size_t n) {
    uint64_t s = 0;
    for (size_t i = 0; i < n; ++i) s += p[i] < 128 ? p[i] : 256u - p[i];
    return s;
}

}  // namespace

const char* libdeflateVersion() { return LIBDEFLATE_VERSION_STRING; }

PngSettings pngSettingsForCompression(int compression) {
    if (compression == -1) return {};
    if (compression < 0 || compression > 9)
        throw ParameterError("PNG compression: expected -1 (fast) or a level from 0 to 9, but got " +
                             std::to_string(compression));
    // zlib's numbers mean the same kind of effort in libdeflate (1 fastest, 6
    // default, 9 slow); its levels 10-12 (optimal parsing) are not offered.
    // Paeth gave the smallest files at every level on the benchmark set; a
    // stored stream (0) is as large whatever the filter, None is the cheapest.
    return {compression, compression == 0 ? PngFilter::None : PngFilter::Paeth};
}

PngWriter::PngWriter(int width, int height, int channels, int bitDepth, PngSettings settings, std::string path)
    : width_(width),
      height_(height),
      channels_(channels),
      bitDepth_(bitDepth),
      settings_(settings),
      path_(std::move(path)),
      filtered_(&ownFiltered_) {
    const std::string what = "cannot write '" + path_ + "' as PNG: ";
    if (width < 1 || height < 1)
        throw ParameterError(what + "the image is " + std::to_string(height) + "x" + std::to_string(width) +
                             ", but PNG needs at least one row and one column");
    if (channels < 1 || channels > 4)
        throw ParameterError(what + "expected 1 to 4 channels (gray, gray + alpha, RGB, RGBA), but got " +
                             std::to_string(channels));
    if (bitDepth != 8 && bitDepth != 16)
        throw ParameterError(what + "expected a bit depth of 8 or 16, but got " + std::to_string(bitDepth));
    if (settings.deflateLevel < 0 || settings.deflateLevel > 12)
        throw ParameterError(what + "expected a deflate level from 0 to 12, but got " +
                             std::to_string(settings.deflateLevel));
    if (static_cast<int>(settings.filter) < 0 || static_cast<int>(settings.filter) > 5)
        throw ParameterError(what + "unknown filter " + std::to_string(static_cast<int>(settings.filter)));
    bytesPerPixel_ = static_cast<size_t>(channels) * static_cast<size_t>(bitDepth / 8);
    rowBytes_ = bytesPerPixel_ * static_cast<size_t>(width);
    const size_t total = (rowBytes_ + 1) * static_cast<size_t>(height);
    ThreadFilteredBuffer& shared = threadFilteredBuffer();
    if (!shared.taken && total <= kPngReusedBufferBytes) filtered_ = &shared.bytes;
    try {
        raw_.assign(rowBytes_, 0);
        prevRaw_.assign(rowBytes_, 0);
        filtered_->resize(total);
    } catch (const std::bad_alloc&) {
        throw ProcessingError(what + "out of memory for the " + std::to_string(total >> 20) + " MiB of filtered rows");
    }
    if (filtered_ == &shared.bytes) shared.taken = true;
}

PngWriter::~PngWriter() {
    if (filtered_ != &ownFiltered_) threadFilteredBuffer().taken = false;
}

void PngWriter::addRow(const void* samples) {
    if (rowsAdded_ >= height_)
        throw std::logic_error("PngWriter::addRow: all " + std::to_string(height_) + " rows were added already");
    if (bitDepth_ == 8) {
        std::memcpy(raw_.data(), samples, rowBytes_);
    } else {
        const auto* s = static_cast<const uint16_t*>(samples);
        const size_t n = rowBytes_ / 2;
        for (size_t i = 0; i < n; ++i) {
            raw_[2 * i] = static_cast<uint8_t>(s[i] >> 8);
            raw_[2 * i + 1] = static_cast<uint8_t>(s[i]);
        }
    }
    uint8_t* out = filtered_->data() + static_cast<size_t>(rowsAdded_) * (rowBytes_ + 1);
    filterRow(raw_.data(), prevRaw_.data(), out);
    raw_.swap(prevRaw_);
    ++rowsAdded_;
}

void PngWriter::filterRow(const uint8_t* raw, const uint8_t* prev, uint8_t* out) const {
    if (settings_.filter != PngFilter::MinSum) {
        out[0] = static_cast<uint8_t>(settings_.filter);
        applyFilter(settings_.filter, raw, prev, out + 1, rowBytes_, bytesPerPixel_);
        return;
    }
    thread_local std::vector<uint8_t> trial;
    trial.resize(rowBytes_);
    uint64_t best = UINT64_MAX;
    for (PngFilter f : {PngFilter::None, PngFilter::Sub, PngFilter::Up, PngFilter::Average, PngFilter::Paeth}) {
        applyFilter(f, raw, prev, trial.data(), rowBytes_, bytesPerPixel_);
        const uint64_t sum = signedMagnitudeSum(trial.data(), rowBytes_);
        if (sum < best) {
            best = sum;
            out[0] = static_cast<uint8_t>(f);
            std::memcpy(out + 1, trial.data(), rowBytes_);
        }
    }
}

std::vector<unsigned char> PngWriter::finish() {
    if (rowsAdded_ != height_)
        throw std::logic_error("PngWriter::finish: " + std::to_string(rowsAdded_) + " of " + std::to_string(height_) +
                               " rows were added");
    const std::string what = "cannot write '" + path_ + "' as PNG: ";
    libdeflate_compressor* compressor = threadCompressor(settings_.deflateLevel);
    if (!compressor) throw ProcessingError(what + "out of memory for the deflate compressor");
    const size_t inBytes = (rowBytes_ + 1) * static_cast<size_t>(height_);
    const size_t bound = libdeflate_zlib_compress_bound(compressor, inBytes);
    const size_t idatChunks = bound / kPngIdatChunkBytes + 1;
    std::vector<unsigned char> out;
    thread_local std::vector<unsigned char> threadZlib;
    std::vector<unsigned char> ownZlib;
    std::vector<unsigned char>& zlib = bound <= kPngReusedBufferBytes ? threadZlib : ownZlib;
    try {
        zlib.resize(bound);
        out.reserve(8 + 25 + bound + 12 * idatChunks + 12);
    } catch (const std::bad_alloc&) {
        throw ProcessingError(what + "out of memory for the " + std::to_string(bound >> 20) + " MiB compressed image");
    }
    const size_t zlibBytes = libdeflate_zlib_compress(compressor, filtered_->data(), inBytes, zlib.data(), bound);
    if (zlibBytes == 0) throw ProcessingError(what + "the deflate compressor failed");

    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    out.insert(out.end(), signature, signature + 8);
    static const unsigned char colorTypes[5] = {0, 0, 4, 2, 6};  // by channel count
    unsigned char ihdr[13] = {0};
    for (int i = 0; i < 4; ++i) {
        ihdr[i] = static_cast<unsigned char>(static_cast<uint32_t>(width_) >> (24 - 8 * i));
        ihdr[4 + i] = static_cast<unsigned char>(static_cast<uint32_t>(height_) >> (24 - 8 * i));
    }
    ihdr[8] = static_cast<unsigned char>(bitDepth_);
    ihdr[9] = colorTypes[channels_];  // compression, filter method, interlace: 0
    appendChunk(out, "IHDR", ihdr, sizeof ihdr);
    for (size_t at = 0; at < zlibBytes; at += kPngIdatChunkBytes)
        appendChunk(out, "IDAT", zlib.data() + at, std::min(kPngIdatChunkBytes, zlibBytes - at));
    appendChunk(out, "IEND", nullptr, 0);
    return out;
}

}  // namespace tconv::app
