// SPDX-License-Identifier: MIT
#pragma once
// The front door used by the CLI, the batch pipeline and the studio: validates
// the request once (Validation.h), shapes the output, then lets the backend compute.
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"

namespace tconv {

// Computes into `output`, reusing its allocation when it is large enough.
// Throws ParameterError for invalid requests (nothing is allocated then) and
// ProcessingError when the backend fails.
void convTranspose2d(const Tensor& input, const ConvLayer& layer, Backend& backend, Tensor& output,
                     const ResourceLimits& limits = defaultResourceLimits());

Tensor convTranspose2d(const Tensor& input, const ConvLayer& layer, Backend& backend,
                       const ResourceLimits& limits = defaultResourceLimits());

}  // namespace tconv
