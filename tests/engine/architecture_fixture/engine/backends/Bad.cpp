// SPDX-License-Identifier: MIT
#include "cpu/CpuBackend.h"
#include "cpu/internal/Plan.h"
