// SPDX-License-Identifier: MIT
#pragma once
// Complex FFT of any length, double precision (spectra are shown in dB down to
// -200, where float would be rounding noise):
// - powers of two: iterative radix-2 with per-stage contiguous twiddles;
// - lengths whose prime factors are all <= 31 (1920, 1080, 1026, ...):
//   recursive mixed-radix Cooley-Tukey (decimation in time);
// - anything else: Bluestein's chirp-z through a power-of-two FFT of length >= 2n-1.
// 2-D transforms are row transforms, a blocked transpose, and row transforms again.
#include <complex>
#include <cstddef>
#include <memory>
#include <vector>

namespace tconv::analysis {

using Complex = std::complex<double>;

class FftPlan {
public:
    explicit FftPlan(size_t n);  // n >= 1
    ~FftPlan();
    FftPlan(FftPlan&&) noexcept;
    FftPlan& operator=(FftPlan&&) noexcept;

    size_t size() const { return n_; }
    // Scratch elements forward() needs.
    size_t scratchSize() const;
    // In place, X[k] = sum_j x[j] exp(-2 pi i j k / n). `scratch` has scratchSize() elements.
    void forward(Complex* data, Complex* scratch) const;

private:
    size_t n_;
    struct Radix2;
    struct MixedRadix;
    struct Bluestein;
    std::unique_ptr<Radix2> radix2_;
    std::unique_ptr<MixedRadix> mixed_;
    std::unique_ptr<Bluestein> bluestein_;
};

// In place on h rows of w values (row-major); rows in parallel.
void fft2d(std::vector<Complex>& data, size_t h, size_t w);

// The spectrum of a real h x w image, about twice as fast as fft2d and with
// half its memory: rows are transformed in pairs packed as real + i*imag, and
// only columns 0..w/2 are kept and transformed, the others following from
// F[-ky][-kx] = conj(F[ky][kx]).
class RealSpectrum2d {
public:
    size_t h = 0, w = 0;
    Complex at(size_t ky, size_t kx) const {
        return kx < used_ ? cols_[kx * h + ky] : std::conj(cols_[(w - kx) * h + (h - ky) % h]);
    }

private:
    friend RealSpectrum2d fft2dReal(const float*, size_t, size_t, double, const double*, const double*);
    size_t used_ = 0;
    std::vector<Complex> cols_;  // column-major: cols_[kx * h + ky], kx <= w/2
};

// Transforms (image[y][x] - offset) * rowWeight[y] * colWeight[x] (null
// weights: 1), e.g. a windowed, mean-free image.
RealSpectrum2d fft2dReal(const float* image, size_t h, size_t w, double offset = 0, const double* rowWeight = nullptr,
                         const double* colWeight = nullptr);

}  // namespace tconv::analysis
