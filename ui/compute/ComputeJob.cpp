// SPDX-License-Identifier: MIT
#include "compute/ComputeJob.h"

#include <QElapsedTimer>
#include <algorithm>
#include <cmath>

#include "compute/BlockMeans.h"
#include "compute/ResultReuse.h"
#include "analysis/ResizeConv.h"
#include "analysis/Spectrum.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/Validation.h"

namespace tconv::ui {
namespace {

// The 99.5th percentile of |v| (of v for sequential data) over a subsample:
// a few extreme pixels (borders, edges) must not wash out the rest.
float robustMax(const std::vector<float>& v, bool absolute) {
    std::vector<float> sample;
    const size_t step = std::max<size_t>(1, v.size() / 65536);
    sample.reserve(v.size() / step + 1);
    for (size_t i = 0; i < v.size(); i += step)
        if (std::isfinite(v[i])) sample.push_back(absolute ? std::abs(v[i]) : v[i]);
    if (sample.empty()) return 0.0f;
    auto nth = sample.begin() + static_cast<std::ptrdiff_t>(0.995 * double(sample.size() - 1));
    std::nth_element(sample.begin(), nth, sample.end());
    return *nth;
}

// The mean of a tensor from at most about 64K values (plenty for a scale
// reference): every 7th (prime: no alignment with strides or rows), sparser
// for large tensors, where every 7th value would read every cache line of
// hundreds of megabytes.
double sampledMean(const Tensor& t) {
    double sum = 0;
    int64_t n = 0;
    const int64_t step = std::max<int64_t>(7, (t.size() >> 16) | 1);
    for (int64_t i = 0; i < t.size(); i += step)
        if (std::isfinite(t.data()[i])) {
            sum += t.data()[i];
            ++n;
        }
    return n ? sum / double(n) : 0.0;
}

// Display range of the heatmap. Gain map: the interior ripple max |G/Gbar - 1|
// (the border frame saturates), or the frame's own range when the interior is flat.
std::pair<float, float> heatRange(const ComputeResult& r) {
    if (!r.heatDiverging) return {0.0f, std::max(robustMax(r.heat, false), 1e-6f)};
    float range = 0.0f;
    if (r.request.params.heatmap == HeatmapKind::GainMap && std::abs(r.scores.mean) > 1e-12)
        for (double g : r.gain.gain) range = std::max(range, float(std::abs(g / r.scores.mean - 1.0)));
    if (range < 1e-6f) range = robustMax(r.heat, true);
    if (range < 1e-6f) range = 1e-3f;
    return {-range, range};
}

// The level a large output keeps whole: the finest one of at most a quarter
// megapixel, about what one pane of the grid shows (a pane fitting the image
// draws from it or a coarser one; finer levels come from the sources for the
// visible region only). Its cost is the taps times its cells, on top of the
// one pass over the input.
int storedDisplayLevel(int64_t h, int64_t w) {
    int level = 1;
    while (((h + (int64_t(1) << level) - 1) >> level) * ((w + (int64_t(1) << level) - 1) >> level) > (int64_t(1) << 18))
        ++level;
    return level;
}

MipImage levelImage(int h, int w, int channels, int stored, const PixelMapping& mapping, LevelSource source,
                    std::vector<float> storedValues = {}) {
    MipImage m;
    m.fullSize = QSize(w, h);
    m.mapping = mapping;
    m.levels = {QImage()};
    if (!storedValues.empty()) {
        // The stored level is at hand already (computed with another view's in one pass): the first ask gets it.
        auto first = std::make_shared<std::vector<float>>(std::move(storedValues));
        source = [source = std::move(source), first, stored](int level, const QRect& rect, std::vector<float>& planes) {
            if (level == stored && rect.topLeft() == QPoint(0, 0) && !first->empty()) {
                planes = std::move(*first);
                first->clear();
                return;
            }
            source(level, rect, planes);
        };
    }
    m.values = ValuePyramid::fromSource(h, w, channels, stored, std::move(source));
    return m;
}

LevelSource meansOf(std::shared_ptr<const BlockMeans> means, int layer = 0) {
    return [means = std::move(means), layer](int level, const QRect& rect, std::vector<float>& planes) {
        means->compute(1 << level, rect, planes, layer);
    };
}

// Mean over channels of a - b (each `channels` planes of n values) into `a`'s first plane.
void channelMeanDifference(std::vector<float>& a, const std::vector<float>& b, int64_t channels) {
    const size_t n = a.size() / size_t(std::max<int64_t>(channels, 1));
    const float inv = 1.0f / float(std::max<int64_t>(channels, 1));
    for (size_t i = 0; i < n; ++i) {
        float d = 0.0f;
        for (int64_t c = 0; c < channels; ++c) d += a[size_t(c) * n + i] - b[size_t(c) * n + i];
        a[i] = d * inv;
    }
    a.resize(n);
}

// The 99.5th percentile and the maximum of |T - R| over the stored level and a
// full-resolution patch at the centre: block means average a stride pattern
// away, so the level alone would make the scale far too small for zooming in.
std::pair<float, float> differenceScale(const LevelSource& diff, const ValuePyramid& levels, int h, int w) {
    std::vector<float> sample;
    const QRect centre = QRect(0, 0, std::min(w, 384), std::min(h, 384))
                             .translated((w - std::min(w, 384)) / 2, (h - std::min(h, 384)) / 2);
    diff(0, centre, sample);
    const QSize stored = levels.levelSize(levels.storedLevel());
    const float* p = levels.plane(levels.storedLevel(), 0);
    sample.insert(sample.end(), p, p + static_cast<size_t>(stored.width()) * stored.height());
    float max = 0.0f;
    for (float v : sample) max = std::max(max, std::abs(v));  // NaN never wins
    return {std::max(robustMax(sample, true), 1e-6f), max};
}

}  // namespace

bool ComputeJob::run(const ComputeRequest& request, Backend& backend, ComputeResult& out, const CancelCheck& cancelled,
                     const ComputeResult* previous) {
    const ResultReuse reuse = reusableParts(previous, request);
    out.outputReused = reuse.output;
    QElapsedTimer timer;
    timer.start();
    out.request = request;
    out.ok = false;
    out.error.clear();
    out.resizeError.clear();
    out.heatmapError.clear();
    out.spectrumError.clear();
    out.backend = QString::fromStdString(backend.description());
    out.outputMeans.reset();
    DisplayPlan display;
    try {
        if (reuse.output) {
            out.problem = previous->problem;
            out.layerInput = previous->layerInput;
            out.output.share(previous->output);  // the same storage: no copy of a large output
            display = planDisplay(request, out.output.shape(), out.problem.layer);
        } else {
            out.problem = planStudioProblem(request.params, request.kernel, static_cast<int>(request.input->shape().c));
            out.layerInput = inputs_.input(out.problem, request.input);
            const Shape4 in = out.layerInput->shape();
            const Shape4 planned = validateProblem(out.problem.layer.problemFor(in), studioLimits());
            display = planDisplay(request, planned, out.problem.layer);
            // Everything shown comes from the input (display levels, single pixels on demand):
            // the full-size output is never made, so the first picture does not wait for it.
            if (display.levelsOnly) out.output.setPlanned(planned);
            else convTranspose2d(*out.layerInput, out.problem.layer, backend, out.output.writable(), studioLimits());
        }
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
        out.computeMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        return !cancelled();
    }
    out.convMs = reuse.output ? previous->convMs : static_cast<double>(timer.nsecsElapsed()) / 1e6;
    const Tensor& input = *out.layerInput;
    const ConvLayer& layer = out.problem.layer;
    out.stageMs.clear();
    double mark = 0;
    auto stage = [&](const char* name) {
        const double now = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        out.stageMs.push_back({name, now - mark});
        mark = now;
    };
    stage("conv");
    out.ok = true;
    out.outputMean = out.output.empty() ? 0.0 : sampledMean(out.output);  // planned: from the levels, below
    out.gain = phaseGainTable(request.kernel, request.params.geometry.stride, request.params.geometry.dilation);
    out.scores = artifactScores(out.gain);
    if (cancelled()) return false;

    // The periodic-energy heatmap measures against resize-conv, shown or not.
    const bool needResize = (request.resizeConv && !display.resize) ||
                            (request.heatmap && request.params.heatmap == HeatmapKind::PeriodicEnergy);
    if (!needResize) out.resizeConv = Tensor();
    if (needResize && reuse.resizeConv) {
        out.resizeConv = previous->resizeConv;
        stage("resize-conv");
    } else if (needResize) {
        try {
            ResizeConvOptions o;
            o.resize = request.params.resize;
            o.border = request.params.border;
            resizeConv2d(input, layer, o, backend, out.resizeConv, resizeWorkspace_, studioLimits());
            if (out.resizeConv.shape() != out.output.shape())
                throw ProcessingError("resize-conv produced " + shapeText(out.resizeConv.shape()) + " instead of " +
                                      shapeText(out.output.shape()));
        } catch (const std::exception& e) {
            out.resizeError = QString::fromUtf8(e.what());
        }
        stage("resize-conv");
        if (cancelled()) return false;
    }
    if (out.resizeError.isEmpty() && request.resizeConv && request.difference && !display.resize) {
        if (reuse.difference) {
            out.difference = previous->difference;
            out.differenceRange = previous->differenceRange;
            out.differenceMax = previous->differenceMax;
        } else {
            computeDifference(out);
        }
    } else {
        out.difference.clear();
    }
    stage("difference");

    if (request.heatmap && display.heatmap) {
        out.heat.clear();  // drawn from levels (computeDisplayImages)
        out.heatDiverging = true;
    } else if (request.heatmap && reuse.heatmap) {
        out.heat = previous->heat;
        out.heatDiverging = previous->heatDiverging;
    } else if (request.heatmap) {
        const std::string why =
            heatmap_.compute(request, layer, input, out.output, out.resizeError.isEmpty() ? &out.resizeConv : nullptr,
                             backend, out.heat, out.heatDiverging);
        out.heatmapError = QString::fromStdString(why);
        if (!why.empty()) out.heat.clear();
    }
    if (request.heatmap) {
        const auto [lo, hi] = heatRange(out);
        out.heatLo = lo;
        out.heatHi = hi;
        stage("heatmap");
        if (cancelled()) return false;
    }
    out.spectrumError.clear();
    out.spectrumImage = {};
    if (request.spectrum && reuse.spectrum) {
        out.spectrum = previous->spectrum;
        out.spectrumLo = previous->spectrumLo;
        out.spectrumHi = previous->spectrumHi;
        out.spectrumImage = previous->spectrumImage;
    } else if (request.spectrum) {
        try {
            out.spectrum = computeSpectrum(out.output);
            // 80 dB below the peak is the floor: further down is rounding noise.
            out.spectrumHi = out.spectrum.maxDb;
            out.spectrumLo = std::max(out.spectrum.minDb, out.spectrum.maxDb - 80.0f);
            out.spectrumImage = mipsFromPlane(out.spectrum.db.data(), static_cast<int>(out.spectrum.h),
                                              static_cast<int>(out.spectrum.w), false, out.spectrumLo, out.spectrumHi);
        } catch (const std::exception& e) {
            out.spectrumError = QString::fromUtf8(e.what());
        }
        if (cancelled()) return false;
    }
    computeImages(out, reuse, previous, display);
    stage("images");
    out.computeMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return !cancelled();
}

ComputeJob::DisplayPlan ComputeJob::planDisplay(const ComputeRequest& request, const Shape4& os,
                                                const ConvLayer& layer) const {
    DisplayPlan plan;
    plan.active = !request.fullResolution && os.h * os.w > kDisplayLevelPixels;
    if (!plan.active) return plan;
    // Periodic energy measures against the full resize-conv tensor: then it is made anyway.
    const bool energy = request.heatmap && request.params.heatmap == HeatmapKind::PeriodicEnergy;
    ConvLayer zoh;
    plan.resize = request.resizeConv && !energy && request.params.resize == ResizeMode::Nearest &&
                  request.params.border == BorderMode::Zeros && nearestResizeConvLayer(layer, zoh);
    plan.heatmap =
        request.heatmap && request.params.heatmap == HeatmapKind::GainMap && std::abs(request.kernel.sum()) >= 1e-12;
    // No view needs the full-size output: a fixed tone scale (auto needs its min and max),
    // no spectrum (an FFT of it), and every comparison from levels.
    plan.levelsOnly = request.params.tone == ToneMode::Clamp01 && !request.spectrum &&
                      (!request.heatmap || plan.heatmap) && (!request.resizeConv || plan.resize);
    return plan;
}

void ComputeJob::computeDisplayImages(ComputeResult& out, const DisplayPlan& plan, bool keepResult) const {
    const Shape4 os = out.output.shape();
    const int h = static_cast<int>(os.h), w = static_cast<int>(os.w);
    const int stored = storedDisplayLevel(h, w);
    const QSize storedSize((w + (1 << stored) - 1) >> stored, (h + (1 << stored) - 1) >> stored);
    const int toneChannels = os.c >= 3 ? 3 : 1;
    const PixelMapping tone{PixelMapping::Kind::Tone, out.tone.lo, out.tone.hi};
    // The result and resize-conv (a transposed convolution too) in one pass over the input.
    std::vector<ConvLayer> layers{out.problem.layer};
    if (plan.resize) {
        layers.emplace_back();
        nearestResizeConvLayer(out.problem.layer, layers.back());
    }
    auto means = std::make_shared<const BlockMeans>(out.layerInput, layers, h, w);
    std::vector<float> resultLevel, resizeLevel;
    means->compute(1 << stored, QRect(QPoint(0, 0), storedSize),
                   {keepResult && !plan.resize ? nullptr : &resultLevel, plan.resize ? &resizeLevel : nullptr});
    out.outputMeans = means;
    if (out.output.empty() && !resultLevel.empty()) {
        // The fixed heatmap scale's reference, without the output: the mean of the level's cells.
        double sum = 0;
        for (float v : resultLevel) sum += v;
        out.outputMean = sum / double(resultLevel.size());
    }
    out.difference.clear();
    out.differenceImage = {};
    if (plan.resize) {
        out.resizeConv = Tensor();
        if (out.request.difference) {
            const int64_t channels = os.c;
            LevelSource diff = [means, channels](int level, const QRect& rect, std::vector<float>& planes) {
                std::vector<float> r;
                means->compute(1 << level, rect, {&planes, &r});
                channelMeanDifference(planes, r, channels);
            };
            std::vector<float> level = resultLevel;
            channelMeanDifference(level, resizeLevel, channels);
            out.differenceImage = levelImage(h, w, 1, stored, {}, diff, std::move(level));
            const auto [range, max] = differenceScale(diff, *out.differenceImage.values, h, w);
            out.differenceRange = range;
            out.differenceMax = max;
            out.differenceImage.mapping = {PixelMapping::Kind::Diverging, -range, range};
        }
        out.resizeImage = levelImage(h, w, toneChannels, stored, tone, meansOf(means, 1), std::move(resizeLevel));
    }
    if (!keepResult)
        out.resultImage = levelImage(h, w, toneChannels, stored, tone, meansOf(means, 0), std::move(resultLevel));
    if (plan.heatmap) {
        // The gain map A - 1: the all-ones input's response over the mean phase gain.
        ConvLayer single = makeDepthwiseLayer(out.request.kernel, 1, out.request.params.geometry);
        single.bias.clear();
        const Shape4 in = out.layerInput->shape();
        auto ones = std::make_shared<const BlockMeans>(nullptr, std::vector<ConvLayer>{single}, h, w, in.h, in.w);
        const double phases = double(out.request.params.geometry.stride.h) * out.request.params.geometry.stride.w;
        const float inv = static_cast<float>(phases / out.request.kernel.sum());
        LevelSource gain = [ones, inv](int level, const QRect& rect, std::vector<float>& planes) {
            ones->compute(1 << level, rect, planes);
            for (float& v : planes) v = v * inv - 1.0f;
        };
        out.heatImage = levelImage(h, w, 1, stored, {PixelMapping::Kind::Diverging, out.heatLo, out.heatHi}, gain);
    }
}

void ComputeJob::computeDifference(ComputeResult& out) {
    const Shape4 s = out.output.shape();
    out.difference.resize(static_cast<size_t>(s.h * s.w));
    const float inv = 1.0f / static_cast<float>(std::max<int64_t>(s.c, 1));
    std::vector<float> rowMax(static_cast<size_t>(s.h), 0.0f);
    parallelRows(static_cast<int>(s.h), [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const size_t o = static_cast<size_t>(y) * s.w;
            float* d = out.difference.data() + o;
            std::fill(d, d + s.w, 0.0f);
            for (int64_t c = 0; c < s.c; ++c) {
                const float* __restrict a = out.output.plane(0, c) + o;
                const float* __restrict b = out.resizeConv.plane(0, c) + o;
                float* __restrict dd = d;
                for (int64_t x = 0; x < s.w; ++x) dd[x] += a[x] - b[x];
            }
            float m = 0.0f;
            for (int64_t x = 0; x < s.w; ++x) {
                d[x] *= inv;
                m = std::max(m, std::abs(d[x]));  // NaN never wins
            }
            rowMax[static_cast<size_t>(y)] = m;
        }
    });
    out.differenceMax = rowMax.empty() ? 0.0f : *std::max_element(rowMax.begin(), rowMax.end());
    out.differenceRange = std::max(robustMax(out.difference, true), 1e-6f);
}

void ComputeJob::computeImages(ComputeResult& out, const ResultReuse& reuse, const ComputeResult* previous,
                               const DisplayPlan& display) {
    // A reused tensor keeps its pyramid (the values); only the colour mapping may change.
    auto keep = [](MipImage& dst, const MipImage& src, const PixelMapping& mapping) {
        if (src.isNull() || !(src.mapping == mapping)) return false;
        dst = src;
        return true;
    };
    const ToneMode mode = out.request.params.tone;
    out.tone = toneRange(out.output, mode);
    const Shape4 os = out.output.shape();
    const int h = static_cast<int>(os.h), w = static_cast<int>(os.w);
    // The input keeps its own range in auto mode (the tutorial inputs are 1..4,
    // their outputs up to 10: each is easiest to read on its own scale).
    const ToneRange inTone = toneRange(*out.request.input, mode);
    if (lastInput_ != out.request.input || lastInputTone_.lo != inTone.lo || lastInputTone_.hi != inTone.hi) {
        lastInputImage_ = mipsFromTensor(*out.request.input, inTone);
        lastInput_ = out.request.input;
        lastInputTone_ = inTone;
    }
    out.inputImage = lastInputImage_;
    out.inputTone = inTone;
    // Large outputs: what comes from display-resolution levels first (cheap),
    // the rest below from the full-size tensors as for any size.
    const PixelMapping tone{PixelMapping::Kind::Tone, out.tone.lo, out.tone.hi};
    const bool keptResult = reuse.output && keep(out.resultImage, previous->resultImage, tone);
    if (display.active) computeDisplayImages(out, display, keptResult);
    else if (!keptResult) out.resultImage = mipsFromTensor(out.output, out.tone, std::move(out.resultImage));
    if (!display.resize) {
        const bool haveResize = out.resizeError.isEmpty() && !out.resizeConv.empty() && out.request.resizeConv;
        if (!haveResize) out.resizeImage = {};
        else if (!(reuse.resizeConv && keep(out.resizeImage, previous->resizeImage, tone)))
            out.resizeImage = mipsFromTensor(out.resizeConv, out.tone, std::move(out.resizeImage));
        const PixelMapping diff{PixelMapping::Kind::Diverging, -out.differenceRange, out.differenceRange};
        if (out.difference.empty()) out.differenceImage = {};
        else if (!(reuse.difference && keep(out.differenceImage, previous->differenceImage, diff)))
            out.differenceImage = mipsFromPlane(out.difference.data(), h, w, true, -out.differenceRange,
                                                out.differenceRange, std::move(out.differenceImage));
    }
    if (display.heatmap) return;
    if (!out.heat.empty() && out.heat.size() == static_cast<size_t>(h) * w) {
        const PixelMapping heat{out.heatDiverging ? PixelMapping::Kind::Diverging : PixelMapping::Kind::Sequential,
                                out.heatLo, out.heatHi};
        if (!(reuse.heatmap && keep(out.heatImage, previous->heatImage, heat)))
            out.heatImage = mipsFromPlane(out.heat.data(), h, w, out.heatDiverging, out.heatLo, out.heatHi,
                                          std::move(out.heatImage));
    } else {
        out.heatImage = {};
    }
}

}  // namespace tconv::ui
