// SPDX-License-Identifier: MIT
#include "core/Tensor.h"
