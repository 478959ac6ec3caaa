// SPDX-License-Identifier: MIT
#pragma once
// Deconvolutional networks (Zeiler, Krishnan, Taylor, Fergus, CVPR 2010;
// tutorial 001, section 逆卷积), in the engine's terms.
//
// An image y with K0 channels (H x W) is synthesised from K1 sparse feature
// maps z_k, each (H + kh - 1) x (W + kw - 1):
//     y_c = sum over k of z_k (valid conv) f_{k,c}
//         = conv_transpose2d(z, F, stride 1, padding (kh - 1, kw - 1))
// with the filter bank F in ConvTranspose2d layout (K1, K0, kh, kw): the
// padding crops the full result to the image. The cost (tutorial eq. deconv2,
// p = 1):
//     C(z) = lambda/2 * || A z - y ||^2 + || z ||_1,     A z = conv_transpose2d(z, F, ...)
// Its data term's gradient is lambda * A^T (A z - y), and A^T is the forward
// conv2d with the same weight read as (C_out = K1, C_in = K0, kh, kw) and the
// same padding (core/Conv2d.h): both run on the backend.
//
// Inference (F fixed): FISTA (Beck & Teboulle 2009) with step 1/L, L from a
// power iteration on lambda * A^T A, enlarged by backtracking whenever the
// sufficient-decrease test fails, and restarted (momentum dropped, a plain
// proximal step taken from the current iterate) whenever a step would raise
// the cost: the reported cost never rises.
// Learning: for a set of images, alternate inference (warm-started) with
// projected gradient steps on F (each filter f_k = F[k] renormalised to unit
// L2 norm), backtracking until the cost does not rise; a step that cannot
// lower it is not taken. So the cost per outer step never rises.
// A second layer treats the maps of layer 1 as its image (eq. deconv3/4).
//
// Tensors are planar (core/Tensor.h): images and maps (1, C, H, W).
#include <cstdint>
#include <functional>
#include <vector>

#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv {

struct DeconvCost {
    double objective = 0;  // dataTerm + l1Term
    double dataTerm = 0;   // lambda/2 * ||A z - y||^2
    double l1Term = 0;     // ||z||_1
};

struct DeconvIteration {
    int iteration = 0;  // 1-based
    DeconvCost cost;
    double psnr = 0;             // of the reconstruction A z against y, peak DeconvInferenceOptions::peak
    double nonzeroFraction = 0;  // non-zero map entries / all map entries
    double lipschitz = 0;        // the L of this step (grows by backtracking)
    bool restarted = false;      // the step was retaken without momentum
    // The current iterate and its synthesis A maps; valid only during the
    // progress call (a live view copies what it shows).
    const Tensor* maps = nullptr;
    const Tensor* reconstruction = nullptr;
};

struct DeconvInferenceOptions {
    double lambda = 1.0;   // > 0
    int iterations = 100;  // >= 0
    // The initial L: for one-channel images at least 8 filter sizes large from
    // the filters' spectrum (an upper bound, no convolution:
    // DeconvSpectralBound.h) unless spectralBound is false; else by
    // powerIterations power iterations, 5% added.
    bool spectralBound = true;
    int powerIterations = 12;
    double peak = 1.0;  // PSNR's peak value (images in [0, 1])
    uint64_t seed = 1;  // power iteration's start vector
    // Called after each iteration; returning false stops early (cancel).
    std::function<bool(const DeconvIteration&)> progress;
};

struct DeconvInference {
    Tensor maps;            // (1, K1, H + kh - 1, W + kw - 1)
    Tensor reconstruction;  // (1, K0, H, W) = A maps
    DeconvCost cost;        // of `maps`
    double psnr = 0;
    double nonzeroFraction = 0;
    int iterations = 0;  // run (fewer when cancelled)
    double lipschitz = 0;
    std::vector<DeconvIteration> history;
};

// The synthesis as a layer: conv_transpose2d(z, F, stride 1, padding (kh-1, kw-1)).
ConvLayer deconvSynthesisLayer(const Tensor& filters);
// The same operation as a forward conv2d, which is what inference runs: at
// stride 1, conv_transpose2d(z, F, padding k-1) = conv2d(z, G, padding 0)
// with G[c][k][y][x] = F[k][c][kh-1-y][kw-1-x] (K0 outputs, K1 inputs).
// The CPU backend's conv2d tile sums many input channels into few outputs
// in registers, about 2x faster than its transposed path on this shape
// (16 -> 1, 7x7, measured under load 14: 39-45 ms against 84-108 ms).
Conv2dLayer deconvSynthesisAsConv2d(const Tensor& filters);
// The adjoint: conv2d(r, F read as (K1, K0, kh, kw), stride 1, padding (kh-1, kw-1)).
Conv2dLayer deconvAnalysisLayer(const Tensor& filters);

// (1, K1, H + kh - 1, W + kw - 1) for an image (1, K0, H, W). Throws
// ParameterError when the filter bank's K0 does not match the image's
// channels, or either is empty or not a single image.
Shape4 deconvMapShape(const Shape4& image, const Tensor& filters);

// The cost of `maps` for `image` (validated like deconvMapShape, and the maps'
// shape). `reconstruction`, when given, receives A maps.
DeconvCost deconvCost(const Tensor& image, const Tensor& maps, const Tensor& filters, double lambda, Backend& backend,
                      Tensor* reconstruction = nullptr);

// lambda * ||A||^2 estimated by `iterations` power iterations on A^T A (a
// lower bound that converges from below).
double deconvLipschitz(const Shape4& image, const Tensor& filters, double lambda, int iterations, uint64_t seed,
                       Backend& backend);

// Minimises the cost over the maps. `start`: maps to start from (warm start;
// nullptr: zeros). Throws ParameterError for bad shapes or options.
DeconvInference inferDeconvMaps(const Tensor& image, const Tensor& filters, const DeconvInferenceOptions& options,
                                Backend& backend, const Tensor* start = nullptr);

// Where one reconstructed pixel comes from: the synthesis is a transposed
// convolution, so pixel (c, y, x) is a sum over the maps k of
//     term_k = sum over ky, kx of F[k][c][ky][kx] * z_k[y + kh-1 - ky][x + kw-1 - kx]
// (map k through filter F[k][c]). Terms sorted by |value|, largest first;
// their sum is the pixel's value (up to float rounding: summed in double).
struct DeconvTerm {
    int64_t map = 0;      // k (the filter is F[k][c])
    double value = 0;     // term_k
    int nonzeroTaps = 0;  // map entries under the filter that are non-zero
};
struct DeconvProvenance {
    double value = 0;  // the sum of all terms
    std::vector<DeconvTerm> terms;
};
// Throws ParameterError naming a bad channel/position or mismatched shapes
// (maps (1, K1, H + kh - 1, W + kw - 1), filters (K1, K0, kh, kw)).
DeconvProvenance deconvPixelProvenance(const Tensor& maps, const Tensor& filters, int64_t c, int64_t y, int64_t x);

// PSNR of `a` against `b` (same size) for the given peak; +inf when equal.
double deconvPsnr(const Tensor& a, const Tensor& b, double peak);
double nonzeroFraction(const Tensor& t);

}  // namespace tconv
