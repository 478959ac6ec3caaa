// SPDX-License-Identifier: MIT
// PNG outputs: PngWriter (libdeflate) against independent references -- the
// filtered bytes of small images computed by hand (read back from a stored
// zlib stream parsed here), the chunk layout with CRC-32 and Adler-32 computed
// here bit by bit, and OpenCV's decoder reading seeded random images of every
// depth, channel count and filter back bit for bit -- and ImageCodec's PNG
// path (whatever encoder the build has) decoding to exactly the pixels of
// OpenCV's own encoder at every --png-compression level. Bad inputs too.
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/ImageCodec.h"
#include "core/ConvError.h"
#include "core/Tensor.h"

#ifdef TCONV_HAVE_LIBDEFLATE
#include "common/PngWriter.h"
#endif
#ifdef TCONV_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

using namespace tconv;
using namespace tconv::app;

namespace {

using Bytes = std::vector<unsigned char>;

#ifdef TCONV_HAVE_LIBDEFLATE
uint32_t bigEndian32(const Bytes& b, size_t at) {
    return uint32_t(b.at(at)) << 24 | uint32_t(b.at(at + 1)) << 16 | uint32_t(b.at(at + 2)) << 8 | b.at(at + 3);
}

// CRC-32 (PNG, zlib: reflected polynomial 0xEDB88320), one bit at a time.
uint32_t crc32Reference(const unsigned char* p, size_t n) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        crc ^= p[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

uint32_t adler32Reference(const Bytes& data) {
    uint32_t a = 1, b = 0;
    for (unsigned char c : data) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

struct Chunk {
    std::string type;
    Bytes data;
};

// Splits a PNG into its chunks, failing the test on a bad signature, length or CRC.
std::vector<Chunk> chunksOf(const Bytes& png) {
    std::vector<Chunk> out;
    const Bytes signature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (png.size() < 8 || !std::equal(signature.begin(), signature.end(), png.begin())) {
        qWarning("no PNG signature");
        return {};
    }
    for (size_t at = 8; at < png.size();) {
        const uint32_t n = bigEndian32(png, at);
        if (at + 12 + n > png.size()) {
            qWarning("chunk at %zu runs past the end", at);
            return {};
        }
        const uint32_t crc = bigEndian32(png, at + 8 + n);
        if (crc != crc32Reference(png.data() + at + 4, n + 4)) {
            qWarning("bad CRC in chunk at %zu", at);
            return {};
        }
        out.push_back({std::string(png.begin() + long(at) + 4, png.begin() + long(at) + 8),
                       Bytes(png.begin() + long(at) + 8, png.begin() + long(at) + 8 + n)});
        at += 12 + n;
    }
    return out;
}

// The inflated payload of a zlib stream made of stored (uncompressed) blocks
// only, as level 0 writes; checks the header and the Adler-32.
Bytes storedZlibPayload(const Bytes& z) {
    Bytes out;
    if (z.size() < 6 || (z[0] & 0x0F) != 8 || ((z[0] << 8) | z[1]) % 31 != 0) {
        qWarning("not a zlib header");
        return {};
    }
    size_t at = 2;
    for (bool last = false; !last;) {
        if (at + 5 > z.size() || (z[at] & 0x06) != 0) {
            qWarning("not a stored block at %zu", at);
            return {};
        }
        last = z[at] & 1;
        const size_t len = size_t(z[at + 1]) | size_t(z[at + 2]) << 8;
        const size_t nlen = size_t(z[at + 3]) | size_t(z[at + 4]) << 8;
        if ((len ^ 0xFFFF) != nlen || at + 5 + len > z.size()) {
            qWarning("bad stored block length at %zu", at);
            return {};
        }
        out.insert(out.end(), z.begin() + long(at) + 5, z.begin() + long(at + 5 + len));
        at += 5 + len;
    }
    const Bytes tail(z.begin() + long(at), z.end());
    if (tail.size() != 4 || bigEndian32(tail, 0) != adler32Reference(out)) {
        qWarning("bad Adler-32");
        return {};
    }
    return out;
}

template <typename T>
Bytes encodeRows(const std::vector<T>& samples, int w, int h, int c, PngSettings settings) {
    PngWriter png(w, h, c, sizeof(T) * 8, settings, "test.png");
    for (int y = 0; y < h; ++y) png.addRow(samples.data() + size_t(y) * size_t(w) * size_t(c));
    return png.finish();
}

// The concatenated IDAT payloads, inflated (level 0 only).
Bytes filteredBytes(const Bytes& png) {
    Bytes z;
    for (const Chunk& ch : chunksOf(png))
        if (ch.type == "IDAT") z.insert(z.end(), ch.data.begin(), ch.data.end());
    return storedZlibPayload(z);
}
#endif

#ifdef TCONV_HAVE_OPENCV
// Seeded samples: uniform noise, or a smooth ramp with a little noise (what
// deflate finds matches in), interleaved R, G, B(, A).
template <typename T>
std::vector<T> seededSamples(int w, int h, int c, unsigned seed, bool smooth) {
    const int maxValue = sizeof(T) == 1 ? 255 : 65535;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> any(0, maxValue), jitter(-2, 2);
    std::vector<T> v(size_t(w) * size_t(h) * size_t(c));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < c; ++ch) {
                int s = any(rng);
                if (smooth) s = std::clamp((x * 7 + y * 3 + ch * 50) * maxValue / 2000 + jitter(rng), 0, maxValue);
                v[(size_t(y) * size_t(w) + size_t(x)) * size_t(c) + size_t(ch)] = T(s);
            }
    return v;
}

// The same samples as OpenCV holds them: B, G, R(, A).
template <typename T>
cv::Mat asOpenCvMat(const std::vector<T>& v, int w, int h, int c) {
    cv::Mat m(h, w, CV_MAKETYPE(sizeof(T) == 1 ? CV_8U : CV_16U, c));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int ch = 0; ch < c; ++ch) {
                const int cvChannel = (c >= 3 && ch < 3) ? 2 - ch : ch;
                m.ptr<T>(y)[x * c + cvChannel] = v[(size_t(y) * size_t(w) + size_t(x)) * size_t(c) + size_t(ch)];
            }
    return m;
}

bool samePixels(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && (a.empty() || cv::norm(a, b, cv::NORM_INF) == 0);
}
#endif

}  // namespace

class TestBatchPng : public QObject {
    Q_OBJECT
private slots:
    void filtersHandChecked();
    void sixteenBitIsBigEndian();
    void layoutAndChecksums();
    void roundTripEveryShapeDepthAndFilter();
    void badInputsNameTheValue();
    void encodeImageMatchesOpenCvEncoder();
};

void TestBatchPng::filtersHandChecked() {
#ifndef TCONV_HAVE_LIBDEFLATE
    QSKIP("built without libdeflate: PNGs are written by OpenCV");
#else
    // Gray 3x2: rows [10 20 15], [12 30 5]; bytes wrap modulo 256.
    const std::vector<uint8_t> img{10, 20, 15, 12, 30, 5};
    const std::vector<std::pair<PngFilter, Bytes>> cases{
        {PngFilter::None, {0, 10, 20, 15, 0, 12, 30, 5}},
        {PngFilter::Sub, {1, 10, 10, 251, 1, 12, 18, 231}},
        {PngFilter::Up, {2, 10, 20, 15, 2, 2, 10, 246}},
        // 20 - (10 + 0) / 2 = 15; 30 - (12 + 20) / 2 = 14; 5 - (30 + 15) / 2 = -17
        {PngFilter::Average, {3, 10, 15, 5, 3, 7, 14, 239}},
        // Row 2: predictors up (10: |a-c| = 0 smallest), up (20), left (30: pa = 5 <= pb = 10, pc = 5).
        {PngFilter::Paeth, {4, 10, 10, 251, 4, 2, 10, 231}},
        // Smallest |signed| sum per row: Sub (25, first of the tie with Paeth), then Up (22).
        {PngFilter::MinSum, {1, 10, 10, 251, 2, 2, 10, 246}},
    };
    for (const auto& [filter, want] : cases)
        QCOMPARE(filteredBytes(encodeRows(img, 3, 2, 1, PngSettings{0, filter})), want);
    // RGB: the filters reach back one pixel (3 bytes), not one byte.
    const std::vector<uint8_t> rgb{1, 2, 3, 11, 22, 33};
    QCOMPARE(filteredBytes(encodeRows(rgb, 2, 1, 3, PngSettings{0, PngFilter::Sub})), (Bytes{1, 1, 2, 3, 10, 20, 30}));
#endif
}

void TestBatchPng::sixteenBitIsBigEndian() {
#ifndef TCONV_HAVE_LIBDEFLATE
    QSKIP("built without libdeflate");
#else
    const std::vector<uint16_t> img{0x1234, 0xABCD};
    QCOMPARE(filteredBytes(encodeRows(img, 2, 1, 1, PngSettings{0, PngFilter::None})),
             (Bytes{0, 0x12, 0x34, 0xAB, 0xCD}));
    // Sub on 16-bit gray: bpp 2, so each byte minus the same byte of the previous sample.
    QCOMPARE(filteredBytes(encodeRows(img, 2, 1, 1, PngSettings{0, PngFilter::Sub})),
             (Bytes{1, 0x12, 0x34, 0x99, 0x99}));
#endif
}

void TestBatchPng::layoutAndChecksums() {
#ifndef TCONV_HAVE_LIBDEFLATE
    QSKIP("built without libdeflate");
#else
    struct Case {
        int w, h, c, depth;
        unsigned char colorType;
    };
    for (const Case& k : {Case{5, 3, 1, 8, 0}, Case{5, 3, 2, 16, 4}, Case{1, 1, 3, 8, 2}, Case{7, 2, 4, 16, 6}}) {
        const std::vector<uint16_t> samples(size_t(k.w) * size_t(k.h) * size_t(k.c), 7);
        Bytes png;
        if (k.depth == 16) png = encodeRows(samples, k.w, k.h, k.c, PngSettings{});
        else png = encodeRows(std::vector<uint8_t>(samples.begin(), samples.end()), k.w, k.h, k.c, PngSettings{});
        const std::vector<Chunk> chunks = chunksOf(png);
        QVERIFY(chunks.size() >= 3);
        QCOMPARE(chunks.front().type, std::string("IHDR"));
        QCOMPARE(chunks.back().type, std::string("IEND"));
        QVERIFY(chunks.back().data.empty());
        const Bytes ihdr = chunks.front().data;
        QCOMPARE(ihdr.size(), size_t(13));
        QCOMPARE(bigEndian32(ihdr, 0), uint32_t(k.w));
        QCOMPARE(bigEndian32(ihdr, 4), uint32_t(k.h));
        QCOMPARE(Bytes(ihdr.begin() + 8, ihdr.end()), (Bytes{(unsigned char)k.depth, k.colorType, 0, 0, 0}));
    }
    // 800x700 RGB stored: 1.68 MB of zlib stream in IDATs of at most 1 MiB, in order.
    const int w = 800, h = 700;
    std::vector<uint8_t> big(size_t(w) * h * 3);
    std::mt19937 rng(3);
    for (uint8_t& b : big) b = uint8_t(rng());
    const Bytes png = encodeRows(big, w, h, 3, PngSettings{0, PngFilter::None});
    int idats = 0;
    for (const Chunk& ch : chunksOf(png))
        if (ch.type == "IDAT") {
            ++idats;
            QVERIFY(ch.data.size() <= kPngIdatChunkBytes);
        }
    QCOMPARE(idats, 2);
    const Bytes filtered = filteredBytes(png);
    QCOMPARE(filtered.size(), size_t(h) * (size_t(w) * 3 + 1));
    for (int y = 0; y < h; y += 233) {
        const size_t row = size_t(y) * (size_t(w) * 3 + 1);
        QCOMPARE(filtered[row], (unsigned char)0);
        QVERIFY(std::equal(big.begin() + long(y) * w * 3, big.begin() + long(y + 1) * w * 3,
                           filtered.begin() + long(row) + 1));
    }
#endif
}

void TestBatchPng::roundTripEveryShapeDepthAndFilter() {
#if !defined(TCONV_HAVE_LIBDEFLATE) || !defined(TCONV_HAVE_OPENCV)
    QSKIP("built without libdeflate or OpenCV");
#else
    // 1x1, one row, one column, widths that are not a multiple of 4, a larger one.
    const std::vector<std::pair<int, int>> sizes{{1, 1}, {13, 1}, {1, 9}, {5, 3}, {7, 6}, {321, 203}};
    const std::vector<PngSettings> settings{{},
                                            {0, PngFilter::None},
                                            {1, PngFilter::Sub},
                                            {2, PngFilter::Up},
                                            {6, PngFilter::Average},
                                            {1, PngFilter::Paeth},
                                            {9, PngFilter::MinSum}};
    unsigned seed = 0;
    for (const auto& [w, h] : sizes)
        for (int c : {1, 2, 3, 4})
            for (const PngSettings& s : settings) {
                ++seed;
                const bool smooth = seed % 2 == 0;
                const std::vector<uint8_t> s8 = seededSamples<uint8_t>(w, h, c, seed, smooth);
                const std::vector<uint16_t> s16 = seededSamples<uint16_t>(w, h, c, seed, smooth);
                const cv::Mat d8 = cv::imdecode(encodeRows(s8, w, h, c, s), cv::IMREAD_UNCHANGED);
                const cv::Mat d16 = cv::imdecode(encodeRows(s16, w, h, c, s), cv::IMREAD_UNCHANGED);
                const QString what = QString("%1x%2, %3 channels, level %4 filter %5, seed %6")
                                         .arg(w)
                                         .arg(h)
                                         .arg(c)
                                         .arg(s.deflateLevel)
                                         .arg(int(s.filter))
                                         .arg(seed);
                // OpenCV reads gray + alpha as BGRA; compare the 1, 3 and 4 channel images exactly.
                if (c == 2) {
                    QVERIFY2(d8.channels() == 4 && d8.depth() == CV_8U && d16.depth() == CV_16U, qPrintable(what));
                    continue;
                }
                QVERIFY2(samePixels(d8, asOpenCvMat(s8, w, h, c)), qPrintable("8-bit " + what));
                QVERIFY2(samePixels(d16, asOpenCvMat(s16, w, h, c)), qPrintable("16-bit " + what));
            }
#endif
}

void TestBatchPng::badInputsNameTheValue() {
#ifndef TCONV_HAVE_LIBDEFLATE
    QSKIP("built without libdeflate");
#else
    auto refusal = [](int w, int h, int c, int depth, PngSettings s) {
        try {
            PngWriter png(w, h, c, depth, s, "bad.png");
        } catch (const ParameterError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    auto says = [](const std::string& msg, const char* words) {
        return msg.find("cannot write 'bad.png' as PNG") != std::string::npos && msg.find(words) != std::string::npos;
    };
    QVERIFY2(says(refusal(0, 5, 3, 8, {}), "5x0"), qPrintable(QString::fromStdString(refusal(0, 5, 3, 8, {}))));
    QVERIFY(says(refusal(4, -1, 3, 8, {}), "-1x4"));
    QVERIFY(says(refusal(4, 4, 5, 8, {}), "but got 5"));
    QVERIFY(says(refusal(4, 4, 0, 8, {}), "but got 0"));
    QVERIFY(says(refusal(4, 4, 3, 12, {}), "bit depth of 8 or 16, but got 12"));
    QVERIFY(says(refusal(4, 4, 3, 8, {13, PngFilter::Sub}), "deflate level from 0 to 12, but got 13"));
    QVERIFY(says(refusal(4, 4, 3, 8, {-1, PngFilter::Sub}), "but got -1"));
    QVERIFY(says(refusal(4, 4, 3, 8, {1, PngFilter(9)}), "unknown filter 9"));
    for (int level : {-2, 10}) {
        try {
            (void)pngSettingsForCompression(level);
            QFAIL("level accepted");
        } catch (const ParameterError& e) {
            QVERIFY2(std::string(e.what()).find("but got " + std::to_string(level)) != std::string::npos, e.what());
        }
    }
    QCOMPARE(pngSettingsForCompression(-1).deflateLevel, 1);
    QCOMPARE(pngSettingsForCompression(9).deflateLevel, 9);
    // Misuse by the caller: rows past the last, finishing early.
    const std::vector<uint8_t> row(4, 0);
    PngWriter early(4, 2, 1, 8, {}, "bad.png");
    early.addRow(row.data());
    QVERIFY_THROWS_EXCEPTION(std::logic_error, early.finish());
    PngWriter extra(4, 1, 1, 8, {}, "bad.png");
    extra.addRow(row.data());
    QVERIFY_THROWS_EXCEPTION(std::logic_error, extra.addRow(row.data()));
    // Two writers alive on one thread: the second gets its own buffer, both images stay intact.
    PngWriter a(4, 1, 1, 8, {}, "a.png"), b(4, 1, 1, 8, {}, "b.png");
    const std::vector<uint8_t> ra{1, 2, 3, 4}, rb{9, 8, 7, 6};
    a.addRow(ra.data());
    b.addRow(rb.data());
    QCOMPARE(filteredBytes(encodeRows(ra, 4, 1, 1, {0, PngFilter::None})), (Bytes{0, 1, 2, 3, 4}));
#ifdef TCONV_HAVE_OPENCV
    QVERIFY(samePixels(cv::imdecode(a.finish(), cv::IMREAD_UNCHANGED), asOpenCvMat(ra, 4, 1, 1)));
    QVERIFY(samePixels(cv::imdecode(b.finish(), cv::IMREAD_UNCHANGED), asOpenCvMat(rb, 4, 1, 1)));
#endif
#endif
}

// What every caller gets (saveImage, the batch): ImageCodec's PNG bytes decode
// to exactly the pixels OpenCV's own encoder writes for the same quantized
// samples, at the default and at explicit levels, 8 and 16 bits, 1/3/4 channels.
void TestBatchPng::encodeImageMatchesOpenCvEncoder() {
#ifndef TCONV_HAVE_OPENCV
    QSKIP("built without OpenCV");
#else
#ifdef TCONV_HAVE_LIBDEFLATE
    QVERIFY2(pngEncoderName().rfind("libdeflate 1.", 0) == 0, pngEncoderName().c_str());
#else
    QVERIFY2(pngEncoderName().rfind("OpenCV 4.", 0) == 0, pngEncoderName().c_str());
#endif
    unsigned seed = 100;
    for (const auto& [w, h] : std::vector<std::pair<int, int>>{{1, 1}, {1, 17}, {11, 1}, {37, 29}})
        for (int c : {1, 3, 4})
            for (int depth : {8, 16})
                for (int level : {-1, 0, 1, 9}) {
                    Tensor t(Shape4{1, c, h, w});
                    std::mt19937 rng(++seed);
                    std::uniform_real_distribution<float> u(-0.1f, 1.1f);  // clamped: 0 and max occur
                    for (float& v : t.storage()) v = u(rng);
                    Bytes ours;
                    {
                        PngCompressionScope scope(level);
                        ours = encodeImage(t, ".png", depth, "t.png");
                    }
                    // The reference: clamp, round half up, in double; BGR(A) for OpenCV.
                    const double maxValue = depth == 16 ? 65535.0 : 255.0;
                    cv::Mat want(h, w, CV_MAKETYPE(depth == 16 ? CV_16U : CV_8U, c));
                    for (int ch = 0; ch < c; ++ch)
                        for (int y = 0; y < h; ++y)
                            for (int x = 0; x < w; ++x) {
                                const double v = std::clamp(double(t.plane(0, ch)[y * w + x]), 0.0, 1.0);
                                const double q = std::floor(v * maxValue + 0.5);
                                const int at = x * c + ((c >= 3 && ch < 3) ? 2 - ch : ch);
                                if (depth == 16) want.ptr<uint16_t>(y)[at] = uint16_t(q);
                                else want.ptr<uint8_t>(y)[at] = uint8_t(q);
                            }
                    Bytes theirs;
                    QVERIFY(cv::imencode(".png", want, theirs));
                    const cv::Mat a = cv::imdecode(ours, cv::IMREAD_UNCHANGED);
                    const cv::Mat b = cv::imdecode(theirs, cv::IMREAD_UNCHANGED);
                    const QString what =
                        QString("%1x%2x%3, %4-bit, level %5").arg(w).arg(h).arg(c).arg(depth).arg(level);
                    QVERIFY2(samePixels(a, want), qPrintable(what));
                    QVERIFY2(samePixels(a, b), qPrintable(what));
                }
#endif
}

QTEST_APPLESS_MAIN(TestBatchPng)
#include "test_batch_png.moc"
