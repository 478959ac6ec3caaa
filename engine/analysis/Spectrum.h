// SPDX-License-Identifier: MIT
#pragma once
// Log-magnitude 2-D spectrum of a result (in grayscale) and its radially
// averaged profile. A checkerboard of period s shows as peaks at multiples of
// N/s (normalised frequency 1/s cycles per pixel) along the axes and diagonals.
#include <cstdint>
#include <vector>

#include "core/Tensor.h"

namespace tconv {

struct SpectrumOptions {
    bool hannWindow = true;  // taper the edges so the image border does not smear a cross over the spectrum
    bool removeMean = true;  // subtract the mean first so DC does not dominate
};

struct Spectrum {
    int64_t h = 0, w = 0;
    // h * w, row-major, centred (fftshift: DC at row h/2, column w/2):
    // 20 log10(|F| / (h w) + 1e-10), i.e. dB of the amplitude per pixel.
    std::vector<float> db;
    float minDb = 0, maxDb = 0;
    // Mean |F| / (h w) over rings of radius r = |(fy/h, fx/w)| cycles per pixel,
    // bin i covering r in [(i - 0.5) binWidth, (i + 0.5) binWidth), in dB.
    std::vector<double> radialDb;
    double binWidth = 0;  // 1 / min(h, w): on an N x N image, bin N/s is frequency 1/s

    // dB at integer frequency (fy, fx) (negative allowed, wraps).
    float at(int64_t fy, int64_t fx) const {
        const int64_t y = ((fy % h) + h + h / 2) % h, x = ((fx % w) + w + w / 2) % w;
        return db[static_cast<size_t>(y * w + x)];
    }
};

// Plane 0 as grayscale: Rec. 709 luma of channels 0-2 when there are 3 or 4
// (a 4th, alpha, is ignored), else the mean of the channels. (1, 1, H, W).
Tensor grayscale(const Tensor& image);

Spectrum computeSpectrum(const float* gray, int64_t h, int64_t w, const SpectrumOptions& options = {});
// Of grayscale(image).
Spectrum computeSpectrum(const Tensor& image, const SpectrumOptions& options = {});

}  // namespace tconv
