// SPDX-License-Identifier: MIT
#pragma once
// The Lipschitz constant of a deconvolutional network's data term from the
// filters' spectrum, for one-channel images (K0 = 1), without a convolution.
//
// The synthesis A z = sum_k f_k * z_k has, on the whole plane, the operator
// norm ||A||^2 = sup_w p(w) with p(w) = sum_k |F_k(w)|^2, the Fourier
// transform of R = sum_k autocorr(f_k) (lags -(kh-1)..kh-1 by -(kw-1)..kw-1).
// Restricted to a finite image the norm is at most that, and within a
// fraction of a percent of it for images much larger than the filters, so it
// replaces the power iteration's 12 convolution pairs (about 10% of 100
// FISTA iterations on 512x512 with 16 filters of 7x7).
//
// p is sampled on an M x M grid and the grid maximum scaled up by the bound
// on what sampling can miss: p is a non-negative trigonometric polynomial of
// degree n = k - 1 per axis, so |p''| <= n^2 max p (Bernstein) and the grid
// point nearest the maximum (at most pi/M away, where p' = 0) lies within a
// factor 1 - n^2 pi^2 / (2 M^2) of it, per axis. The result is therefore an
// upper bound of ||A||^2 on any image, up to rounding.
#include "core/Tensor.h"

namespace tconv {

// lambda * sup_w sum_k |F_k(w)|^2 for filters (K1, 1, kh, kw), as an upper
// bound (see above). Throws ParameterError for K0 != 1 or an empty bank.
double deconvSpectralLipschitz(const Tensor& filters, double lambda);

}  // namespace tconv
