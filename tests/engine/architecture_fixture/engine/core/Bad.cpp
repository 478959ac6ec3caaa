// SPDX-License-Identifier: MIT
#include "cpu/CpuBackend.h"
