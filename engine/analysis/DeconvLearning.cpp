// SPDX-License-Identifier: MIT
// Learning a deconvolutional network's filters (see DeconvLearning.h).
#include "analysis/DeconvLearning.h"

#include <cmath>
#include <random>
#include <string>

#include "analysis/internal/ParallelFor.h"
#include "core/ConvError.h"

namespace tconv {
namespace {

struct Totals {
    DeconvCost cost;
    double psnr = 0, nonzero = 0;
};

// The total cost of `maps` under `filters`, with each image's reconstruction.
Totals totalCost(const std::vector<Tensor>& images, const std::vector<Tensor>& maps, const Tensor& filters,
                 const DeconvLearnOptions& o, Backend& backend, std::vector<Tensor>& recon) {
    Totals t;
    recon.resize(images.size());
    for (size_t i = 0; i < images.size(); ++i) {
        const DeconvCost c = deconvCost(images[i], maps[i], filters, o.lambda, backend, &recon[i]);
        t.cost.dataTerm += c.dataTerm;
        t.cost.l1Term += c.l1Term;
        t.psnr += deconvPsnr(recon[i], images[i], o.peak) / double(images.size());
        t.nonzero += nonzeroFraction(maps[i]) / double(images.size());
    }
    t.cost.objective = t.cost.dataTerm + t.cost.l1Term;
    return t;
}

void checkOptions(const std::vector<Tensor>& images, const DeconvLearnOptions& o) {
    if (images.empty()) throw ParameterError("learning needs at least one image");
    if (o.maps < 1) throw ParameterError("the number of maps must be at least 1, but got " + std::to_string(o.maps));
    if (o.filterSize.h < 1 || o.filterSize.w < 1 || o.filterSize.h > 63 || o.filterSize.w > 63)
        throw ParameterError("the filter size must be 1 to 63 per axis, but got " + sizeText(o.filterSize));
    if (o.epochs < 1) throw ParameterError("epochs must be at least 1, but got " + std::to_string(o.epochs));
    if (o.inferenceIterations < 1)
        throw ParameterError("inference iterations must be at least 1, but got " +
                             std::to_string(o.inferenceIterations));
    const int64_t channels = images.front().shape().c;
    for (const Tensor& im : images)
        if (im.shape().n != 1 || im.shape().c != channels)
            throw ParameterError("all images must have the same number of channels (" + std::to_string(channels) +
                                 "), but one is " + shapeText(im.shape()));
}

}  // namespace

Tensor randomDeconvFilters(int maps, int channels, Size2 size, uint64_t seed) {
    Tensor f(Shape4{maps, channels, size.h, size.w});
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : f.storage()) v = normal(rng);
    normaliseDeconvFilters(f);
    return f;
}

void normaliseDeconvFilters(Tensor& filters) {
    const Shape4 s = filters.shape();
    const int64_t per = s.c * s.h * s.w;
    for (int64_t k = 0; k < s.n; ++k) {
        float* f = filters.data() + k * per;
        double n2 = 0;
        for (int64_t i = 0; i < per; ++i) n2 += double(f[i]) * f[i];
        if (n2 == 0) continue;
        const float inv = static_cast<float>(1.0 / std::sqrt(n2));
        for (int64_t i = 0; i < per; ++i) f[i] *= inv;
    }
}

Tensor deconvFilterGradient(const std::vector<Tensor>& images, const std::vector<Tensor>& maps,
                            const std::vector<Tensor>& reconstructions, const Tensor& filters, double lambda) {
    const Shape4 f = filters.shape();
    Tensor grad(f);
    // One (k, c) pair per task: each writes only its own kh x kw taps.
    analysis::parallelFor(0, f.n * f.c, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t kc = lo; kc < hi; ++kc) {
            const int64_t k = kc / f.c, c = kc % f.c;
            for (size_t i = 0; i < images.size(); ++i) {
                const Shape4 im = images[i].shape();
                const Shape4 zs = maps[i].shape();
                const float* r = reconstructions[i].plane(0, c);
                const float* y = images[i].plane(0, c);
                const float* z = maps[i].plane(0, k);
                for (int64_t ky = 0; ky < f.h; ++ky)
                    for (int64_t kx = 0; kx < f.w; ++kx) {
                        double acc = 0;
                        for (int64_t oy = 0; oy < im.h; ++oy) {
                            const float* zr = z + (oy + f.h - 1 - ky) * zs.w + (f.w - 1 - kx);
                            const float* rr = r + oy * im.w;
                            const float* yr = y + oy * im.w;
                            float row = 0;
                            for (int64_t ox = 0; ox < im.w; ++ox) row += (rr[ox] - yr[ox]) * zr[ox];
                            acc += row;
                        }
                        grad.at(k, c, ky, kx) += static_cast<float>(lambda * acc);
                    }
            }
        }
    });
    return grad;
}

DeconvLearned learnDeconvFilters(const std::vector<Tensor>& images, const DeconvLearnOptions& o, Backend& backend) {
    checkOptions(images, o);
    DeconvLearned out;
    out.filters = randomDeconvFilters(o.maps, static_cast<int>(images.front().shape().c), o.filterSize, o.seed);
    for (const Tensor& im : images) out.maps.emplace_back(deconvMapShape(im.shape(), out.filters));
    std::vector<Tensor> recon, trialRecon;
    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        // (1) inference, warm-started: the cost of each image's maps does not rise.
        for (size_t i = 0; i < images.size(); ++i) {
            DeconvInferenceOptions io;
            io.lambda = o.lambda;
            io.iterations = o.inferenceIterations;
            io.peak = o.peak;
            io.seed = o.seed + i;
            out.maps[i] = inferDeconvMaps(images[i], out.filters, io, backend, &out.maps[i]).maps;
        }
        // (2) filter step with backtracking on the total cost.
        Totals before = totalCost(images, out.maps, out.filters, o, backend, recon);
        const Tensor grad = deconvFilterGradient(images, out.maps, recon, out.filters, o.lambda);
        // First trial step: one that moves the bank by half its norm, then halved
        // until the total cost falls. The Lipschitz bound lambda * sum_k ||z_k||_1^2 of
        // this gradient is safe but, with maps of ~10^5 entries, 10^5-10^7 times too
        // small: steps of ~1e-8 left the filters where they started.
        double g2 = 0, f2 = 0;
        for (int64_t j = 0; j < grad.size(); ++j) {
            g2 += double(grad.data()[j]) * grad.data()[j];
            f2 += double(out.filters.data()[j]) * out.filters.data()[j];
        }
        double eta = g2 > 0 ? 0.5 * std::sqrt(f2 / g2) : 0.0;
        DeconvEpoch rec;
        rec.epoch = epoch;
        rec.cost = before.cost;
        rec.psnr = before.psnr;
        rec.nonzeroFraction = before.nonzero;
        for (int tries = 0; eta > 0 && tries < 30; ++tries, eta *= 0.5) {
            Tensor trial = out.filters;
            for (int64_t j = 0; j < trial.size(); ++j) trial.data()[j] -= static_cast<float>(eta) * grad.data()[j];
            normaliseDeconvFilters(trial);
            const Totals after = totalCost(images, out.maps, trial, o, backend, trialRecon);
            if (after.cost.objective < before.cost.objective) {
                out.filters = std::move(trial);
                rec.cost = after.cost;
                rec.psnr = after.psnr;
                rec.filterStep = eta;
                break;
            }
        }
        out.history.push_back(rec);
        rec.filters = &out.filters;
        if (o.progress && !o.progress(rec)) break;
    }
    return out;
}

}  // namespace tconv
