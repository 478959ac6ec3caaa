// SPDX-License-Identifier: MIT
#include "panels/StackLayers.h"

#include <QFileInfo>
#include <QObject>
#include <algorithm>
#include <cmath>

#include "backends/BackendFactory.h"
#include "common/KernelFile.h"
#include "analysis/LayerStack.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/KernelPresets.h"
#include "core/OutputGeometry.h"
#include "core/Validation.h"

namespace tconv::ui {
namespace {

std::string layerPrefix(int index) { return "layer " + std::to_string(index + 1) + ": "; }

ConvParams layerParams(const StackLayerSpec& l, const Kernel2D& kernel) {
    ConvParams p;
    p.kernel = Size2(kernel.h, kernel.w);
    p.stride = Size2(l.s);
    p.padding = Size2(l.p);
    p.outputPadding = Size2(l.op);
    p.dilation = Size2(l.d);
    return p;
}

// Every layer's output extent for an inH x inW input; the largest plane (0 when one is empty).
int64_t largestPlane(int64_t inH, int64_t inW, const StackSpec& spec) {
    int64_t h = inH, w = inW, largest = 0;
    for (const StackLayerSpec& l : spec.layers) {
        h = outputExtent(h, l.k, l.s, l.p, l.op, l.d);
        w = outputExtent(w, l.k, l.s, l.p, l.op, l.d);
        if (h <= 0 || w <= 0) return 0;
        largest = std::max(largest, h * w);
    }
    return largest;
}

std::string presetList() {
    std::string out;
    for (const std::string& n : presetNames()) out += (out.empty() ? "" : ", ") + n;
    return out;
}

StackLayerSpec layer(const char* kernel, int k, int s, int p, int op = 0, int d = 1) {
    return StackLayerSpec{QString::fromLatin1(kernel), k, s, p, op, d};
}

}  // namespace

QString describeLayer(const StackLayerSpec& l) {
    const bool preset = parseKernelPreset(l.kernel.toStdString()).has_value();
    return QStringLiteral("%1 k=%2 s=%3 p=%4 op=%5 d=%6")
        .arg(preset ? l.kernel : QFileInfo(l.kernel).fileName())
        .arg(l.k)
        .arg(l.s)
        .arg(l.p)
        .arg(l.op)
        .arg(l.d);
}

Kernel2D stackLayerKernel(const StackLayerSpec& l, int index) {
    try {
        if (const auto preset = parseKernelPreset(l.kernel.toStdString())) {
            PresetOptions o;
            o.stride = Size2(l.s);
            o.size = Size2(l.k);
            o.seed = static_cast<uint64_t>(index);
            return makePresetKernel(*preset, o);
        }
        if (l.kernel.isEmpty())
            throw ParameterError("no kernel: choose a preset (" + presetList() + ") or a kernel file");
        const app::KernelFile file = app::loadKernelFile(l.kernel.toStdString());
        if (file.isFullWeight())
            throw ParameterError("kernel file '" + l.kernel.toStdString() + "' holds a " + file.describe() +
                                 "; a stack layer takes a 2-D kernel (kH, kW)");
        return *file.kernel;
    } catch (const ParameterError& e) {
        throw ParameterError(layerPrefix(index) + e.what());
    } catch (const std::exception& e) {
        throw ProcessingError(layerPrefix(index) + e.what());
    }
}

std::vector<ConvLayer> buildStackLayers(const StackSpec& spec, int channels) {
    if (spec.layers.empty()) throw ParameterError("a stack needs at least one layer");
    if (spec.layers.size() > static_cast<size_t>(kMaxStackLayers))
        throw ParameterError("a stack has at most " + std::to_string(kMaxStackLayers) + " layers, but got " +
                             std::to_string(spec.layers.size()));
    std::vector<ConvLayer> layers;
    for (size_t i = 0; i < spec.layers.size(); ++i) {
        const int index = static_cast<int>(i);
        const Kernel2D kernel = stackLayerKernel(spec.layers[i], index);
        try {
            ConvLayer l = makeDepthwiseLayer(kernel, channels, layerParams(spec.layers[i], kernel));
            validateParams(l.params);
            validateWeight(l.weight.shape(), l.params);
            layers.push_back(std::move(l));
        } catch (const ParameterError& e) {
            throw ParameterError(layerPrefix(index) + e.what());
        }
    }
    return layers;
}

std::vector<ChainStep> stackChainSteps(const StackSpec& spec) {
    const std::vector<ConvLayer> layers = buildStackLayers(spec, 1);
    std::vector<ChainStep> steps;
    for (size_t i = 0; i < layers.size(); ++i)
        steps.push_back(ChainStep{describeLayer(spec.layers[i]).toStdString(), layers[i], padBegin(layers[i].params)});
    return steps;
}

const std::vector<StackLesson>& stackLessons() {
    static const std::vector<StackLesson> lessons = {
        {QStringLiteral("clean"), QObject::tr("Clean stack"),
         QObject::tr("Three bilinear k=4, s=2 layers: each is artifact-free (every output phase gets the same "
                     "gain), and so is the ×8 stack: CV 0."),
         StackSpec{{layer("bilinear", 4, 2, 1), layer("bilinear", 4, 2, 1), layer("bilinear", 4, 2, 1)}}},
        {QStringLiteral("tainted"), QObject::tr("One bad layer"),
         QObject::tr("The middle layer (box k=3, s=2: uneven overlap) ripples; the clean bilinear layer after it "
                     "interpolates the ripple instead of removing it: everything after the bad layer is "
                     "tainted."),
         StackSpec{{layer("bilinear", 4, 2, 1), layer("box", 3, 2, 1, 1), layer("bilinear", 4, 2, 1)}}},
        {QStringLiteral("hidden"), QObject::tr("Final conv hides it"),
         QObject::tr("A box k=3, s=2 layer ripples with period 2; a final stride-1 2×2 box sums exactly one "
                     "period of it at every pixel, so the stack's output is flat again: CV 0."),
         StackSpec{{layer("box", 3, 2, 1, 1), layer("box", 2, 1, 0)}}},
        {QStringLiteral("not-hidden"), QObject::tr("Final conv cannot"),
         QObject::tr("The same ripple through a stride-1 3×3 box: its window covers one and a half periods, so "
                     "the ripple is smaller but still there."),
         StackSpec{{layer("box", 3, 2, 1, 1), layer("box", 3, 1, 1)}}},
    };
    return lessons;
}

StackCrop stackInputCrop(int64_t inH, int64_t inW, const StackSpec& spec, int64_t maxOutputPixels) {
    StackCrop c{0, 0, inH, inW, false};
    int64_t largest = largestPlane(c.h, c.w, spec);
    if (largest <= maxOutputPixels) return c;
    // Shrink both sides by the same factor until every layer fits (outputs grow
    // about linearly with the input side).
    double f = std::sqrt(static_cast<double>(maxOutputPixels) / static_cast<double>(largest));
    while (largest > maxOutputPixels && (c.h > 1 || c.w > 1)) {
        c.h = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(inH) * f));
        c.w = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(inW) * f));
        largest = largestPlane(c.h, c.w, spec);
        f *= 0.97;
    }
    c.top = (inH - c.h) / 2;
    c.left = (inW - c.w) / 2;
    c.cropped = true;
    return c;
}

namespace {

Tensor cropImage(const Tensor& image, const StackCrop& c) {
    const Shape4 s = image.shape();
    if (!c.cropped) return image;
    Tensor out(Shape4{1, s.c, c.h, c.w});
    for (int64_t ch = 0; ch < s.c; ++ch)
        for (int64_t y = 0; y < c.h; ++y)
            std::copy_n(image.plane(0, ch) + (c.top + y) * s.w + c.left, c.w, out.plane(0, ch) + y * c.w);
    return out;
}

bool isCancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(); }

}  // namespace

StackResult computeStack(const Tensor& image, const StackSpec& spec, const std::atomic<bool>* cancel) {
    StackResult r;
    r.spec = spec;
    try {
        const Shape4 s = image.shape();
        const std::vector<ConvLayer> layers = buildStackLayers(spec, static_cast<int>(s.c));
        // The analysis first: it is exact and cheap, and it names a bad stack
        // (too many phases) before any large convolution runs.
        const std::vector<ChainStep> steps = stackChainSteps(spec);
        r.analysis = analyzeChain(steps);
        r.layerIndexedMean = layerIndexedTable(r.analysis.meanTable, layerStackEquivalent(layers).padding);
        for (size_t i = 0; i < steps.size(); ++i) {
            const std::vector<ChainStep> prefix(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(i) + 1);
            r.prefixTables.push_back(compoundPhaseGains(prefix).front());
            const Kernel2D k = stackLayerKernel(spec.layers[i], static_cast<int>(i));
            r.ownTables.push_back(phaseGainTable(k, Size2(spec.layers[i].s), Size2(spec.layers[i].d)));
            r.ownScores.push_back(artifactScores(r.ownTables.back()));
        }
        r.crop = stackInputCrop(s.h, s.w, spec);
        std::unique_ptr<Backend> backend = createBackend(BackendKind::Cpu);
        std::shared_ptr<const Tensor> x = std::make_shared<const Tensor>(cropImage(image, r.crop));
        for (const ConvLayer& l : layers) {
            if (isCancelled(cancel)) {
                r.cancelled = true;
                return r;
            }
            x = std::make_shared<const Tensor>(convTranspose2d(*x, l, *backend));
            r.outputs.push_back(x);
        }
        r.cancelled = isCancelled(cancel);
    } catch (const std::exception& e) {
        r.error = QString::fromUtf8(e.what());
    }
    return r;
}

}  // namespace tconv::ui
