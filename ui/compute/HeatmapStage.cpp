// SPDX-License-Identifier: MIT
#include "compute/HeatmapStage.h"

#include "views/DisplayImage.h"
#include "analysis/ArtifactComponent.h"
#include "analysis/GainMap.h"
#include "analysis/PeriodicEnergy.h"
#include "core/ConvLayer.h"

namespace tconv::ui {

std::string HeatmapStage::compute(const ComputeRequest& request, const ConvLayer& layer, const Tensor& input,
                                  const Tensor& result, const Tensor* reference, Backend& backend,
                                  std::vector<float>& plane, bool& diverging) {
    diverging = true;
    const Shape4 in = input.shape();
    try {
        switch (request.params.heatmap) {
            case HeatmapKind::GainMap: {
                if (std::abs(request.kernel.sum()) < 1e-12)
                    return "the kernel sums to zero, so there is no mean gain to compare the phases with";
                // Every channel of a depthwise layer has the same gain: one plane suffices.
                // Made anew each time, in place: spreading the small problem's map costs
                // about what copying a kept one did (a 1 MP input's map is 16 MB), and a
                // change that keeps the kernel and geometry reuses the previous result's map
                // anyway (ResultReuse) unless only the bias changed.
                const ConvLayer single = makeDepthwiseLayer(request.kernel, 1, request.params.geometry);
                Tensor map;
                map.storage().swap(plane);  // the recycled result's buffer, when it has one
                gainMap(single, in.h, in.w, backend, map);
                plane.swap(map.storage());
                return {};
            }
            case HeatmapKind::ArtifactComponent:
                channelMean(artifactComponent(input, layer, backend), plane);
                return {};
            case HeatmapKind::PeriodicEnergy: {
                diverging = false;
                PeriodicEnergyOptions o;
                o.stride = request.params.geometry.stride;
                o.phaseOffset = request.params.geometry.padding;
                if (!reference || reference->shape() != result.shape())
                    return "the periodic energy is measured against resize-conv, which could not be computed";
                channelMean(periodicEnergyExcess(result, *reference, o), plane);
                return {};
            }
        }
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

}  // namespace tconv::ui
