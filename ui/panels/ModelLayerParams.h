// SPDX-License-Identifier: MIT
#pragma once
// A model's upsampling layer (app/audit) as the studio's weight mode: the
// equivalent transposed convolution's weight and every attribute (stride,
// per-side pads, output padding, dilation, groups) filled in from the model,
// never typed. Pure functions: the model panel lands their result as one undo
// step, the tests compare it with the audit.
#include <QString>

#include "audit/ModelLayers.h"
#include "document/StudioParams.h"

namespace tconv::ui {

// `base` (input-independent settings kept: backend, heatmap, resize mode) in
// weight mode on `layer`: its weight and geometry, the worst output channel
// analysed first and the bias of that channel (the studio adds one bias value
// to every channel). `modelPath` names where the weight came from.
StudioParams layerWeightParams(StudioParams base, const app::UpsamplingLayer& layer, const QString& modelPath);

// "model.onnx › /net/net.3/ConvTranspose": the weight path the kernel view shows.
QString layerWeightPath(const QString& modelPath, const app::UpsamplingLayer& layer);

}  // namespace tconv::ui
