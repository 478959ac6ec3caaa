// SPDX-License-Identifier: MIT
#pragma once
// What one compute job produced, with the request it was computed for. The
// pipeline recycles these objects (and so their tensors and images) once the
// GUI has let go of them; the GUI only ever reads them.
#include <QMetaType>
#include <QString>
#include <memory>
#include <vector>

#include "compute/BlockMeans.h"
#include "compute/ComputeRequest.h"
#include "compute/SharedTensor.h"
#include "views/DisplayImage.h"
#include "compute/StudioProblem.h"
#include "analysis/PhaseGain.h"
#include "analysis/Spectrum.h"
#include "core/Tensor.h"

namespace tconv::ui {

struct ComputeResult {
    ComputeRequest request;
    bool ok = false;
    QString error;         // the engine's message when !ok (result tensors untouched then)
    QString resizeError;   // resize-conv failed alone (the rest is valid)
    QString heatmapError;  // the selected heatmap could not be computed
    QString spectrumError;

    // What was computed: the layer, which channel the analysis follows, and the
    // layer's input (the image itself unless weight mode derived it).
    StudioProblem problem;
    std::shared_ptr<const Tensor> layerInput;

    // Transposed convolution, (1, C, H_out, W_out); shared with the previous result when reused. Only
    // planned (its shape, no tensor) for a large photo whose views all come from display levels.
    SharedTensor output;
    std::shared_ptr<const BlockMeans> outputMeans;  // large photos: exact output values of any cell or pixel
    Tensor resizeConv;                              // resize-then-convolution, same shape (empty on resizeError)
    std::vector<float> heat;                        // H_out * W_out, the selected heatmap
    std::vector<float> difference;                  // H_out * W_out, mean over channels of output - resizeConv
    float heatLo = 0, heatHi = 0;                   // display range of `heat` (diverging: -r..r; beyond it saturates)
    bool heatDiverging = true;                      // symmetric around 0 (gain, artifact) or sequential (energy)
    double outputMean = 0;      // mean of `output` (a subsample): the fixed heatmap scale's reference
    float differenceRange = 0;  // display range: 99.5th percentile of |difference|
    float differenceMax = 0;    // max |difference|

    PhaseGainTable gain;
    ArtifactScores scores;

    ToneRange tone;       // result and resize-conv (the same scale, so they compare)
    ToneRange inputTone;  // the input's own
    MipImage inputImage, resultImage, resizeImage, heatImage, differenceImage, spectrumImage;
    float spectrumLo = 0, spectrumHi = 0;  // dB range shown
    Spectrum spectrum;

    QString backend;            // the backend's description
    double computeMs = 0;       // the job, from start to images ready
    double convMs = 0;          // the transposed convolution alone
    bool outputReused = false;  // the convolution was taken from the previous result (only views changed)
    std::vector<std::pair<const char*, double>> stageMs;  // per stage, for the benchmark
};

using ComputeResultPtr = std::shared_ptr<const ComputeResult>;

}  // namespace tconv::ui

Q_DECLARE_METATYPE(tconv::ui::ComputeResultPtr)
