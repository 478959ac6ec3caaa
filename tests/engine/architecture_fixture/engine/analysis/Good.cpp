// SPDX-License-Identifier: MIT
#include "core/Tensor.h"
#include "analysis/internal/Fft.h"
