// SPDX-License-Identifier: MIT
#pragma once
// Driving the studio's ComputePipeline from a test: a request for a set of
// parameters, and one submit waited for, returning the result it delivered.
#include <QObject>
#include <memory>
#include <utility>

#include "compute/ComputePipeline.h"
#include "document/StudioParams.h"

namespace tconv::ui::test {

inline ComputeRequest pipelineRequest(std::shared_ptr<const Tensor> input, const StudioParams& p) {
    ComputeRequest r;
    r.input = std::move(input);
    r.params = p;
    r.kernel = resolveKernel(p);
    return r;
}

inline ComputeResultPtr runOne(ComputePipeline& pipeline, const ComputeRequest& r) {
    ComputeResultPtr got;
    auto c = QObject::connect(&pipeline, &ComputePipeline::resultReady, [&](ComputeResultPtr x) { got = x; });
    pipeline.submit(r);
    pipeline.waitForIdle();
    QObject::disconnect(c);
    return got;
}

}  // namespace tconv::ui::test
