// SPDX-License-Identifier: MIT
#pragma once
// "Copy as PyTorch": the nn.ConvTranspose2d that computes exactly what the
// studio shows, with its weight (and bias), as runnable Python.
#include <QString>

#include "document/StudioParams.h"
#include "core/Kernel2D.h"

namespace tconv::ui {

QString pytorchSnippet(const StudioParams& p, const Kernel2D& kernel, int channels);

}  // namespace tconv::ui
