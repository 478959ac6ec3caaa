// SPDX-License-Identifier: MIT
#include "cpu/internal/Plan.h"
