// SPDX-License-Identifier: MIT
#pragma once
// Learning a deconvolutional network's filter bank (see DeconvNet.h for the
// model): for a set of images, alternate (1) inference of each image's maps
// with F fixed, warm-started from the previous maps, and (2) projected
// gradient steps on F with the maps fixed: F - eta * dC/dF, each filter F[k]
// (all K0 channels of map k's atom) renormalised to unit L2 norm. The step
// eta starts at 1 / (lambda * sum over images and maps of ||z_k||_1^2) (a
// bound on the data term's Lipschitz constant in F, by Young's inequality)
// times 8, and is halved until the total cost does not rise; a step that
// cannot lower it is not taken. So the cost reported per outer step never
// rises.
#include <cstdint>
#include <functional>
#include <vector>

#include "analysis/DeconvNet.h"
#include "core/ConvParams.h"

namespace tconv {

struct DeconvEpoch {
    int epoch = 0;    // 1-based
    DeconvCost cost;  // summed over the images, after the filter step
    double psnr = 0;  // mean over the images
    double nonzeroFraction = 0;
    double filterStep = 0;  // eta taken (0: no step lowered the cost)
    // The filter bank after this step; valid only during the progress call
    // (a live view copies what it shows).
    const Tensor* filters = nullptr;
};

struct DeconvLearnOptions {
    int maps = 8;                  // K1 >= 1
    Size2 filterSize{7, 7};        // kh x kw
    double lambda = 1.0;           // > 0
    int epochs = 10;               // outer steps >= 1
    int inferenceIterations = 20;  // FISTA iterations per image per outer step
    uint64_t seed = 1;             // the initial random filters
    double peak = 1.0;             // PSNR's peak
    // Called after each outer step; returning false stops (cancel).
    std::function<bool(const DeconvEpoch&)> progress;
};

struct DeconvLearned {
    Tensor filters;            // (K1, K0, kh, kw), each F[k] of unit norm
    std::vector<Tensor> maps;  // per image (1, K1, H + kh - 1, W + kw - 1)
    std::vector<DeconvEpoch> history;
};

// Random filters (seeded normal), each F[k] of unit L2 norm.
Tensor randomDeconvFilters(int maps, int channels, Size2 size, uint64_t seed);

// Scales each F[k] to unit L2 norm (an all-zero filter stays zero).
void normaliseDeconvFilters(Tensor& filters);

// dC/dF of the data term summed over the images:
//   lambda * sum_i sum_p r_i[c][p] * z_i[k][p + (kh-1, kw-1) - (ky, kx)],  r_i = A z_i - y_i
Tensor deconvFilterGradient(const std::vector<Tensor>& images, const std::vector<Tensor>& maps,
                            const std::vector<Tensor>& reconstructions, const Tensor& filters, double lambda);

// All images must have the same channel count (K0). Throws ParameterError.
DeconvLearned learnDeconvFilters(const std::vector<Tensor>& images, const DeconvLearnOptions& options,
                                 Backend& backend);

}  // namespace tconv
