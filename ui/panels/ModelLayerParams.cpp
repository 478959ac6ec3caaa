// SPDX-License-Identifier: MIT
#include "panels/ModelLayerParams.h"

#include <QFileInfo>
#include <memory>

namespace tconv::ui {

QString layerWeightPath(const QString& modelPath, const app::UpsamplingLayer& layer) {
    return QStringLiteral("%1 › %2").arg(QFileInfo(modelPath).fileName(), QString::fromStdString(layer.name));
}

StudioParams layerWeightParams(StudioParams base, const app::UpsamplingLayer& layer, const QString& modelPath) {
    const ConvLayer& l = layer.layer;
    StudioParams p = weightModeParams(std::move(base), std::make_shared<const Tensor>(l.weight),
                                      layerWeightPath(modelPath, layer), l.params.groups);
    // The whole geometry from the model (weightModeParams set kernel and groups
    // only): stride, dilation, output padding and the per-side crops.
    p.geometry = l.params;
    p.geometry.kernel = Size2(static_cast<int>(l.weight.shape().h), static_cast<int>(l.weight.shape().w));
    p.weightChannel = worstWeightChannel(p);
    const auto channel = static_cast<size_t>(p.weightChannel);
    p.bias = channel < l.bias.size() ? l.bias[channel] : 0.0f;
    return p;
}

}  // namespace tconv::ui
