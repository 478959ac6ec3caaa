// SPDX-License-Identifier: MIT
#include "common/ImageHeader.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace tconv::app {
namespace {

using Bytes = std::vector<unsigned char>;

// Bounds-checked big/little-endian reads; `ok` turns false on a short buffer.
struct Reader {
    const Bytes& b;
    bool little = false;
    bool ok = true;
    uint64_t get(size_t at, int n) {
        if (at > b.size() || b.size() - at < size_t(n)) {
            ok = false;
            return 0;
        }
        uint64_t v = 0;
        for (int i = 0; i < n; ++i) v |= uint64_t(b[at + size_t(little ? i : n - 1 - i)]) << (8 * i);
        return v;
    }
};

bool startsWith(const Bytes& b, const char* sig, size_t n) {
    return b.size() >= n && std::memcmp(b.data(), sig, n) == 0;
}

std::optional<ImageHeader> png(const Bytes& b) {
    Reader r{b};
    ImageHeader h;
    h.format = "PNG";
    if (r.get(12, 4) != 0x49484452) return std::nullopt;  // "IHDR" first
    h.width = int64_t(r.get(16, 4));
    h.height = int64_t(r.get(20, 4));
    const int depth = int(r.get(24, 1)), type = int(r.get(25, 1));
    if (!r.ok) return std::nullopt;
    bool trns = false;  // a transparency chunk before the data adds an alpha channel
    for (size_t at = 8; r.ok;) {
        const uint64_t len = r.get(at, 4), tag = r.get(at + 4, 4);
        if (!r.ok || tag == 0x49444154) break;  // "IDAT"
        if (tag == 0x74524E53) trns = true;     // "tRNS"
        if (len > b.size()) break;
        at += 12 + size_t(len);
    }
    h.bytesPerSample = depth == 16 ? 2 : 1;
    switch (type) {
        case 0: h.channels = trns ? 4 : 1; break;
        case 2:
        case 3: h.channels = trns ? 4 : 3; break;
        default: h.channels = 4; break;  // gray+alpha (decoded as BGRA) and RGBA
    }
    return h;
}

std::optional<ImageHeader> jpeg(const Bytes& b) {
    Reader r{b};
    for (size_t at = 2; r.ok;) {
        if (r.get(at, 1) != 0xFF) return std::nullopt;
        const int marker = int(r.get(at + 1, 1));
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            at += 2;
            continue;
        }
        const size_t len = size_t(r.get(at + 2, 2));
        if (!r.ok || len < 2) return std::nullopt;
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            ImageHeader h;
            h.format = "JPEG";
            h.height = int64_t(r.get(at + 5, 2));
            h.width = int64_t(r.get(at + 7, 2));
            const int comps = int(r.get(at + 9, 1));
            if (!r.ok) return std::nullopt;
            h.channels = comps == 1 ? 1 : 3;  // CMYK and YCCK are decoded to BGR
            h.orientation = jpegExifOrientation(b);
            return h;
        }
        if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan before any frame header
        at += 2 + len;
    }
    return std::nullopt;
}

std::optional<ImageHeader> tiff(const Bytes& b) {
    Reader r{b, b[0] == 'I'};
    const bool big = r.get(2, 2) == 43;
    const size_t ifd = size_t(big ? r.get(8, 8) : r.get(4, 4));
    const uint64_t count = big ? r.get(ifd, 8) : r.get(ifd, 2);
    if (!r.ok || count == 0 || count > 4096) return std::nullopt;
    ImageHeader h;
    h.format = "TIFF";
    h.channels = 1;
    int bits = 8;
    const size_t first = ifd + (big ? 8 : 2), entry = big ? 20 : 12;
    for (uint64_t i = 0; i < count && r.ok; ++i) {
        const size_t e = first + size_t(i) * entry;
        const uint64_t tag = r.get(e, 2), type = r.get(e + 2, 2);
        const size_t value = e + (big ? 12 : 8);
        const uint64_t v = type == 3 ? r.get(value, 2) : type == 4 ? r.get(value, 4) : type == 16 ? r.get(value, 8) : 0;
        if (tag == 256) h.width = int64_t(v);
        else if (tag == 257) h.height = int64_t(v);
        else if (tag == 277) h.channels = int(std::clamp<uint64_t>(v, 1, 4));
        else if (tag == 258) {
            // With several samples the values do not fit the entry and it holds
            // their offset; the first sample's depth is enough.
            const uint64_t n = r.get(e + 4, big ? 8 : 4);
            const size_t at = n * 2 <= (big ? 8u : 4u) ? value : size_t(r.get(value, big ? 8 : 4));
            bits = int(r.get(at, 2));
        }
    }
    if (!r.ok) return std::nullopt;
    h.bytesPerSample = std::clamp((bits + 7) / 8, 1, 8);
    return h;
}

std::optional<ImageHeader> bmp(const Bytes& b) {
    Reader r{b, true};
    const uint64_t dib = r.get(14, 4);
    ImageHeader h;
    h.format = "BMP";
    int bits = 0;
    if (dib == 12) {
        h.width = int64_t(r.get(18, 2));
        h.height = int64_t(r.get(20, 2));
        bits = int(r.get(24, 2));
    } else {
        h.width = int64_t(int32_t(uint32_t(r.get(18, 4))));
        const int32_t hh = int32_t(uint32_t(r.get(22, 4)));
        h.height = hh < 0 ? -int64_t(hh) : hh;  // negative: stored top-down
        bits = int(r.get(28, 2));
    }
    if (!r.ok) return std::nullopt;
    h.channels = bits == 32 ? 4 : 3;
    return h;
}

std::optional<ImageHeader> webp(const Bytes& b) {
    Reader r{b, true};
    ImageHeader h;
    h.format = "WebP";
    if (std::memcmp(b.data() + 12, "VP8X", 4) == 0) {
        h.channels = (r.get(20, 1) & 0x10) ? 4 : 3;
        h.width = int64_t(r.get(24, 3)) + 1;
        h.height = int64_t(r.get(27, 3)) + 1;
    } else if (std::memcmp(b.data() + 12, "VP8L", 4) == 0) {
        const uint64_t bits = r.get(21, 4);
        h.width = int64_t(bits & 0x3FFF) + 1;
        h.height = int64_t((bits >> 14) & 0x3FFF) + 1;
        h.channels = (bits >> 28) & 1 ? 4 : 3;
    } else if (std::memcmp(b.data() + 12, "VP8 ", 4) == 0) {
        h.width = int64_t(r.get(26, 2) & 0x3FFF);
        h.height = int64_t(r.get(28, 2) & 0x3FFF);
        h.channels = 3;
    } else {
        return std::nullopt;
    }
    if (!r.ok) return std::nullopt;
    return h;
}

// P1..P6: magic, then width, height (and maxval except for bitmaps), separated
// by whitespace and '#' comments.
std::optional<ImageHeader> pnm(const Bytes& b) {
    const char kind = char(b[1]);
    size_t at = 2;
    int64_t values[3] = {0, 0, 255};
    const int wanted = (kind == '1' || kind == '4') ? 2 : 3;
    for (int i = 0; i < wanted; ++i) {
        for (;;) {
            while (at < b.size() && std::isspace(b[at])) ++at;
            if (at < b.size() && b[at] == '#') {
                while (at < b.size() && b[at] != '\n') ++at;
                continue;
            }
            break;
        }
        if (at >= b.size() || !std::isdigit(b[at])) return std::nullopt;
        int64_t v = 0;
        while (at < b.size() && std::isdigit(b[at]) && v < (int64_t(1) << 40)) v = v * 10 + (b[at++] - '0');
        values[i] = v;
    }
    ImageHeader h;
    h.format = "PNM";
    h.width = values[0];
    h.height = values[1];
    h.channels = (kind == '3' || kind == '6') ? 3 : 1;
    h.bytesPerSample = values[2] > 255 ? 2 : 1;
    return h;
}

}  // namespace

int jpegExifOrientation(const Bytes& b) {
    Reader r{b};
    for (size_t at = 2; r.ok && r.get(at, 1) == 0xFF;) {
        const int marker = int(r.get(at + 1, 1));
        if (marker == 0xDA || marker == 0xD9) break;
        const size_t len = size_t(r.get(at + 2, 2));
        if (!r.ok || len < 2) break;
        if (marker == 0xE1 && len >= 16 && at + 4 + 6 <= b.size() &&
            std::memcmp(b.data() + at + 4, "Exif\0\0", 6) == 0) {
            const size_t tiff = at + 10, end = std::min(b.size(), at + 2 + len);
            Reader t{b, r.get(tiff, 1) == 'I'};
            const size_t ifd = tiff + size_t(t.get(tiff + 4, 4));
            const uint64_t count = t.get(ifd, 2);
            for (uint64_t i = 0; t.ok && i < count; ++i) {
                const size_t e = ifd + 2 + size_t(i) * 12;
                if (e + 12 > end) break;
                if (t.get(e, 2) == 0x0112) {  // Orientation, a SHORT
                    const int v = int(t.get(e + 8, 2));
                    return t.ok && v >= 1 && v <= 8 ? v : 1;
                }
            }
            return 1;
        }
        at += 2 + len;
    }
    return 1;
}

std::optional<ImageHeader> readImageHeader(const Bytes& b) {
    std::optional<ImageHeader> h;
    if (startsWith(b, "\x89PNG\r\n\x1a\n", 8)) h = png(b);
    else if (startsWith(b, "\xFF\xD8\xFF", 3)) h = jpeg(b);
    else if (startsWith(b, "II*\0", 4) || startsWith(b, "MM\0*", 4) || startsWith(b, "II+\0", 4) ||
             startsWith(b, "MM\0+", 4))
        h = tiff(b);
    else if (startsWith(b, "BM", 2)) h = bmp(b);
    else if (startsWith(b, "RIFF", 4) && b.size() >= 16 && std::memcmp(b.data() + 8, "WEBP", 4) == 0) h = webp(b);
    else if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2])) h = pnm(b);
    if (h && (h->width <= 0 || h->height <= 0)) return std::nullopt;
    return h;
}

}  // namespace tconv::app
