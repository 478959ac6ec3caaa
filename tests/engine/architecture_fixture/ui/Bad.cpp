// SPDX-License-Identifier: MIT
#include "analysis/internal/Fft.h"
