// SPDX-License-Identifier: MIT
#pragma once
// The studio's "Stacked layers" model (issue 14): 1-4 transposed-convolution
// layers, each with its own kernel (an engine preset or a 2-D kernel file),
// k, s, p, op and d, applied one after the other to the image as in a decoder
// (depthwise: the same kernel on every channel). No widgets here: the panel
// (StackPanel) edits a StackSpec and runs computeStack on a worker thread; the
// tests call the same functions.
//
// The stack is linear, so its response to a constant image is periodic with
// period S = the product of the strides; analysis/ChainAnalysis computes that
// compound phase-gain table exactly (no borders, no sampling), and with it the
// CV of the whole stack and of every prefix.
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <vector>

#include "analysis/ChainAnalysis.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv::ui {

inline constexpr int kMaxStackLayers = 4;

struct StackLayerSpec {
    // An engine preset name ("bilinear", "box", ...: presetNames()) or the path
    // of a 2-D kernel file (app/common/KernelFile.h; its size then replaces k).
    QString kernel = QStringLiteral("bilinear");
    int k = 4, s = 2, p = 1, op = 0, d = 1;
    friend bool operator==(const StackLayerSpec&, const StackLayerSpec&) = default;
};

struct StackSpec {
    std::vector<StackLayerSpec> layers;
    friend bool operator==(const StackSpec&, const StackSpec&) = default;
};

// "bilinear k=4 s=2 p=1 op=0 d=1" (a file kernel by its file name).
QString describeLayer(const StackLayerSpec& l);

// One layer's 2-D kernel: the preset at k (scaled to sum s*s, random seeded by
// the layer's index) or the file's taps, raw. Throws ParameterError /
// ProcessingError naming the layer ("layer 2: ...").
Kernel2D stackLayerKernel(const StackLayerSpec& l, int index);

// The layers as depthwise engine layers on `channels` channels, validated
// (validateParams / validateWeight). Throws ParameterError naming the layer and
// the bad value; also for an empty stack or more than kMaxStackLayers layers.
std::vector<ConvLayer> buildStackLayers(const StackSpec& spec, int channels);

// The layers as analysis/ChainAnalysis steps (the crop of each is its padding).
std::vector<ChainStep> stackChainSteps(const StackSpec& spec);

// The three lessons of the checkerboard article, one click each.
struct StackLesson {
    QString id;           // "clean", "tainted", "hidden", "not-hidden"
    QString title;        // the button's text
    QString explanation;  // what it shows, one or two sentences
    StackSpec spec;
};
const std::vector<StackLesson>& stackLessons();

// The input side of the largest centre crop of an image that the stack maps to
// at most maxOutputPixels per channel (the whole image when it fits).
struct StackCrop {
    int64_t top = 0, left = 0, h = 0, w = 0;
    bool cropped = false;
};
inline constexpr int64_t kStackMaxOutputPixels = int64_t(1) << 22;  // 4 MP per channel, the last layer
StackCrop stackInputCrop(int64_t inH, int64_t inW, const StackSpec& spec,
                         int64_t maxOutputPixels = kStackMaxOutputPixels);

// What one run computed, with the spec it was computed for.
struct StackResult {
    quint64 job = 0;
    StackSpec spec;
    StackCrop crop;                                      // the part of the image that went in
    std::vector<std::shared_ptr<const Tensor>> outputs;  // per layer, (1, C, H_i, W_i)
    std::vector<PhaseGainTable> ownTables;               // per layer, its kernel's own phase gains
    std::vector<ArtifactScores> ownScores;
    std::vector<PhaseGainTable> prefixTables;  // compound table of layers 1..i (what layer i's output shows)
    // The whole stack's mean table indexed by (o + P) mod S (P: the stack's begin crop), as
    // `tconv analyze --stack` prints it and as each layer's own table is indexed.
    PhaseGainTable layerIndexedMean;
    ChainAnalysis analysis;  // the whole stack
    bool cancelled = false;
    QString error;  // the engine's message; nothing else is valid then
};

// Runs the stack on `image` (1, C, H, W) with the CPU backend and analyses it.
// Checks `cancel` between layers; returns with cancelled = true when it is set.
// Never throws: errors go to StackResult::error.
StackResult computeStack(const Tensor& image, const StackSpec& spec, const std::atomic<bool>* cancel = nullptr);

}  // namespace tconv::ui
