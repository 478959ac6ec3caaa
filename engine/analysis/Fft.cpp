// SPDX-License-Identifier: MIT
#include "analysis/internal/Fft.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "analysis/internal/ParallelFor.h"

namespace tconv::analysis {
namespace {

// Complex multiply written out: std::complex's operator* guards against NaN
// (Annex G) with a slow path the compiler cannot drop without -ffast-math.
inline Complex mul(Complex a, Complex b) {
    return {a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real()};
}

Complex root(size_t j, size_t n) {
    return std::polar(1.0, -2.0 * std::numbers::pi * static_cast<double>(j) / static_cast<double>(n));
}

size_t pow2AtLeast(size_t v) {
    size_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

// Prime factors, 4s first (fewer stages); empty when a factor exceeds `largest`.
std::vector<size_t> smallFactors(size_t n, size_t largest) {
    std::vector<size_t> f;
    while (n % 4 == 0) f.push_back(4), n /= 4;
    for (size_t p = 2; p <= largest && n > 1; ++p)
        while (n % p == 0) f.push_back(p), n /= p;
    if (n > 1) return {};
    return f;
}

}  // namespace

// Iterative decimation-in-time radix-2: bit-reversal permutation, then log2(n)
// stages; stage `len` reads its len/2 twiddles exp(-2 pi i k / len)
// contiguously from twiddle[len/2 - 1 ...].
struct FftPlan::Radix2 {
    size_t n;
    std::vector<Complex> twiddle;
    std::vector<size_t> reversed;

    explicit Radix2(size_t size) : n(size), twiddle(size > 1 ? size - 1 : 0), reversed(size) {
        for (size_t len = 2; len <= n; len <<= 1)
            for (size_t k = 0; k < len / 2; ++k) twiddle[len / 2 - 1 + k] = root(k, len);
        size_t bits = 0;
        while ((size_t{1} << bits) < n) ++bits;
        for (size_t i = 0; i < n; ++i) {
            size_t r = 0;
            for (size_t b = 0; b < bits; ++b)
                if (i & (size_t{1} << b)) r |= size_t{1} << (bits - 1 - b);
            reversed[i] = r;
        }
    }

    void run(Complex* a) const {
        for (size_t i = 0; i < n; ++i)
            if (i < reversed[i]) std::swap(a[i], a[reversed[i]]);
        for (size_t i = 0; i + 1 < n; i += 2) {
            const Complex t = a[i + 1];
            a[i + 1] = a[i] - t;
            a[i] += t;
        }
        for (size_t len = 4; len <= n; len <<= 1) {
            const size_t half = len / 2;
            const Complex* w = twiddle.data() + half - 1;
            for (size_t start = 0; start < n; start += len) {
                Complex* lo = a + start;
                Complex* hi = lo + half;
                for (size_t k = 0; k < half; ++k) {
                    const Complex t = mul(hi[k], w[k]);
                    hi[k] = lo[k] - t;
                    lo[k] += t;
                }
            }
        }
    }
};

// Recursive decimation in time: for n = p m, transform the p subsequences
// x[r + p j] (length m) into out[r m ...], then combine each k < m:
// X[k + m q] = sum_r (W_n^{r k} X_r[k]) W_p^{r q}. The leaves read the input
// with their stride, so the plan is out-of-place (the scratch is the output).
struct FftPlan::MixedRadix {
    size_t n;
    std::vector<size_t> factors;
    std::vector<Complex> roots;  // exp(-2 pi i j / n), j < n

    MixedRadix(size_t size, std::vector<size_t> f) : n(size), factors(std::move(f)), roots(size) {
        for (size_t j = 0; j < n; ++j) roots[j] = root(j, n);
    }

    void run(const Complex* in, size_t stride, Complex* out, size_t len, size_t level) const {
        const size_t p = factors[level], m = len / p, step = n / len;
        Complex t[32], x[32];
        if (m == 1) {
            for (size_t r = 0; r < p; ++r) x[r] = in[r * stride];
            butterfly(x, out, 1, p);
            return;
        }
        for (size_t r = 0; r < p; ++r) run(in + r * stride, stride * p, out + r * m, m, level + 1);
        for (size_t k = 0; k < m; ++k) {
            t[0] = out[k];
            for (size_t r = 1; r < p; ++r) t[r] = mul(out[r * m + k], roots[r * k * step]);
            butterfly(t, out + k, m, p);
        }
    }

    // out[q * spacing] = sum_r x[r] W_p^{r q}.
    void butterfly(const Complex* x, Complex* out, size_t spacing, size_t p) const {
        if (p == 2) {
            out[0] = x[0] + x[1];
            out[spacing] = x[0] - x[1];
            return;
        }
        if (p == 4) {
            const Complex a = x[0] + x[2], b = x[0] - x[2], c = x[1] + x[3], d = x[1] - x[3];
            const Complex dj(d.imag(), -d.real());  // -i d
            out[0] = a + c;
            out[spacing] = b + dj;
            out[2 * spacing] = a - c;
            out[3 * spacing] = b - dj;
            return;
        }
        const size_t unit = n / p;
        for (size_t q = 0; q < p; ++q) {
            Complex acc = x[0];
            for (size_t r = 1; r < p; ++r) acc += mul(x[r], roots[((r * q) % p) * unit]);
            out[q * spacing] = acc;
        }
    }
};

// Bluestein: X[k] = c[k] * sum_j (x[j] c[j]) conj(c[k-j]) with the chirp
// c[j] = exp(-pi i j^2 / n), a convolution done by power-of-two FFTs of length m.
struct FftPlan::Bluestein {
    size_t n, m;
    Radix2 inner;
    std::vector<Complex> chirp;     // c[j], j < n
    std::vector<Complex> kernelFt;  // FFT of conj(c) laid out circularly, / m for the inverse

    explicit Bluestein(size_t size) : n(size), m(pow2AtLeast(2 * size - 1)), inner(m), chirp(size), kernelFt(m) {
        for (size_t j = 0; j < n; ++j) {
            // j^2 mod 2n keeps the angle small and exact for large j.
            const auto j2 = static_cast<double>((static_cast<unsigned long long>(j) * j) % (2 * n));
            chirp[j] = std::polar(1.0, -std::numbers::pi * j2 / static_cast<double>(n));
        }
        kernelFt[0] = std::conj(chirp[0]);
        for (size_t j = 1; j < n; ++j) kernelFt[j] = kernelFt[m - j] = std::conj(chirp[j]);
        inner.run(kernelFt.data());
        for (Complex& v : kernelFt) v /= static_cast<double>(m);
    }

    void run(Complex* x, Complex* a) const {
        for (size_t j = 0; j < n; ++j) a[j] = mul(x[j], chirp[j]);
        std::fill(a + n, a + m, Complex{});
        inner.run(a);
        // Inverse FFT as conj(FFT(conj(.))); kernelFt already holds the 1/m.
        for (size_t k = 0; k < m; ++k) a[k] = std::conj(mul(a[k], kernelFt[k]));
        inner.run(a);
        for (size_t k = 0; k < n; ++k) x[k] = mul(chirp[k], std::conj(a[k]));
    }
};

FftPlan::FftPlan(size_t n) : n_(std::max<size_t>(n, 1)) {
    if ((n_ & (n_ - 1)) == 0) {
        radix2_ = std::make_unique<Radix2>(n_);
        return;
    }
    std::vector<size_t> f = smallFactors(n_, 31);
    if (!f.empty()) mixed_ = std::make_unique<MixedRadix>(n_, std::move(f));
    else bluestein_ = std::make_unique<Bluestein>(n_);
}

FftPlan::~FftPlan() = default;
FftPlan::FftPlan(FftPlan&&) noexcept = default;
FftPlan& FftPlan::operator=(FftPlan&&) noexcept = default;

size_t FftPlan::scratchSize() const { return bluestein_ ? bluestein_->m : (mixed_ ? n_ : 0); }

void FftPlan::forward(Complex* data, Complex* scratch) const {
    if (radix2_) {
        radix2_->run(data);
    } else if (mixed_) {
        mixed_->run(data, 1, scratch, n_, 0);
        std::copy(scratch, scratch + n_, data);
    } else {
        bluestein_->run(data, scratch);
    }
}

namespace {

// Transforms `count` rows of `len` values starting at `data`, `pitch` apart.
void fftRows(Complex* data, size_t count, size_t len, size_t pitch) {
    const FftPlan plan(len);
    parallelFor(0, static_cast<int64_t>(count), 8, [&](int64_t lo, int64_t hi) {
        std::vector<Complex> scratch(plan.scratchSize());
        for (int64_t r = lo; r < hi; ++r) plan.forward(data + static_cast<size_t>(r) * pitch, scratch.data());
    });
}

// out (cols x rows) = transpose of in (rows x cols), blocked so that reads and
// writes both stay within cache lines. Only columns [0, colsUsed) are copied.
void transpose(const Complex* in, size_t rows, size_t cols, size_t colsUsed, Complex* out) {
    constexpr size_t B = 32;
    parallelFor(0, static_cast<int64_t>((rows + B - 1) / B), 1, [&](int64_t lo, int64_t hi) {
        for (size_t r0 = static_cast<size_t>(lo) * B; r0 < std::min(rows, static_cast<size_t>(hi) * B); r0 += B)
            for (size_t c0 = 0; c0 < colsUsed; c0 += B)
                for (size_t r = r0; r < std::min(rows, r0 + B); ++r)
                    for (size_t c = c0; c < std::min(colsUsed, c0 + B); ++c) out[c * rows + r] = in[r * cols + c];
    });
}

}  // namespace

void fft2d(std::vector<Complex>& data, size_t h, size_t w) {
    std::vector<Complex> t(data.size());
    fftRows(data.data(), h, w, w);
    transpose(data.data(), h, w, w, t.data());
    fftRows(t.data(), w, h, h);
    transpose(t.data(), w, h, h, data.data());
}

RealSpectrum2d fft2dReal(const float* image, size_t h, size_t w, double offset, const double* rowWeight,
                         const double* colWeight) {
    RealSpectrum2d s;
    s.h = h;
    s.w = w;
    s.used_ = w / 2 + 1;
    auto value = [&](size_t y, size_t x) {
        return (image[y * w + x] - offset) * (rowWeight ? rowWeight[y] : 1.0) * (colWeight ? colWeight[x] : 1.0);
    };
    // Rows 2i and 2i+1 become one complex row z = a + i b (an odd last row
    // pairs with zeros); after the row FFTs A[k] = (Z[k] + conj(Z[-k])) / 2 and
    // B[k] = (Z[k] - conj(Z[-k])) / (2i), written straight into the
    // column-major half spectrum.
    const size_t pairs = (h + 1) / 2;
    std::vector<Complex> packed(pairs * w);
    parallelFor(0, static_cast<int64_t>(pairs), 16, [&](int64_t lo, int64_t hi) {
        for (size_t i = static_cast<size_t>(lo); i < static_cast<size_t>(hi); ++i)
            for (size_t x = 0; x < w; ++x)
                packed[i * w + x] = {value(2 * i, x), 2 * i + 1 < h ? value(2 * i + 1, x) : 0.0};
    });
    fftRows(packed.data(), pairs, w, w);
    s.cols_.resize(s.used_ * h);
    parallelFor(0, static_cast<int64_t>(pairs), 16, [&](int64_t lo, int64_t hi) {
        for (size_t i = static_cast<size_t>(lo); i < static_cast<size_t>(hi); ++i) {
            const Complex* z = packed.data() + i * w;
            for (size_t k = 0; k < s.used_; ++k) {
                const Complex zk = z[k], zm = std::conj(z[(w - k) % w]);
                s.cols_[k * h + 2 * i] = 0.5 * (zk + zm);
                if (2 * i + 1 < h) {
                    const Complex d = 0.5 * (zk - zm);
                    s.cols_[k * h + 2 * i + 1] = {d.imag(), -d.real()};  // d / i
                }
            }
        }
    });
    packed = {};
    fftRows(s.cols_.data(), s.used_, h, h);
    return s;
}

}  // namespace tconv::analysis
