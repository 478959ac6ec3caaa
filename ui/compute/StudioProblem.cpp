// SPDX-License-Identifier: MIT
#include "compute/StudioProblem.h"

#include <QCoreApplication>
#include <algorithm>

#include "analysis/LayerKernels.h"
#include "analysis/Spectrum.h"
#include "core/ConvError.h"

namespace tconv::ui {
namespace {

QString tr(const char* s) { return QCoreApplication::translate("StudioProblem", s); }

}  // namespace

StudioProblem planStudioProblem(const StudioParams& p, const Kernel2D& kernel, int imageChannels) {
    StudioProblem sp;
    if (!p.isFullWeight()) {
        sp.layer = buildStudioLayer(p, kernel, imageChannels);
        sp.inputChannels = imageChannels;
        return sp;
    }
    const ConvLayer full = fullWeightLayer(p);
    const int64_t cin = full.inChannels(), cout = full.outChannels();
    const int64_t co = p.weightChannel;
    checkOutputChannel(full, co);
    const bool colour = cout == 3;
    const QString shown =
        colour ? tr("all 3 output channels in colour") : tr("output channel %1 of %2").arg(co + 1).arg(cout);
    if (cin == imageChannels) {
        if (colour) {
            sp.layer = full;
            sp.inputChannels = cin;
            sp.analysedOutput = static_cast<int>(co);
        } else {
            sp.layer = outputChannelLayer(full, co);
            sp.input = full.params.groups == 1 ? StudioInput::Image : StudioInput::GroupChannels;
            sp.groupBegin = groupInputBegin(full, co);
            sp.inputChannels = sp.layer.inChannels();
        }
        sp.provenanceExact = sp.inputChannels == 1;
        sp.note = tr("The image's %1 channels feed the layer's %1 inputs; showing %2.").arg(cin).arg(shown);
        return sp;
    }
    std::vector<int64_t> channels{co};
    if (colour) channels = {0, 1, 2};
    sp.layer = collapsedLayer(full, channels);
    sp.input = StudioInput::Luminance;
    sp.inputChannels = 1;
    sp.analysedOutput = colour ? static_cast<int>(co) : 0;
    sp.note = tr("The layer takes %1 input channels and the image has %2: its luminance feeds every input "
                 "(each output is then its channel kernel, the sum over inputs, applied to that plane); showing %3.")
                  .arg(cin)
                  .arg(imageChannels)
                  .arg(shown);
    return sp;
}

std::shared_ptr<const Tensor> StudioInputCache::input(const StudioProblem& problem,
                                                      const std::shared_ptr<const Tensor>& image) {
    if (problem.input == StudioInput::Image) return image;
    if (image_ == image && kind_ == problem.input && groupBegin_ == problem.groupBegin &&
        channels_ == problem.inputChannels && derived_)
        return derived_;
    const Shape4 s = image->shape();
    if (problem.input == StudioInput::Luminance) {
        derived_ = std::make_shared<const Tensor>(grayscale(*image));
    } else {
        if (problem.groupBegin < 0 || problem.groupBegin + problem.inputChannels > s.c)
            throw ParameterError("input channels " + std::to_string(problem.groupBegin) + ".." +
                                 std::to_string(problem.groupBegin + problem.inputChannels - 1) +
                                 " do not exist in an image with " + std::to_string(s.c) + " channels");
        auto t = std::make_shared<Tensor>(Shape4{s.n, problem.inputChannels, s.h, s.w});
        for (int64_t n = 0; n < s.n; ++n)
            for (int64_t c = 0; c < problem.inputChannels; ++c)
                std::copy(image->plane(n, problem.groupBegin + c), image->plane(n, problem.groupBegin + c) + s.h * s.w,
                          t->plane(n, c));
        derived_ = std::move(t);
    }
    image_ = image;
    kind_ = problem.input;
    groupBegin_ = problem.groupBegin;
    channels_ = problem.inputChannels;
    return derived_;
}

}  // namespace tconv::ui
