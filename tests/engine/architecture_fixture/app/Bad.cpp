// SPDX-License-Identifier: MIT
#include "core/Tensor.h"
#include "cpu/CpuBackend.h"
#include <vector>
