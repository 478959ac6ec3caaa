// SPDX-License-Identifier: MIT
#include "cpu/CpuBackend.h"
#include "analysis/internal/Fft.h"
#include "cpu/internal/Plan.h"
